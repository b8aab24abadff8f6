"""Make untrusted document text harmless before it reaches a terminal.

Control characters (C0, DEL, C1) and bidirectional overrides are replaced one for one by
visible stand-ins, so an escape sequence such as ``\\x1b]52;...`` shows as text and offsets
computed on the original text still apply to the safe text.
"""

from __future__ import annotations

import re

_C0 = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x0A,)}
_C0[0x09] = " "
_TABLE = {**_C0, 0x7F: "\u2421"}
_TABLE.update({code: "\ufffd" for code in range(0x80, 0xA0)})
# Bidirectional embeddings/overrides/isolates can reorder what a reader sees ("Trojan Source").
_TABLE.update({code: "\ufffd" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def neutralize(text: str, *, keep_newlines: bool = True) -> str:
    """Return ``text`` with every control character replaced by a visible character.

    The result has the same length as ``text``. Newlines are kept unless ``keep_newlines`` is
    false, in which case they become ``⏎``.
    """
    if not _UNSAFE.search(text) and (keep_newlines or "\n" not in text):
        return text
    safe = text.translate(_TABLE)
    return safe if keep_newlines else safe.replace("\n", "\u23ce")
