"""How the cycle workflow reports a refused command to the client."""

from __future__ import annotations

from temporalio.exceptions import ApplicationError

from domain.refusals import Refusal


def refused(refusal: Refusal) -> ApplicationError:
    """A refusal as the failure a client sees: Japanese message, code and params in details."""
    return ApplicationError(
        str(refusal),
        {"code": refusal.code, "params": refusal.params},
        type="Refusal",
        non_retryable=True,
    )
