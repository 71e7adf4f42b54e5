"""The console's words: the ``"console"`` context of the one message catalogue
(``i18n/locale/*/LC_MESSAGES/messages.po``), Japanese first and English by the switch.
Templates ask for keys through Jinja2's i18n extension (``{{ _("my_page") }}``), never
hold text.

Refusals come from ``domain.refusals.render`` and notices from the store, so neither is
repeated here.
"""

from __future__ import annotations

from i18n.catalogue import Texts

#: The console's part of the catalogue.
CONSOLE = Texts("console")

#: The text of a key in a language, with its ``{name}`` placeholders filled in; an unknown
#: key raises ``KeyError``.
text = CONSOLE.text

#: Every key of the console's part (for tests).
keys = CONSOLE.keys
