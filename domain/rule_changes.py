"""Changes to the rules made while cycles were running, each switched on per cycle.

A council's cycle lasts a fiscal year, so a change to the rules always meets cycles that
started under the old ones. Replaying such a cycle's history with the new rules would
decide its recorded commands differently (the workflow would do other things than its
history says: a non-determinism error, a stuck cycle). So each change has a name, a
cycle carries the names of the changes in force for it (``CycleState.rule_changes``,
fixed when it opens), and the rules apply a change only when the cycle has it.

The workflow turns a change on with ``workflow.patched(name)`` when a cycle opens: true
for every cycle started by a worker that knows the change, false for one replaying a
history recorded before it. docs/upgrading-workflows.md describes the whole procedure.
"""

from __future__ import annotations

#: On resume, open coordination tasks' due dates move by the time paused (rounded up to
#: whole days), as the steps' due dates always did: a task must not fall overdue, and
#: its owner must not be told so, because the board of education paused the cycle.
TASK_DUES_FOLLOW_PAUSE = "task-dues-follow-pause"

#: Every change the rules know, oldest first: a new cycle gets them all.
RULE_CHANGES: tuple[str, ...] = (TASK_DUES_FOLLOW_PAUSE,)
