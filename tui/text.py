"""Text the app shows: untrusted strings as inert ``Text``, counted nouns, version labels.

Every string that came from a document, a file name, an import or a tag reaches the screen
through :func:`untrusted`: control characters become visible symbols
(:func:`parallax.core.safe.neutralize`) and the result is a ``rich.text.Text``, never markup,
so ``[/]`` or ``[@click=app.quit]`` in a document is just text.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from parallax.core.safe import neutralize


def untrusted(text: str | None, style: str | Style = "", *, newlines: bool = False) -> Text:
    """``text`` from outside the program, made harmless and never read as markup."""
    return Text(neutralize(text or "", keep_newlines=newlines), style=style)


def plain(text: str | None, *, newlines: bool = False) -> str:
    """``text`` from outside the program as a plain string for APIs that take ``str`` (a
    notification, a placeholder); the caller must not let it be read as markup."""
    return neutralize(text or "", keep_newlines=newlines)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``"1 story"``, ``"2 stories"``, ``"0 problems"``."""
    if count == 1:
        return f"{count} {singular}"
    if plural_form is None:
        if singular.endswith("y") and singular[-2:-1] not in tuple("aeiou"):
            plural_form = singular[:-1] + "ies"
        elif singular.endswith(("s", "x", "ch", "sh")):
            plural_form = singular + "es"
        else:
            plural_form = singular + "s"
    return f"{count} {plural_form}"


def version_label(position: int) -> str:
    """How the review screen names the version at ``position`` (0-based) of a story: ``v1``.

    The digit keys use the same numbers: ``1`` shows ``v1``."""
    return f"v{position + 1}"


def quote(text: str, limit: int = 40) -> str:
    """A short quotation of ``text`` on one line, for messages (not yet neutralised)."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"“{text}”"
