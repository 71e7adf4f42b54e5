"""The board's summary over many municipalities: a prefecture, or the whole country.

``board.overview`` lists one municipality council by council. Over 35,000 councils a list
is the wrong answer (and building it took 0.4–1.5 s, bench/README.md): a prefecture or the
national office wants counts per municipality. The database aggregates; Python only adds
up a handful of rows per municipality. The counts follow the overview's rules exactly (a
test checks them against it): a paused cycle's lateness stops at its pause.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from domain.japan_time import japan_date
from domain.model import Step
from domain.tasks import TaskStatus
from store.deliveries import FAILED
from store.errors import NotFound
from store.models import Council, Cycle, Delivery, Municipality
from store.task_models import TaskRow

#: The steps in cycle order, as the summary's columns.
STEPS: tuple[Step, ...] = tuple(Step)


class MunicipalitySummary(NamedTuple):
    """One municipality's councils for one fiscal year, counted.

    ``by_step`` counts cycles at each step (``closed`` included) in cycle order;
    ``not_started`` the councils without a cycle for the year. ``overdue`` counts cycles
    whose current step is past its due date, ``overdue_tasks`` cycles with a coordination
    task open past its due date, ``failed_notifications`` deliveries that failed for good.
    """

    municipality_id: str
    municipality_name: str
    prefecture: str
    fiscal_year: int
    councils: int
    not_started: int
    by_step: tuple[int, ...]
    overdue: int
    paused: int
    overdue_tasks: int
    failed_notifications: int

    def as_json(self) -> dict[str, Any]:
        """The row as JSON-ready values, with the step counts by step name."""
        return {
            **self._asdict(),
            "by_step": {step.value: n for step, n in zip(STEPS, self.by_step, strict=True)},
        }


def summary(
    session: Session, year: int, *, today: date, prefecture: str | None = None
) -> list[MunicipalitySummary]:
    """Every municipality (of ``prefecture``, if given) with its councils' cycles of
    ``year`` counted, ordered by prefecture and municipality id. ``today`` is a date in
    Japan. ``NotFound`` when no municipality is registered in ``prefecture``."""
    where = [] if prefecture is None else [Municipality.prefecture == prefecture]
    steps = session.connection().execute(
        select(
            Municipality.id,
            Municipality.name,
            Municipality.prefecture,
            Cycle.step,
            func.count(Council.id),
            func.count(Cycle.paused_since),
            # Late and running: the common case, counted by the database. Paused late
            # cycles are read one by one below (their clock stopped at the pause).
            func.count(
                case(
                    (
                        and_(
                            Cycle.paused_since.is_(None),
                            Cycle.step != Step.CLOSED.value,
                            Cycle.due_on < today,
                        ),
                        1,
                    )
                )
            ),
        )
        .join(Council, Council.municipality_id == Municipality.id)
        .outerjoin(Cycle, and_(Cycle.council_id == Council.id, Cycle.fiscal_year == year))
        .where(*where)
        .group_by(Municipality.id, Municipality.name, Municipality.prefecture, Cycle.step)
    )
    names: dict[str, tuple[str, str]] = {}
    councils: Counter[str] = Counter()
    by_step: dict[str, Counter[str | None]] = {}
    paused: Counter[str] = Counter()
    overdue: Counter[str] = Counter()
    for municipality, name, pref, step, n, n_paused, n_late in steps:
        names[municipality] = (name, pref)
        councils[municipality] += n
        by_step.setdefault(municipality, Counter())[step] += n
        paused[municipality] += n_paused
        overdue[municipality] += n_late
    if prefecture is not None and not names:
        raise NotFound(f"都道府県 '{prefecture}' の自治体は登録されていません")
    for municipality, due_on, paused_since in session.connection().execute(
        select(Council.municipality_id, Cycle.due_on, Cycle.paused_since)
        .join(Cycle, Cycle.council_id == Council.id)
        .join(Municipality, Municipality.id == Council.municipality_id)
        .where(
            *where,
            Cycle.fiscal_year == year,
            Cycle.paused_since.is_not(None),
            Cycle.step != Step.CLOSED.value,
            Cycle.due_on < today,
        )
    ):
        assert due_on is not None and paused_since is not None  # selected so above
        if min(today, japan_date(paused_since)) > due_on:
            overdue[municipality] += 1
    late_tasks = _count_by_municipality(
        select(Council.municipality_id, func.count(func.distinct(TaskRow.cycle_id)))
        .select_from(TaskRow)
        .join(Cycle, Cycle.id == TaskRow.cycle_id)
        .join(Council, Council.id == Cycle.council_id)
        .join(Municipality, Municipality.id == Council.municipality_id)
        .where(
            *where,
            Cycle.fiscal_year == year,
            TaskRow.status == TaskStatus.OPEN.value,
            TaskRow.due_on < today,
        ),
        session,
    )
    failed = _count_by_municipality(
        select(Council.municipality_id, func.count(Delivery.id))
        .select_from(Delivery)
        .join(Council, Council.id == Delivery.council_id)
        .join(Municipality, Municipality.id == Council.municipality_id)
        .where(*where, Delivery.fiscal_year == year, Delivery.status == FAILED),
        session,
    )
    rows = [
        MunicipalitySummary(
            municipality_id=municipality,
            municipality_name=name,
            prefecture=pref,
            fiscal_year=year,
            councils=councils[municipality],
            not_started=by_step[municipality][None],
            by_step=tuple(by_step[municipality][step.value] for step in STEPS),
            overdue=overdue[municipality],
            paused=paused[municipality],
            overdue_tasks=late_tasks[municipality],
            failed_notifications=failed[municipality],
        )
        for municipality, (name, pref) in names.items()
    ]
    return sorted(rows, key=lambda row: (row.prefecture, row.municipality_id))


def _count_by_municipality(query: Any, session: Session) -> Counter[str]:
    grouped = query.group_by(Council.municipality_id)
    return Counter({municipality: n for municipality, n in session.connection().execute(grouped)})
