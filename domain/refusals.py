"""Why a command was refused, in Japanese first and English as a fallback.

A refusal is a code plus parameters; the text is rendered from the message catalogue's
``"refusal"`` context so that a client can show either language from the same failure.
"""

from __future__ import annotations

# ``Lang`` is re-exported: the rest of the project names the languages from here.
from i18n.catalogue import Lang as Lang
from i18n.catalogue import Texts

#: The refusals' part of the message catalogue (``i18n/locale/*/LC_MESSAGES/messages.po``).
REFUSALS = Texts("refusal")

#: People-facing names of steps, command kinds, roles, and how a task or an activity
#: ended (Japanese; English shows the code, except for steps).
STEP_NAMES = Texts("step")
ACTION_NAMES = Texts("action")
ROLE_NAMES = Texts("role")
OUTCOME_NAMES = Texts("outcome")


def render(code: str, params: dict[str, str], lang: Lang = "ja") -> str:
    """Render a refusal in ``lang``; step, action and role names are localised for ja."""
    shown = dict(params)
    if lang == "ja":
        for key in ("current", "expected", "step"):
            if key in shown:
                shown[key] = STEP_NAMES.name(shown[key], "ja")
        if "action" in shown:
            shown["action"] = ACTION_NAMES.name(shown["action"], "ja")
        if "roles" in shown:
            shown["roles"] = "・".join(ROLE_NAMES.name(r, "ja") for r in shown["roles"].split(","))
        for key in ("status", "outcome"):
            if key in shown:
                shown[key] = OUTCOME_NAMES.name(shown[key], "ja")
    return REFUSALS.text(code, lang, **shown)


class Refusal(Exception):
    """A command that the rules do not allow now. The state it was checked against is
    unchanged."""

    def __init__(self, code: str, **params: str) -> None:
        if code not in REFUSALS:
            raise KeyError(f"unknown refusal code {code!r}")
        self.code = code
        self.params = params
        # The message is rendered when it is read, not here: the console asks the rules
        # about every command of a page (``offered_commands``) and most answers are
        # refusals that nobody reads.
        super().__init__(code)

    def __str__(self) -> str:
        return render(self.code, self.params, "ja")

    def message(self, lang: Lang = "ja") -> str:
        """The one-line reason in ``lang``."""
        return render(self.code, self.params, lang)
