"""The key under which an e-mail address is unique: the address case-folded and
NFKC-normalised, so that ``Chair@X.jp``, ``chair@x.jp`` and an address written with a
look-alike such as the Kelvin sign ``K`` (U+212A) all name one mailbox, one person."""

from __future__ import annotations

import unicodedata

#: The longest key kept (the column's width): an address that normalises longer is refused.
MAX_EMAIL_KEY_LENGTH = 320


def email_key(address: str) -> str:
    """``address`` trimmed, NFKC-normalised, case-folded and normalised again (case folding
    can undo NFKC's composition, e.g. for some Greek letters)."""
    folded = unicodedata.normalize("NFKC", address.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)
