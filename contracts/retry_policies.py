"""The retry policies of every activity, defined once and named for what they protect.

Workflows (and the benchmark's baseline workflow) pass these to ``execute_activity`` /
``start_activity``. A policy travels with each scheduled activity into the history, but a
replay compares activity types, not policies: changing one here affects new attempts only.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy

#: Writing to the store, the system of record (a cycle's records, a delivery's outcome): the
#: activities are idempotent, so they retry until they succeed, with a ceiling on the backoff
#: so that a recovered database is used quickly.
RECORD_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)
#: How long one store write may take before it is tried again.
STORE_TIMEOUT = timedelta(seconds=30)

#: Filing notices and sending them on the outside channels (mail, webhooks): they must
#: never hold up the cycle, so they back off to half an hour and keep trying.
NOTIFY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=30),
)

#: The daily audit-anchor mail: backs off to ten minutes, so that the day's anchors still
#: go out that morning after an outage.
ANCHOR_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
)

#: Checking volunteers for a task update (a read, answered within the update): a few
#: quick tries, then the update is refused rather than left hanging.
CHECK_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=5)
