"""Every sentence the CLI prints, in Japanese first and English for ``--lang en``: the
``"cli"`` context of the one message catalogue (``i18n/locale/*/LC_MESSAGES/messages.po``).

Refusals come from ``domain.refusals``; this part holds the CLI's own lines (results,
labels and errors that are not the rules' refusals), with the governed directory's, the
audit's and the access tokens' among them.
"""

from __future__ import annotations

from domain.refusals import ACTION_NAMES, ROLE_NAMES, STEP_NAMES, Lang
from i18n.catalogue import Texts

#: The CLI's part of the catalogue.
CLI = Texts("cli")


def text(key: str, lang: Lang, **params: object) -> str:
    """The sentence ``key`` in ``lang`` with ``params`` filled in."""
    return CLI.text(key, lang, **params)


def step_name(step: str, lang: Lang) -> str:
    """The people-facing name of a step."""
    return STEP_NAMES.name(step, lang)


def action_name(kind: str, lang: Lang) -> str:
    """The people-facing name of a command kind."""
    return ACTION_NAMES.name(kind, lang) if lang == "ja" else kind.replace("_", " ")


def role_name(role: str, lang: Lang) -> str:
    """The people-facing name of a role."""
    return ROLE_NAMES.name(role, lang) if lang == "ja" else role.replace("_", " ")
