"""The ``parallax`` command: open the review app, or run one step of the pipeline in a pipe.

Exit codes (also in the README):

* 0: success, possibly with warnings about some inputs on stderr;
* 1: an internal error (a bug): one line on stderr, the traceback with ``PARALLAX_DEBUG=1``;
* 2: bad usage, no document could be loaded, an import file is not valid, or the output
  cannot be written (a full disk, a closed pipe);
* 3: the annotation workspace cannot be used (damaged, locked, newer, not a workspace);
* 4: the corpus index cannot be used or written (missing, damaged, newer, not an index);
* 130: interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TextIO, cast

from rich.console import Console

from parallax.core import __version__
from parallax.core.annotations import Annotation, Workspace, WorkspaceError
from parallax.core.annotations.book import AnnotationBook, default_workspace
from parallax.core.cluster import Clustering, ClusterSettings, cluster_documents
from parallax.core.data import demo_corpus_path, schema_path
from parallax.core.document import Document
from parallax.core.entities import AliasTable
from parallax.core.errors import Problem
from parallax.core.export.files import write_atomically
from parallax.core.export.importing import ImportFileError, read_export
from parallax.core.export.render import EXPORT_FORMATS, export_annotations, render_export
from parallax.core.ingest import FORMATS, Corpus, iter_documents, load
from parallax.core.report import (
    build_report,
    render_markdown,
    report_json,
    summarise,
    too_large_message,
)
from parallax.core.safe import json_safe, neutralize
from parallax.tui import index_cli
from parallax.tui.progress import StageProgress, stage_progress
from parallax.tui.report_view import report_views
from parallax.tui.settings import ConfigError, Settings
from parallax.tui.text import plural

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_WORKSPACE = 3
EXIT_INDEX = index_cli.EXIT_INDEX
EXIT_INTERRUPTED = 130

EXAMPLES = """\
examples:
  parallax                               open the review app on the built-in demo corpus
  parallax articles/ --include '*.md'    review every Markdown file under articles/
  parallax report export.txt             every discrepancy of every story, in the terminal
  parallax parse export.txt --json       print the parsed documents as JSON
  parallax parse - < feed.jsonl          read JSON Lines from standard input

