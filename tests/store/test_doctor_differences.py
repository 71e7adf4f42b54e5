"""``doctor``'s comparison (pure): each field on which the store and the workflow's state
differ is one line; free text is shown by a fingerprint, never as written."""

from __future__ import annotations

from application.doctor import differences, projected_values
from domain.model import Step
from store.cycle_projections import DUE_PREFIX, StoredProjection, as_text
from tests.domain.builders import walk_to


def _stored_as(state_values: dict[str, str | None]) -> StoredProjection:
    return StoredProjection(council_id="council-a", fiscal_year=2026, values=state_values)


def test_a_store_that_says_what_the_workflow_says_has_no_difference() -> None:
    state = walk_to(Step.PLAN)
    values = {k: as_text(v) for k, v in projected_values(state).items()}
    values.update({DUE_PREFIX + s.value: d.isoformat() for s, d in state.due_dates.items()})
    assert differences(_stored_as(values), state) == []


def test_each_differing_field_is_one_line_and_text_is_fingerprinted() -> None:
    state = walk_to(Step.PLAN)
    values = {k: as_text(v) for k, v in projected_values(state).items()}
    values.update({DUE_PREFIX + s.value: d.isoformat() for s, d in state.due_dates.items()})
    values.update({"step": "discuss", "vision": "書き換えられた目指す子ども像"})
    del values[DUE_PREFIX + "evaluate"]
    found = differences(_stored_as(values), state)
    assert [d.field for d in found] == ["step", "vision", "due:evaluate"]
    lines = [d.line() for d in found]
    assert lines[0] == "council-a 2026 step: store=discuss workflow=plan"
    assert lines[1].startswith("council-a 2026 vision: store=text#")
    assert "子ども" not in lines[1] and state.vision is not None
    assert lines[2].startswith("council-a 2026 due:evaluate: store=- workflow=2027-")
