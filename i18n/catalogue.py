"""The one lookup of the message catalogue: ``Texts(context).text(key, lang, **params)``.

Messages are key-based: the msgid is a key (``"token_revoke_named"``), the msgctxt names
the part of the project that owns it (``"console"``, ``"cli"``, ``"refusal"`` ...), and
each language's ``messages.po`` holds its text with ``{name}`` placeholders
(``str.format``). Japanese is the first language; English is the switch.

The compiled ``messages.mo`` files are read with a small reader of their documented
format instead of the ``gettext`` module: refusals are rendered inside Temporal's
workflow sandbox, which forbids ``gettext`` and ``open`` for sandboxed modules. The
``.mo`` files are committed; ``tests/i18n`` checks that they match the ``.po`` files
(``make messages`` recompiles them).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Literal

Lang = Literal["ja", "en"]

#: The languages of the catalogue, Japanese first.
LANGUAGES: tuple[Lang, ...] = ("ja", "en")

LOCALE_DIR = Path(__file__).resolve().parent / "locale"

#: gettext joins a message's context and its id with this byte.
_CONTEXT_SEPARATOR = "\x04"
_MO_MAGIC = 0x950412DE


def read_mo(data: bytes) -> dict[tuple[str, str], str]:
    """The messages of a compiled catalogue, ``(context, key) -> text``; the header
    (empty msgid) is left out. Raises ``ValueError`` when ``data`` is not a ``.mo``."""
    if len(data) < 20:
        raise ValueError("not a .mo file: too short")
    (magic,) = struct.unpack("<I", data[:4])
    order = "<" if magic == _MO_MAGIC else ">"
    magic, _revision, count, ids_at, strs_at = struct.unpack(order + "5I", data[:20])
    if magic != _MO_MAGIC:
        raise ValueError("not a .mo file: wrong magic number")
    messages: dict[tuple[str, str], str] = {}
    for index in range(count):
        id_length, id_offset = struct.unpack(order + "2I", data[ids_at + 8 * index :][:8])
        str_length, str_offset = struct.unpack(order + "2I", data[strs_at + 8 * index :][:8])
        msgid = data[id_offset : id_offset + id_length].decode("utf-8")
        msgstr = data[str_offset : str_offset + str_length].decode("utf-8")
        if not msgid:
            continue
        context, _, key = msgid.rpartition(_CONTEXT_SEPARATOR)
        messages[(context, key)] = msgstr
    return messages


@cache
def messages(lang: Lang) -> dict[tuple[str, str], str]:
    """Every message of ``lang``, read once from its compiled catalogue."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: expected one of {LANGUAGES}")
    return read_mo((LOCALE_DIR / lang / "LC_MESSAGES" / "messages.mo").read_bytes())


class Texts:
    """The messages of one context of the catalogue (``Texts("console")``)."""

    def __init__(self, context: str) -> None:
        self.context = context

    def text(self, key: str, lang: Lang = "ja", /, **params: object) -> str:
        """The text of ``key`` in ``lang`` with ``params`` filled in (``{name}``). An
        unknown key raises ``KeyError``: a typo must fail in tests, not show blank."""
        try:
            template = messages(lang)[(self.context, key)]
        except KeyError:
            raise KeyError(f"no message {key!r} in the catalogue's {self.context!r}") from None
        return template.format(**params) if params else template

    def name(self, key: str, lang: Lang = "ja") -> str:
        """A name (of a step, a role ...) in ``lang``, or ``key`` itself when the catalogue
        has none: names of values added later still show, as their code."""
        return messages(lang).get((self.context, key), key)

    def keys(self) -> frozenset[str]:
        """Every key of this context (Japanese is complete by rule; tests check English)."""
        return _keys(self.context)

    def __contains__(self, key: object) -> bool:
        return key in _keys(self.context)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(_keys(self.context)))

    def gettext(self, lang: Lang) -> Callable[..., str]:
        """A ``gettext`` for Jinja2's i18n extension: ``{{ _("key", name=...) }}``."""

        def gettext(key: str, **params: object) -> str:
            return self.text(key, lang, **params)

        return gettext


@cache
def _keys(context: str) -> frozenset[str]:
    return frozenset(key for each, key in messages("ja") if each == context)


def contexts() -> frozenset[str]:
    """Every context of the catalogue."""
    return frozenset(context for context, _ in messages("ja"))