exit codes: 0 success (warnings on stderr), 1 internal error, 2 bad usage, nothing loaded, an
invalid import file or output that cannot be written, 3 unusable workspace, 4 unusable index,
130 interrupted. PARALLAX_DEBUG=1 shows tracebacks.
"""


class UsageError(Exception):
    """Bad command-line usage detected after parsing (exit code 2)."""


class WorkspaceProblem(Exception):
    """The annotation workspace cannot be used (exit code 3)."""


class NothingLoaded(Exception):
    """No document could be read from the given paths (exit code 2)."""


class OutputError(Exception):
    """Standard output cannot be written: a full disk, a closed pipe (exit code 2)."""

    def __init__(self, error: OSError) -> None:
        self.error = error
        super().__init__(str(error))

    def __str__(self) -> str:
        reason = self.error.strerror or str(self.error)
        if self.error.errno == errno.EPIPE:
            return f"the reader closed the pipe ({reason})"
        return reason


class _GuardedOutput:
    """Standard output whose write failures raise :class:`OutputError` (everything else is the
    stream's own, so Rich still sees a terminal when there is one)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as error:
            raise OutputError(error) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            raise OutputError(error) from None

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


class _Diagnostics:
    """Standard error for warnings and problems: when it cannot be written (``2>/dev/full``),
    they are lost, but the command still does its work and exits with its own code."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError:
            return 0

    def flush(self) -> None:
        with contextlib.suppress(OSError):
            self._stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


class _Writable(Protocol):
    def write(self, text: str, /) -> object: ...


class _Parser(argparse.ArgumentParser):
    """An argument parser whose messages never carry a raw control character (an argument
    may hold anything)."""

    def _print_message(self, message: str, file: _Writable | None = None) -> None:
        super()._print_message(neutralize(message) if message else message, file)


def _say(err: TextIO, message: str) -> None:
    """One line on stderr, ``parallax: message``, with any control character neutralised."""
    err.write(f"parallax: {neutralize(message, keep_newlines=False)}\n")


def _line(text: str) -> str:
    return neutralize(text, keep_newlines=False)


def _add_input_options(parser: argparse.ArgumentParser, *, format_flag: bool) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or directories to read ('-' for stdin); default: the demo corpus",
    )
    flags = ["--input-format", "--format"] if format_flag else ["--input-format"]
    parser.add_argument(
        *flags,
        dest="input_format",
        choices=FORMATS,
        default="auto",
        help="input format (default: detected from each file's content)",
    )
    parser.add_argument(
        "--include",
        action="append",
        metavar="GLOB",
        help="in directories, read only files matching GLOB (repeatable; "
        "default: *.txt *.md *.markdown *.json *.jsonl *.ndjson)",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip files matching GLOB (repeatable)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(
        prog="parallax",
        description="Review near-duplicate sources: ingest, cluster, align, classify, annotate.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"parallax {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    parse = commands.add_parser(
        "parse",
        help="read sources and print the documents found",
        description="Read sources and print the documents found (a summary, or JSON).",
        epilog="example:\n  parallax parse export.txt notes/ --json > documents.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_input_options(parse, format_flag=True)
    parse.add_argument("--json", action="store_true", help="print the documents as JSON")

    cluster = commands.add_parser(
        "cluster",
        help="group near-duplicate documents into stories",
        description="Group near-duplicate documents into stories (clusters of versions).",
        epilog="examples:\n  parallax cluster export.txt\n"
        "  parallax cluster articles/ --format json --threshold 0.5 > clusters.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_input_options(cluster, format_flag=False)
    cluster.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    _add_cluster_options(cluster)

    report = commands.add_parser(
        "report",
        help="cluster, align and classify: every discrepancy of every story",
        description="Cluster the documents into stories, align each story's versions claim by "
        "claim and report every discrepancy with its kind and severity.",
        epilog="examples:\n  parallax report\n  parallax report export.txt --format markdown "
        "> review.md\n  parallax report articles/ --format json --aliases names.toml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_input_options(report, format_flag=False)
    report.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="output format (default text: colour on a terminal, plain in a pipe or with NO_COLOR)",
    )
    report.add_argument(
        "--unimportant",
        action="store_true",
        help="also list the unimportant tier (equivalent variants, boilerplate); "
        "JSON always has every item, with its tier",
    )
    _add_cluster_options(report)
    _add_alias_option(report)

    export = commands.add_parser(
        "export",
        help="write the annotations of the sources' workspace",
        description="Write every annotation of the workspace of PATHS (re-anchored in the "
        "current sources) as native JSON, W3C Web Annotation, CSV or Markdown. The file is "
        "written atomically.",
        epilog="examples:\n  parallax export export.txt --format w3c -o review.jsonld\n"
        "  parallax export articles/ --format csv -o review.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_input_options(export, format_flag=False)
    export.add_argument("--format", choices=EXPORT_FORMATS, default="json", help="default json")
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    _add_workspace_options(export)
    _add_cluster_options(export)
    _add_alias_option(export)

    importing = commands.add_parser(
        "import",
        help="merge a native or W3C export into the workspace",
        description="Merge the annotations of FILE (a native or W3C export) into the workspace "
        "of PATHS. Importing the same file twice changes nothing; an invalid file imports "
        "nothing and every problem is listed with its JSON path.",
        epilog="example:\n  parallax import review.jsonld export.txt",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    importing.add_argument("file", metavar="FILE", help="the export to import")
    _add_input_options(importing, format_flag=False)
    _add_workspace_options(importing)

    index_cli.add_index_parser(
        commands.add_parser, _add_input_options, _add_cluster_options, _add_alias_option
    )

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of the native annotation export, or the index schema",
        description="Print the JSON Schema of an export format, or the corpus index's schema.",
    )
    schema.add_argument("name", choices=("annotations", "index"), help="which schema")
    return parser


def _add_workspace_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workspace",
        metavar="PATH",
        help="annotation database (default: .parallax/review.sqlite beside the first path)",
    )
    parser.add_argument(
        "--reviewer", metavar="NAME", help="name recorded on annotations (default: login name)"
    )


def _add_alias_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--aliases",
        metavar="FILE",
        help='TOML file of names that denote one entity: [[alias]] names = ["高市早苗", '
        '"Sanae Takaichi"]',
    )


def _aliases(args: argparse.Namespace) -> AliasTable:
    if not getattr(args, "aliases", None):
        return AliasTable()
    path = Path(args.aliases)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read the alias file ({error})") from None
    try:
        return AliasTable.from_toml(text)
    except ValueError as error:
        raise UsageError(f"{path}: {error}") from None


def _load(args: argparse.Namespace, err: TextIO, progress: StageProgress | None = None) -> Corpus:
    paths = args.paths or [str(demo_corpus_path())]
    corpus = load(
        paths,
        include=args.include,
        exclude=args.exclude,
        format=args.input_format,
        on_file=progress.on_file if progress is not None else None,
    )
    for problem in corpus.problems:
        _say(err, str(problem))
    return corpus


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number between 0 and 1, got {text!r}"
        ) from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text}")
    return value


def _add_cluster_options(parser: argparse.ArgumentParser) -> None:
    default = ClusterSettings().threshold
    parser.add_argument(
        "--threshold",
        type=_threshold,
        default=default,
        metavar="T",
        help=f"least similarity (0..1) of two versions of one story (default {default}: "
        "the share of words two texts have in the same order)",
    )


def _nothing_loaded(err: TextIO) -> int:
    _say(err, "no document loaded")
    return EXIT_BAD_INPUT


def run_parse(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``parallax parse``: the documents as a summary table or as JSON, written as they are read
    (a million documents never sit in memory at once)."""
    loaded = 0
    pending: list[str] = []  # written a few hundred at a time
    for item in iter_documents(
        args.paths or [str(demo_corpus_path())],
        include=args.include,
        exclude=args.exclude,
        format=args.input_format,
    ):
        if isinstance(item, Problem):
            _say(err, str(item))
            continue
        loaded += 1
        if args.json:
            pending.append(
                '{"schema": "parallax.documents/1", "documents": [\n' if loaded == 1 else ",\n"
            )
            pending.append(json_safe(json.dumps(item.model_dump(mode="json"), ensure_ascii=False)))
        else:
            pending.append(_summary_line(item))
        if len(pending) >= 512:
            out.write("".join(pending))
            pending.clear()
    if not loaded:
        return _nothing_loaded(err)
    if args.json:
        pending.append("\n]}\n")
    out.write("".join(pending))
    return EXIT_OK


def _summary_line(document: Document) -> str:
    sections, segments, citations = document.counts()
    published = document.published_raw or "-"
    head = _line(
        f"{document.index:>4}  {document.id}  {document.format:<8} {published:<16}  "
        f"{document.source or '-'}  |  {document.title or '(untitled)'}"
    )
    counts = _line(
        f"      {sections} sections, {segments} segments, "
        f"{citations} citation markers  ({document.origin})"
    )
    return f"{head}\n{counts}\n"


def _cluster(corpus: Corpus, args: argparse.Namespace, progress: StageProgress) -> Clustering:
    settings = ClusterSettings(threshold=args.threshold)
    return cluster_documents(corpus.documents, settings=settings, progress=progress.on_stage)


def _stories(
    args: argparse.Namespace, err: TextIO, progress: StageProgress
) -> tuple[Corpus, Clustering]:
    """Read and cluster the sources; raises :class:`NothingLoaded` when nothing could be read."""
    corpus = _load(args, err, progress)
    if not corpus.documents:
        raise NothingLoaded
    return corpus, _cluster(corpus, args, progress)


def run_cluster(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``parallax cluster``: the stories of a corpus, as text or JSON."""
    with stage_progress(err) as progress:
        corpus, clustering = _stories(args, err, progress)
    if args.format == "json":
        payload = {
            "schema": "parallax.clusters/1",
            "settings": clustering.settings.model_dump(),
            "documents": [summarise(d).model_dump(mode="json") for d in corpus.documents],
            "clusters": [c.model_dump(mode="json") for c in clustering.clusters],
        }
        _write_json(out, payload)
        return EXIT_OK
    by_id = corpus.by_id()
    stories = [c for c in clustering.clusters if len(c.documents) > 1]
    singles = len(clustering.clusters) - len(stories)
    out.write(
        f"{plural(len(corpus.documents), 'document')}, "
        f"{plural(len(stories), 'story', 'stories')} with several versions, "
        f"{plural(singles, 'single document')} (threshold {clustering.settings.threshold})\n"
    )
    for cluster in clustering.clusters:
        out.write(f"\n{cluster.id}  {plural(len(cluster.documents), 'version')}\n")
        for document_id in cluster.documents:
            document = by_id[document_id]
            source = _line(document.source or "-")
            title = _line(document.title or "(untitled)")
            published = _line(document.published_raw or "-")
            out.write(f"  #{document.index:<4} {published:<16}  {source}  |  {title}\n")
    return EXIT_OK


def run_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``parallax report``: every discrepancy of every story, as text, Markdown or JSON."""
    aliases = _aliases(args)
    with stage_progress(err) as progress:
        corpus, clustering = _stories(args, err, progress)
        report = build_report(
            corpus.documents, clustering, aliases=aliases, progress=progress.on_stage
        )
    for story in report.clusters:
        if story.too_large:
            _say(err, too_large_message(story))
    if args.format == "json":
        _write_json(out, report_json(report))
    elif args.format == "markdown":
        out.write(render_markdown(report, corpus.documents, unimportant=args.unimportant))
    else:
        console = Console(file=out, highlight=False, emoji=False, markup=False)
        for view in report_views(report, corpus.documents, unimportant=args.unimportant):
            # In a pipe, long lines stay whole so that grep and friends see them.
            console.print(view, soft_wrap=not console.is_terminal)
    return EXIT_OK


def _workspace_path(args: argparse.Namespace) -> Path:
    if getattr(args, "workspace", None):
        return Path(args.workspace)
    first = Path(args.paths[0]) if args.paths and args.paths[0] != "-" else demo_corpus_path()
    return default_workspace(first, demo=demo_corpus_path())


def run_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``parallax export``: the workspace's annotations in one of four formats."""
    aliases = _aliases(args)
    with stage_progress(err) as progress:
        corpus, clustering = _stories(args, err, progress)
    path = _workspace_path(args)
    elsewhere = 0
    try:
        if path.exists():
            with Workspace.open(path, readonly=True) as workspace:
                if workspace.warning:
                    _say(err, workspace.warning)
                book = AnnotationBook(workspace, corpus.documents)
                text, count = export_annotations(
                    args.format, corpus.documents, clustering, book, aliases=aliases
                )
                elsewhere = book.elsewhere
        else:
            _say(err, f"{path}: no workspace yet; the export holds no annotation")
            text, count = render_export(
                args.format, corpus.documents, clustering, [], aliases=aliases
            )
    except WorkspaceError as error:
        raise WorkspaceProblem(str(error)) from None
    if elsewhere:
        _say(
            err,
            f"{elsewhere} annotations of the workspace are on documents not read here; they "
            "are not in this export",
        )
    if args.format in ("json", "w3c"):
        text = json_safe(text)
    if args.output:
        try:
            write_atomically(Path(args.output), text)
        except OSError as error:
            raise UsageError(f"{args.output}: cannot write ({error.strerror or error})") from None
        _say(err, f"wrote {plural(count, 'annotation')} to {args.output} ({args.format})")
    else:
        if args.format == "csv" and _isatty(out):
            text = text.removeprefix("\ufeff")  # the byte-order mark is for spreadsheets
        out.write(text)
    return EXIT_OK


def _write_json(out: TextIO, value: object) -> None:
    """``value`` as indented JSON and a newline, written in pieces as it is encoded (a large
    report is never held as one string), with :func:`json_safe` escapes."""
    pieces: list[str] = []
    size = 0
    for piece in json.JSONEncoder(ensure_ascii=False, indent=1).iterencode(value):
        pieces.append(piece)
        size += len(piece)
        if size >= 1 << 16:
            out.write(json_safe("".join(pieces)))
            pieces, size = [], 0
    pieces.append("\n")
    out.write(json_safe("".join(pieces)))


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, OSError, ValueError):
        return False


def run_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``parallax import``: merge an export into the workspace, all or nothing."""
    source = Path(args.file)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{source}: cannot read ({error})") from None
    try:
        incoming = read_export(text)
    except ImportFileError as error:
        return _not_imported(source, error.errors, err)
    except RecursionError:
        return _not_imported(source, ["$: expected JSON nested less deeply"], err)
    except ValueError as error:
        if "integer string conversion" not in str(error):
            raise
        limit = sys.get_int_max_str_digits()
        return _not_imported(source, [f"$: expected numbers of at most {limit} digits"], err)
    with stage_progress(err) as progress:
        corpus = _load(args, err, progress)
    incoming_pairs = [
        (Annotation(**a.model_dump(exclude={"document_key"})), a.document_key) for a in incoming
    ]
    path = _workspace_path(args)
    reviewer = args.reviewer or _settings().reviewer
    try:
        with Workspace.open(path) as workspace:
            result = AnnotationBook(workspace, corpus.documents).merge(incoming_pairs, reviewer)
    except WorkspaceError as error:
        raise WorkspaceProblem(str(error)) from None
    elsewhere = (
        f", {result.elsewhere} on documents not read here (kept as they are)"
        if result.elsewhere
        else ""
    )
    out.write(
        _line(
            f"{source}: added {result.added}, updated {result.updated}, "
            f"unchanged {result.unchanged}, could not anchor {result.unanchored} "
            f"(kept as orphaned){elsewhere} into {path}"
        )
        + "\n"
    )
    return EXIT_OK


def _not_imported(source: Path, problems: list[str], err: TextIO) -> int:
    for problem in problems:
        _say(err, f"{source}: {problem}")
    _say(err, f"{source}: not imported ({plural(len(problems), 'problem')})")
    return EXIT_BAD_INPUT


def _settings() -> Settings:
    try:
        return Settings.load()
    except ConfigError as error:
        raise UsageError(str(error)) from None


def run_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``parallax schema annotations``: the shipped JSON Schema of the native export."""
    if args.name == "index":
        return index_cli.run_schema_index(out)
    out.write(schema_path().read_text(encoding="utf-8"))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO, TextIO], int]] = {
    "parse": run_parse,
    "cluster": run_cluster,
    "report": run_report,
    "export": run_export,
    "import": run_import,
    "schema": run_schema,
    "index": lambda args, out, err: index_cli.run_index(
        args, out, err, aliases=_aliases(args), usage_error=UsageError
    ),
}


