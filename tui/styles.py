"""How each discrepancy kind and severity looks. Core names kinds; only this module picks styles.

Every kind differs by more than colour (underline, italic, bold, reverse), so kinds stay apart
in 16-colour terminals and under ``NO_COLOR``.
"""

from __future__ import annotations

from rich.style import Style

KIND_STYLES: dict[str, Style] = {
    "entity": Style(color="bright_white", bgcolor="red", bold=True),
    "number": Style(color="black", bgcolor="bright_yellow", bold=True, underline=True),
    "date": Style(color="black", bgcolor="bright_magenta", bold=True),
    "citation": Style(color="bright_cyan", underline=True),
    "qualifier": Style(color="bright_yellow", italic=True, underline=True),
    "omission": Style(color="bright_red", reverse=True),
    "wording": Style(color="bright_blue", underline=True),
    "spelling": Style(color="green", italic=True),
    "metadata": Style(color="magenta", italic=True),
}
SEVERITY_STYLES: dict[str, Style] = {
    "high": Style(color="bright_red", bold=True),
    "medium": Style(color="yellow"),
    "low": Style(dim=True),
}
SEVERITY_MARKS = {"high": "▲", "medium": "●", "low": "·"}


def tag_style(color: str | None) -> Style | None:
    """The style of a tag in its configured colour, or ``None`` if the colour is not one Rich
    knows (Textual variables such as ``$accent`` only work in stylesheets)."""
    if not color:
        return None
    try:
        return Style(color=color, italic=True)
    except Exception:  # rich.errors.ColorParseError and friends: fall back to the default
        return None
