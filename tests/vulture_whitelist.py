"""Names vulture cannot see being used, each with the reason it is needed.

Read by vulture only (``[tool.vulture]`` in pyproject.toml; ``tests/test_dead_code.py``), never
imported. Patterns a framework calls by convention (``action_*``, ``watch_*``, ``on_*``,
``compose``, ...) are in pyproject.toml instead.
"""

from vulture.whitelist_utils import Whitelist

# --- attributes a library reads -----------------------------------------------------------------

sqlite = Whitelist()
sqlite.isolation_level  # sqlite3.Connection: None hands transactions to our BEGIN/COMMIT

textual = Whitelist()
textual.can_focus  # Widget: the tag list takes the keyboard
textual.cursor_position  # Input: the cursor after a completed tag
textual.loading  # Widget: the loading indicator while a story is analysed
textual.virtual_size  # ScrollView: the scrollable size of the aligned panes

rich = Whitelist()
rich.overflow  # Text: long titles and sources end in an ellipsis

io = Whitelist()
io.writable  # io.TextIOBase: a failing stream in the tests says it can be written

# --- parameters a caller passes by name ---------------------------------------------------------

parameters = Whitelist()
parameters.markup  # App.notify(markup=...): accepted, then ignored (never markup)
parameters.parameters  # Screen.check_action(action, parameters): Textual's signature
parameters.container  # Widget.get_content_height(container, viewport, width)
parameters.viewport
parameters.dotenv_settings  # BaseSettings.settings_customise_sources: pydantic-settings' hook
parameters.file_secret_settings
parameters.exc  # Workspace.__exit__(*exc): the context manager protocol

# --- pydantic-settings hooks --------------------------------------------------------------------

settings = Whitelist()
settings.settings_customise_sources  # where the settings are read from, and in which order

# --- fields read by serialisation ---------------------------------------------------------------

fields = Whitelist()
fields.schema_  # the "schema" key of exports and reports (a field alias)
fields.verified_pairs  # ClusterStats: written to the index manifest ("stats")
fields.joined_pairs
fields.worker_peak_rss  # BuildResult: read by the script benchmarks/scale_bench.py runs
fields.worker_cpu
