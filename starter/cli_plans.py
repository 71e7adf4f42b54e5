"""Read a plan file: a YAML list of activities with their aims, dates and roles.

Example (``examples/plan-kushiro.yaml``)::

    - activity_id: yomikikase
      title: 読み聞かせ
      kind: school_support
      planned_on: 2026-06-10
      aims:
        - {aim_id: yomikikase-habit, text: 本に親しむ習慣を育てる}
      roles:
        - {party: 地域ボランティア, duty: 朝の読み聞かせ}
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError

from application.errors import one_line
from application.vocabulary import PlannedActivity
from starter.cli_common import CliError, read_text_file, summarize

_ACTIVITIES = TypeAdapter(tuple[PlannedActivity, ...])


def read_plan_file(path: Path) -> tuple[PlannedActivity, ...]:
    """The activities in ``path``, or a one-line error naming the file and the problem."""
    raw = read_text_file(path)
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise CliError("bad_yaml", path=path, detail=one_line(str(exc))) from exc
    if not isinstance(data, list):
        raise CliError("plan_not_list", path=path)
    try:
        return _ACTIVITIES.validate_python(data)
    except ValidationError as exc:
        raise CliError("bad_plan", path=path, detail=summarize(exc)) from exc
