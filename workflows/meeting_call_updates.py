"""Meeting calls, replies and public minutes as updates, mixed into the cycle workflow.

The same thin shell as the other updates: the validator asks the rules on a copy
(``domain.meeting_call_rules`` through ``domain.rules``), the handler applies the decision,
so every call, reply and publication is in the cycle's history. The reminder two days
before a meeting is raised by the cycle's own alarm loop (``pending_call_reminder``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.commands import Command
    from domain.events import CommandReceipt
    from domain.meeting_calls import (
        CallMeetingInput,
        CorrectMinutesInput,
        PublishMinutesInput,
        ReplyToCallInput,
    )


class MeetingCallUpdates:
    """Updates of meeting calls and public minutes. Needs the host workflow's
    ``_validate`` and ``_accept`` (``CouncilCycleWorkflow``)."""

    if TYPE_CHECKING:

        def _validate(self, cmd: Command) -> None: ...

        async def _accept(self, cmd: Command) -> CommandReceipt: ...

    @workflow.update(name="call_meeting")
    async def call_meeting(self, cmd: CallMeetingInput) -> CommandReceipt:
        """Call a meeting: every invitee is told, with the link to reply."""
        return await self._accept(cmd)

    @call_meeting.validator
    def _check_call_meeting(self, cmd: CallMeetingInput) -> None:
        self._validate(cmd)

    @workflow.update(name="reply_to_call")
    async def reply_to_call(self, cmd: ReplyToCallInput) -> CommandReceipt:
        """Reply 出席 / 欠席 / 未定 to a call (or change the reply) until the meeting."""
        return await self._accept(cmd)

    @reply_to_call.validator
    def _check_reply_to_call(self, cmd: ReplyToCallInput) -> None:
        self._validate(cmd)

    @workflow.update(name="publish_minutes")
    async def publish_minutes(self, cmd: PublishMinutesInput) -> CommandReceipt:
        """Publish a recorded meeting's public minutes (never the closed part)."""
        return await self._accept(cmd)

    @publish_minutes.validator
    def _check_publish_minutes(self, cmd: PublishMinutesInput) -> None:
        self._validate(cmd)

    @workflow.update(name="correct_minutes")
    async def correct_minutes(self, cmd: CorrectMinutesInput) -> CommandReceipt:
        """Correct published minutes with a new version; the old one stays, as corrected."""
        return await self._accept(cmd)

    @correct_minutes.validator
    def _check_correct_minutes(self, cmd: CorrectMinutesInput) -> None:
        self._validate(cmd)
