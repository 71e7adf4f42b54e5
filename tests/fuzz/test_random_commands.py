"""Random commands against a real cycle (issue 17, item 2).

A hypothesis state machine drives the real workflow on the time-skipping test server,
recording into the real store, with at least 1,000 commands per run: ones likely to move
the cycle on, any command from anyone with any values, valid commands from the wrong
person, inputs no model allows (out of range, over a maximum, missing or unknown fields),
and the same command twice at once. After every command:

- the outcome (accepted, or refused with which code) is the one the pure rules give on
  the previous state;
- a refusal leaves the state, as the query returns it, exactly as it was;
- an accepted command leaves exactly the state the rules predict (``oracle.follow``: the
  rules applied at the time each event was recorded, alerts the cycle raised included);

and the store's projections equal the workflow's state whenever a cycle closes and at the
end of each run. A closed cycle hands over to next year's, which the run goes on with.

Runs: ``FUZZ_EXAMPLES`` × ``FUZZ_STEPS`` commands (5 × 200 by default; concurrent
duplicates count twice). Shrinking is off (each step is a round trip to a real server):
a failure prints the steps hypothesis ran, and the last commands with their outcomes.

Alerts are in the walk too: a board admin moving a step's due date into the past (random
dates go back to 2000) makes the cycle raise the overdue notices at once, and opening
coordinate raises the tasks' reminders (the plan's activities are in the past). The
server's clock is not moved (``env.sleep``): on the test server it stopped skipping time
for good once a second cycle had closed after a skip (reproduced on its own; the cycle
had nothing pending), which would hang the run.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from typing import Any, ClassVar

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test

from contracts.cycle import cycle_workflow_id
from domain.commands import Command
from domain.model import CycleState, Step
from domain.rules import findings_for_next_year
from tests.fuzz.commands import ACTORS, INVALID_PAYLOADS, ROLES, any_command, likely_valid
from tests.fuzz.oracle import expect, follow, settle
from tests.fuzz.projection import mismatches
from tests.fuzz.rig import COUNCIL, INVALID_INPUT, Outcome, Rig, read_state, send, state_of

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
STEPS = int(os.environ.get("FUZZ_STEPS", "200"))
# Past fiscal years: their activities may be recorded as held (and every deadline has
# passed, so each step opens with its overdue alerts). Closing a year opens the next, so
# later examples may reach years to come, where activities can only be cancelled.
FIRST_YEAR = 2001


class CycleMachine(RuleBasedStateMachine):
    """One council's cycle under random commands; the next year's when it closes."""

    rig: ClassVar[Rig]
    next_year: ClassVar[int] = FIRST_YEAR
    outcomes: ClassVar[Counter[str]] = Counter()
    steps_seen: ClassVar[set[Step]] = set()
    alerts: ClassVar[int] = 0  # raised by the cycle itself, each checked like a command

    def __init__(self) -> None:
        super().__init__()
        cls = type(self)
        self.year = cls.next_year
        cls.next_year += 2  # closing opens year + 1: keep it free
        self.handle = self.rig.run(self.rig.open_cycle(self.year))
        self.state = self.rig.run(state_of(self.handle))
        roster = {e.member_id: frozenset(e.roles) for e in self.state.roster.entries}
        assert roster == ROLES, "tests/fixtures/fuzzcity.yaml and ROLES disagree"
        self.trail: list[str] = []

    # --- rules ------------------------------------------------------------------------

    @rule(data=st.data())
    def likely_command(self, data: st.DataObject) -> None:
        self._try([data.draw(st.sampled_from(likely_valid(self.state)), label="command")])

    @rule(data=st.data())
    def another_likely_command(self, data: st.DataObject) -> None:
        # A second rule of the same kind: the cycle should get through its steps.
        self.likely_command(data)

    @rule(data=st.data())
    def random_command(self, data: st.DataObject) -> None:
        self._try([data.draw(any_command(self.state.fiscal_year), label="command")])

    @rule(data=st.data())
    def wrong_person(self, data: st.DataObject) -> None:
        command = data.draw(st.sampled_from(likely_valid(self.state)), label="command")
        actor = data.draw(st.sampled_from([a for a in ACTORS if a != command.actor]), label="as")
        self._try([command.model_copy(update={"actor": actor})])

    @rule(data=st.data())
    def concurrent_duplicates(self, data: st.DataObject) -> None:
        command = data.draw(st.sampled_from(likely_valid(self.state)), label="command")
        self._try([command, command])

    @rule(invalid=st.sampled_from(INVALID_PAYLOADS))
    def invalid_input(self, invalid: tuple[str, dict[str, Any]]) -> None:
        name, payload = invalid
        outcome = self.rig.run(send(self.handle, name, payload))
        self._note(f"{name} (invalid input)", outcome)
        assert outcome == Outcome(accepted=False, code=INVALID_INPUT), self._story()
        self._assert_unchanged()

    def teardown(self) -> None:
        if os.environ.get("FUZZ_TRAIL"):
            print("\n".join(self.trail))
        # The store records after the workflow accepts (an activity): on a loaded machine
        # the last command's rows may still be on their way, so give them a moment.
        found = mismatches(self.rig.engine, self.state)
        for _ in range(100):
            if not found:
                break
            time.sleep(0.1)
            found = mismatches(self.rig.engine, self.state)
        # One open cycle on the server at a time: the examples before are done with.
        self.rig.run(self.handle.terminate("fuzz example done"))
        assert found == [], "\n".join(found)

    # --- the checks -------------------------------------------------------------------

    def _try(self, commands: list[Command]) -> None:
        before = self.state
        at = self.rig.run(self.rig.now())
        predicted: list[Outcome] = []
        state = before
        for command in commands:
            outcome, state = expect(state, command, at)
            predicted.append(outcome)
        outcomes = self.rig.run(self._send_all(commands))
        for command, outcome in zip(commands, outcomes, strict=True):
            self._note(f"{command.kind} by {command.actor}", outcome)
        assert sorted(map(str, outcomes)) == sorted(map(str, predicted)), self._story()
        accepted = [c for c, o in zip(commands, outcomes, strict=True) if o.accepted]
        if not accepted:
            self._assert_unchanged()
            return
        after, rows = self.rig.run(
            self.rig.settled(self.handle, settle(state, at).accepted_commands)
        )
        assert after == follow(before, accepted, rows), self._story()
        type(self).alerts += sum(
            1 for r in rows if r.seq > before.accepted_commands and r.action.endswith("alert")
        )
        self.state = after
        type(self).steps_seen.add(after.step)
        if after.step is Step.CLOSED:
            self._next_year()

    def _assert_unchanged(self) -> None:
        after = self.rig.run(state_of(self.handle))
        assert after == self.state, self._story()

    async def _send_all(self, commands: list[Command]) -> list[Outcome]:
        return list(await asyncio.gather(*(send(self.handle, c.kind, c) for c in commands)))

    def _next_year(self) -> None:
        closed = self.state
        assert mismatches(self.rig.engine, closed) == []
        self.year += 1
        type(self).next_year = max(type(self).next_year, self.year + 2)
        self.handle = self.rig.client_env.client.get_workflow_handle(
            cycle_workflow_id(COUNCIL, self.year)
        )
        opened = self.rig.run(self._opened())
        assert (opened.fiscal_year, opened.step) == (self.year, Step.DISCUSS)
        assert list(opened.carried_over) == findings_for_next_year(closed)
        self.state = opened
        self.trail.append(f"-- next year {self.year} --")

    async def _opened(self) -> CycleState:
        for _ in range(500):
            try:
                state = await read_state(self.handle)
            except Exception:  # the child may not have started yet
                state = None
            if state is not None:
                return state
            await asyncio.sleep(0.01)
        raise AssertionError(f"next year's cycle {self.year} did not open")

    def _note(self, what: str, outcome: Outcome) -> None:
        type(self).outcomes[str(outcome)] += 1
        self.trail.append(f"{what}: {outcome} (at {self.state.step})")

    def _story(self) -> str:
        return "last commands:\n" + "\n".join(self.trail[-15:])


def test_random_commands_leave_the_state_the_rules_predict(rig: Rig) -> None:
    CycleMachine.rig = rig
    CycleMachine.outcomes = Counter()
    CycleMachine.steps_seen = set()
    CycleMachine.alerts = 0
    run_state_machine_as_test(
        CycleMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            phases=[Phase.generate],
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    sent = sum(CycleMachine.outcomes.values())
    print(f"\n{sent} commands: {dict(CycleMachine.outcomes.most_common())}")
    print(f"steps reached: {sorted(CycleMachine.steps_seen)}; alerts: {CycleMachine.alerts}")
    assert sent >= EXAMPLES * STEPS >= 1000 or os.environ.get("FUZZ_STEPS")
    # The walk got everywhere: a run that never left discuss would prove little.
    assert CycleMachine.steps_seen >= {Step.APPROVE, Step.PLAN, Step.COORDINATE, Step.ACT}
    assert CycleMachine.outcomes["accepted"] >= 100
    assert CycleMachine.alerts > 0