def build_app_parser() -> argparse.ArgumentParser:
    """The arguments of ``parallax [PATHS]``, which opens the review app."""
    parser = _Parser(
        prog="parallax",
        description="Open the review app on PATHS (default: the built-in demo corpus).\n\n"
        "commands (parallax COMMAND --help for each):\n"
        + "\n".join(f"  {name:<9} {text}" for name, text in _COMMAND_HELP),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"parallax {__version__}")
    _add_input_options(parser, format_flag=False)
    parser.add_argument(
        "--threshold", type=_threshold, default=None, metavar="T", help="clustering threshold"
    )
    _add_alias_option(parser)
    parser.add_argument("--config", metavar="FILE", help="configuration file (TOML)")
    parser.add_argument("--theme", help="Textual theme, e.g. textual-dark or textual-light")
    _add_workspace_options(parser)
    return parser


_COMMAND_HELP = (
    ("parse", "read sources and print the documents found"),
    ("cluster", "group near-duplicate documents into stories"),
    ("report", "every discrepancy of every story (text, Markdown, JSON)"),
    ("export", "write the workspace's annotations (JSON, W3C, CSV, Markdown)"),
    ("import", "merge a native or W3C export into the workspace"),
    ("index", "cluster and analyse once into an on-disk index (Parquet)"),
    ("schema", "print the JSON Schema of the native annotation export, or of the index"),
)


