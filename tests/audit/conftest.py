"""Fixtures of the governed-directory tests: the time-skipping Temporal server (as in
``tests/workflows``) and a small municipality of their own, written with a unique suffix
per test so that tests never share councils, people or workflow ids."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.workflows.conftest import temporal_env

__all__ = ["temporal_env"]

# {s} is the test's suffix. Names are fictional.
TEMPLATE = """
municipality: {{id: ac{s}, name: 監査市, prefecture: テスト県}}
schools:
  - {{id: ac{s}-e1, name: 監査市立第一小学校}}
people:
  - {{id: ac{s}-chair, name: 監査 一郎, email: chair-{s}@ac.example.jp}}
  - {{id: ac{s}-m1, name: 監査 二郎}}
  - {{id: ac{s}-m2, name: 監査 三郎, email: m2-{s}@ac.example.jp}}
  - {{id: ac{s}-principal, name: 監査 校長}}
  - {{id: ac{s}-coord, name: 監査 推進員}}
  - {{id: ac{s}-board, name: 監査 教委, email: board-{s}@ac.example.jp{board_extra}}}
{extra_people}staff:
  - {{person: ac{s}-board, role: board_admin}}
councils:
  - id: ac{s}-c1
    name: 監査市立第一小学校学校運営協議会
    schools: [ac{s}-e1]
    members:
      - {{person: {chair}, roles: [chair]}}
      - {{person: ac{s}-m1, roles: [member]}}
      - {{person: ac{s}-m2, roles: [member]}}
      - {{person: ac{s}-principal, roles: [principal]}}
      - {{person: ac{s}-coord, roles: [coordinator]}}
"""


class AuditCity:
    """Writes the original and edited municipality files of one test."""

    def __init__(self, directory: Path) -> None:
        self.s = uuid.uuid4().hex[:6]
        self.directory = directory
        self.municipality = f"ac{self.s}"
        self.council = f"ac{self.s}-c1"
        self.chair = f"ac{self.s}-chair"
        self.stranger = f"ac{self.s}-stranger"
        self.board = f"ac{self.s}-board"

    def original(self) -> Path:
        """The municipality as it was."""
        return self._write("original", chair=self.chair)

    def hostile(self, webhook: str) -> Path:
        """The probe's edit: a stranger made chair (the chair gone from the council), the
        board's e-mail redirected and its webhook pointed at ``webhook``."""
        return self._write(
            f"hostile-{abs(hash(webhook))}",
            chair=self.stranger,
            board_extra=f", webhook_url: '{webhook}'",
            board_email=f"board-{self.s}@evil.example",
            extra_people=f"  - {{id: {self.stranger}, name: 不審 者}}\n",
        )

    def _write(
        self, name: str, chair: str, board_extra: str = "", board_email: str = "",
        extra_people: str = "",
    ) -> Path:  # fmt: skip
        text = TEMPLATE.format(
            s=self.s, chair=chair, board_extra=board_extra, extra_people=extra_people
        )
        if board_email:
            text = text.replace(f"board-{self.s}@ac.example.jp", board_email)
        path = self.directory / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        return path


@pytest.fixture
def auditcity(tmp_path: Path) -> AuditCity:
    """A fresh municipality of this test's own."""
    return AuditCity(tmp_path)


CityFactory = Callable[[], AuditCity]
