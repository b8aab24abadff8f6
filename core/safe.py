"""Make untrusted text harmless before it reaches a terminal or a rendered document.

Control characters (C0, DEL, C1), bidirectional embeddings, overrides, isolates and marks, and
invisible format characters (zero-width spaces and joiners, word joiners, the byte-order mark,
line and paragraph separators) are replaced one for one by visible stand-ins. An escape sequence
such as ``\\x1b]52;...`` then shows as text, two readings that differ only by an invisible
character look different, and offsets computed on the original text still apply to the safe
text. Every boundary where document text, a file name, an import or a tag meets a terminal or
a Markdown/CSV output goes through :func:`neutralize`.

JSON output must stay exact, so :func:`json_safe` writes the same characters as ``\\u``
escapes instead: the text reads back identical, and nothing invisible reaches a terminal.
"""

from __future__ import annotations

import re

_REPLACEMENT = "\ufffd"
_C0 = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x0A,)}
_C0[0x09] = " "
_TABLE = {**_C0, 0x7F: "\u2421"}
_TABLE.update({code: _REPLACEMENT for code in range(0x80, 0xA0)})
# Bidirectional controls can reorder what a reader sees ("Trojan Source"); invisible format
# characters can hide text or make equal-looking strings differ.
_INVISIBLE = (
    0x061C,  # Arabic letter mark
    0x180E,  # Mongolian vowel separator
    *range(0x200B, 0x2010),  # zero-width space, non-joiner, joiner; LRM, RLM
    *range(0x202A, 0x202F),  # embeddings and overrides
    *range(0x2060, 0x2065),  # word joiner, invisible operators
    *range(0x2066, 0x206A),  # isolates
    0xFEFF,  # zero-width no-break space / byte-order mark
)
_TABLE.update({code: _REPLACEMENT for code in _INVISIBLE})
_TABLE.update({0x2028: "\u23ce", 0x2029: "\u23ce"})
_UNSAFE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_TABLE)) + "]")


def neutralize(text: str, *, keep_newlines: bool = True) -> str:
    """Return ``text`` with every control or invisible character replaced by a visible one.

    The result has the same length as ``text``. Newlines are kept unless ``keep_newlines`` is
    false, in which case they become ``⏎``.
    """
    if not _UNSAFE.search(text) and (keep_newlines or "\n" not in text):
        return text
    safe = text.translate(_TABLE)
    return safe if keep_newlines else safe.replace("\n", "\u23ce")


def has_unsafe(text: str) -> bool:
    """True when ``text`` holds a character :func:`neutralize` would replace (newlines aside)."""
    return _UNSAFE.search(text) is not None


# What ``json.dumps(..., ensure_ascii=False)`` leaves raw: it escapes C0 controls itself, but not
# DEL, C1 controls, invisible or bidirectional characters, nor lone surrogates (which cannot even
# be encoded as UTF-8).
_JSON_UNSAFE = re.compile(
    "["
    + "".join(re.escape(chr(code)) for code in sorted(_TABLE) if code >= 0x7F)
    + "\ud800-\udfff]"
)


def json_safe(text: str) -> str:
    """Return JSON text (as written by :func:`json.dumps`) with every character that
    :func:`neutralize` would replace, and every lone surrogate, written as a ``\\uXXXX`` escape.

    Such characters only occur inside JSON strings, so the result is valid JSON that decodes to
    exactly the same values.
    """
    if not _JSON_UNSAFE.search(text):
        return text
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
