"""Activities of the coordinate and act steps: what the cycle asks the volunteer registry.

The registry holds personal data and changes outside the cycle (renewals, withdrawals),
so the cycle cannot know by itself whether a volunteer's registration holds: it asks here
before recording who came to an activity.
"""

from __future__ import annotations

from sqlalchemy import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError

import store
from contracts.activities import CHECK_VOLUNTEERS, CheckVolunteersInput, VolunteerCheck
from store.errors import NotFound


class TaskActivities:
    """The task activities, bound to one database engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name=CHECK_VOLUNTEERS)
    def check_volunteers(self, data: CheckVolunteersInput) -> VolunteerCheck:
        """Whether every volunteer is registered with the council's municipality, not
        withdrawn and not expired on the activity's date. Reads only."""
        try:
            with store.session_scope(self._engine) as session:
                problem = store.check_volunteers(
                    session, data.council_id, list(data.volunteer_ids), data.on
                )
        except NotFound as missing:
            raise ApplicationError(str(missing), type="NotFound", non_retryable=True) from None
        if problem is None:
            return VolunteerCheck()
        return VolunteerCheck(code=problem.code, params=problem.params)