def run_app(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``parallax [PATHS]``: the review app."""
    from parallax.tui.app import make_app
    from parallax.tui.session import Sources

    try:
        settings = Settings.load(
            Path(args.config) if args.config else None,
            threshold=args.threshold,
            theme=args.theme,
            aliases=Path(args.aliases) if args.aliases else None,
            workspace=Path(args.workspace) if args.workspace else None,
            reviewer=args.reviewer,
        )
    except ConfigError as error:
        raise UsageError(str(error)) from None
    if settings.aliases is not None and not args.aliases:
        args.aliases = str(settings.aliases)
    if index_cli.looks_like_index(args.paths or []):
        return index_cli.run_app_on_index(args, settings, aliases=_aliases(args))
    sources = Sources(
        paths=args.paths or [str(demo_corpus_path())],
        include=args.include,
        exclude=args.exclude,
        input_format=args.input_format,
        threshold=settings.threshold,
        aliases=_aliases(args),
    )
    missing = [p for p in sources.paths if p != "-" and not Path(p).exists()]
    if missing:
        raise UsageError(f"{missing[0]}: no such file or directory")
    app = make_app(settings, sources)
    app.run()
    if app.return_code:
        return app.return_code
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``parallax`` console script; returns the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        if arguments and arguments[0] in COMMANDS:
            args = build_parser().parse_args(arguments)
            # Both wrappers hand every other attribute of TextIO to the stream they wrap.
            out = cast(TextIO, _GuardedOutput(sys.stdout))
            err = cast(TextIO, _Diagnostics(sys.stderr))
            code = COMMANDS[args.command](args, out, err)
            out.flush()
            return code
        if any(a in ("-h", "--help") for a in arguments):
            build_app_parser().print_help()
            return EXIT_OK
        args = build_app_parser().parse_args(arguments)
        return run_app(args, sys.stdout, sys.stderr)
    except UsageError as error:
        return _fail(str(error), EXIT_BAD_INPUT)
    except WorkspaceProblem as error:
        return _fail(str(error), EXIT_WORKSPACE)
    except index_cli.IndexProblem as error:
        return _fail(str(error), EXIT_INDEX)
    except NothingLoaded:
        return _fail("no document loaded", EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
    except SystemExit as exit:  # argparse: bad usage (its message is printed), --help, --version
        return exit.code if isinstance(exit.code, int) else EXIT_BAD_INPUT
    except (OutputError, BrokenPipeError) as error:
        # A full disk, or the reader of our output went away (e.g. `| head`): say so once, and
        # send what is still buffered to /dev/null so that exiting does not fail again.
        _discard_stdout()
        problem = error if isinstance(error, OutputError) else OutputError(error)
        return _fail(f"cannot write the output: {problem}", EXIT_BAD_INPUT)
    except Exception as error:
        if os.environ.get("PARALLAX_DEBUG"):
            raise
        return _fail(
            f"internal error: {type(error).__name__}: {error} "
            "(set PARALLAX_DEBUG=1 for the traceback; please report it)",
            EXIT_INTERNAL,
        )


def _fail(message: str, code: int) -> int:
    """Say ``message`` on stderr (if stderr can still be written) and return ``code``."""
    try:
        _say(sys.stderr, message)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    return code


def _discard_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):
        pass  # not a real file (tests): nothing will be flushed at exit


if __name__ == "__main__":
    raise SystemExit(main())
