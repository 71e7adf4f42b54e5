"""The one message catalogue (i18n/): the committed ``.mo`` files are the ``.po`` files
compiled, every message has both languages, and their placeholders agree."""

from __future__ import annotations

import string
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from i18n.catalogue import LANGUAGES, LOCALE_DIR, Lang, Texts, messages, read_mo

PROJECT = Path(__file__).resolve().parents[2]


def _po(lang: Lang) -> dict[tuple[str, str], str]:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=lang)
    return {(m.context or "", str(m.id)): str(m.string) for m in catalog if m.id}


def _placeholders(template: str) -> set[str]:
    """The names a text fills in; a notice's derived ``step_ja`` / ``next_en`` ... count
    as the value they stand for (``step``, ``next``)."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return {name.removesuffix("_ja").removesuffix("_en") for name in names}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_committed_mo_is_the_po_compiled(lang: Lang) -> None:
    po = _po(lang)
    assert po == messages(lang), "run `make messages` after editing a .po file"
    # And Babel's own compiler reads back to the same messages (our reader is right).
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as source:
        compiled = BytesIO()
        write_mo(compiled, read_po(source, locale=lang))
    assert read_mo(compiled.getvalue()) == po


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    ja, en = _po("ja"), _po("en")
    assert ja.keys() == en.keys(), sorted(ja.keys() ^ en.keys())
    for key, text_ja in ja.items():
        assert text_ja.strip() and en[key].strip(), key
        if key[0] == "notice":
            # A notice's English is the shorter one: it may leave a value out, never add one.
            assert _placeholders(en[key]) <= _placeholders(text_ja), key
        else:
            assert _placeholders(text_ja) == _placeholders(en[key]), key


def test_an_unknown_key_fails_loudly_and_params_fill_in() -> None:
    console = Texts("console")
    with pytest.raises(KeyError, match="no message 'no_such_key' in the catalogue's 'console'"):
        console.text("no_such_key", "ja")
    assert console.text("token_revoke_named", "ja", name="CLI") == "トークン「CLI」を取り消す"
    assert console.text("token_revoke_named", "en", name="CLI") == "Revoke the token “CLI”"
    assert Texts("step").name("no_such_step", "ja") == "no_such_step"


def test_the_catalogue_imports_nothing_of_the_project_and_is_shipped() -> None:
    source = (PROJECT / "i18n" / "catalogue.py").read_text(encoding="utf-8")
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert imports and all(
        line.split()[1].split(".")[0]
        in {"__future__", "struct", "collections", "functools", "pathlib", "typing"}
        for line in imports
    ), imports
    pyproject = (PROJECT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"i18n*"' in pyproject
    assert (
        'i18n = ["locale/*/LC_MESSAGES/messages.po", "locale/*/LC_MESSAGES/messages.mo"]'
        in pyproject
    )
