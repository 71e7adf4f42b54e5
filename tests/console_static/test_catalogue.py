"""The console's words all come from one catalogue: every key a template asks for exists,
in both languages; htmx is shipped in the package, and no page loads anything from
another site."""

from __future__ import annotations

import re
from pathlib import Path

from console.cycle_view import ACTIVITY_KINDS
from console.messages import keys, text
from domain.base import Step
from domain.model import PolicyStatus
from domain.next_actions import KINDS
from domain.tasks import TaskStatus
from store.deliveries import FailureReason

CONSOLE = Path(__file__).resolve().parents[2] / "console"
LITERAL_KEY = re.compile(r"""\b_\(\s*["']([a-z_]+)["']""")


def test_every_key_a_template_uses_is_in_the_catalogue_in_both_languages() -> None:
    used = {
        key
        for template in (CONSOLE / "templates").glob("*.html")
        for key in LITERAL_KEY.findall(template.read_text(encoding="utf-8"))
    }
    assert used, "no _('...') calls found: the pattern is wrong"
    prefixes = {key for key in used if key.endswith("_")}
    assert (used - prefixes) <= keys(), sorted(used - prefixes - keys())
    # Keys built from a prefix and a value: every value has its text.
    values = {
        "step_": [s.value for s in Step],
        "status_": [s.value for s in PolicyStatus],
        "task_": [s.value for s in TaskStatus],
        "kind_": list(ACTIVITY_KINDS),
        "failure_": [r.value for r in FailureReason],
        # My page's next actions: each kind's words and its button's.
        "next_": [*KINDS, *(kind + "_button" for kind in KINDS)],
    }
    assert prefixes == set(values)
    for prefix, names in values.items():
        assert {prefix + name for name in names} <= keys(), prefix
    for key in keys():
        assert text(key, "ja").strip() and text(key, "en").strip(), key


def test_static_files_are_local_and_nothing_comes_from_a_cdn() -> None:
    htmx = (CONSOLE / "static" / "htmx.min.js").read_text(encoding="utf-8")
    assert htmx.startswith("var htmx=")
    for template in (CONSOLE / "templates").glob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']https?://""", source), template.name
