"""``python -m parallax.tui`` runs the ``parallax`` command."""

from parallax.tui.cli import main

raise SystemExit(main())
