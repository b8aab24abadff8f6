"""The screens of the review app."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from parallax.tui.app import ParallaxApp


def parallax_app(node: MessagePump) -> ParallaxApp:
    """``node.app`` as the Parallax app: Textual types it as any ``App``, and the screens that
    read the app's session, settings or sources run in this one only."""
    return cast("ParallaxApp", node.app)
