"""Component-class styles that can be layered over other text."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def layered_style(widget: Widget, name: str) -> Style:
    """The style of component class ``name`` with only the attributes it sets, colours resolved.

    Textual's ``partial`` styles leave translucent colours (``$text-muted``, ``$error 35%``)
    unblended; full styles blend them but also carry the widget's background. This keeps the
    partial style's attributes with the full style's colours, for the colours the class sets.
    """
    partial = widget.get_component_rich_style(name, partial=True)
    full = widget.get_component_rich_style(name)
    return partial + Style(
        color=full.color if partial.color else None,
        bgcolor=full.bgcolor if partial.bgcolor else None,
    )


class LayeredStyles:
    """A widget's :func:`layered_style` of each of its component classes (``prefix--name``),
    cached until its styles change: the widget calls :meth:`clear` from
    ``notify_style_update``."""

    def __init__(self, widget: Widget, prefix: str) -> None:
        self._widget = widget
        self._prefix = prefix
        self._cache: dict[str, Style] = {}

    def __call__(self, name: str) -> Style:
        style = self._cache.get(name)
        if style is None:
            style = self._cache[name] = layered_style(self._widget, f"{self._prefix}--{name}")
        return style

    def clear(self) -> None:
        """Forget every style (a theme or a stylesheet changed)."""
        self._cache.clear()
