"""``parallax index``: the command line of the corpus index (issue 13).

Kept apart from :mod:`parallax.tui.cli`, which only registers the subcommand.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from parallax.core.index.build import ENGINES
from parallax.core.index.schema import describe

if TYPE_CHECKING:
    from parallax.core.entities import AliasTable
    from parallax.tui.settings import Settings

EXIT_INDEX = 4

EPILOG = """\
examples:
  parallax index articles/ -o news.index                 the local engine (a process pool)
  parallax index feeds/ -o news.index --engine dask --workers 4
  parallax index feeds/ -o news.index --engine dask --scheduler tcp://10.0.0.5:8786
  parallax index --update news.index feeds/              add new and changed files
  parallax news.index                                    open the index in the app

The index is a folder of Parquet files (parallax schema index prints the schema); DuckDB,
pandas, Polars and Spark read it. With --scheduler, every worker must see PATHS and the index
folder at the same paths (a shared file system). Needs the 'scale' extra:
pip install 'parallax-review[scale]'.
"""


class IndexProblem(Exception):
    """The index cannot be used or written (exit code 4)."""


class _AddInputOptions(Protocol):
    def __call__(self, parser: argparse.ArgumentParser, *, format_flag: bool) -> None: ...


def add_index_parser(
    add_parser: Callable[..., argparse.ArgumentParser],
    add_input_options: _AddInputOptions,
    add_cluster_options: Callable[[argparse.ArgumentParser], None],
    add_alias_option: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register ``parallax index`` (``add_parser`` is the subcommands' ``add_parser``)."""
    index = add_parser(
        "index",
        help="cluster and analyse a corpus once into an on-disk index (Parquet)",
        description="Read PATHS, group the documents into stories, analyse every story and "
        "write a corpus index that the app opens at once (parallax INDEX). The index is "
        "replaced only when the new one is complete.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_options(index, format_flag=False)
    index.add_argument("-o", "--output", metavar="INDEX", help="the index folder to write")
    index.add_argument(
        "--update",
        metavar="INDEX",
        help="bring INDEX up to date with PATHS: read only new or changed files",
    )
    index.add_argument(
        "--engine", choices=ENGINES, default="local", help="where to run (default local)"
    )
    index.add_argument(
        "--scheduler", metavar="ADDRESS", help="a running dask.distributed scheduler to use"
    )
    index.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="processes (local) or LocalCluster workers (dask); default: one per CPU",
    )
    add_cluster_options(index)
    add_alias_option(index)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a positive whole number, got {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text}")
    return value


def run_index(
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
    *,
    aliases: AliasTable,
    usage_error: Callable[[str], Exception],
) -> int:
    """``parallax index``: build or update an index."""
    from parallax.core.cluster import ClusterSettings
    from parallax.core.index.steps import Options
    from parallax.core.index.store import CorpusIndexError, MissingExtra
    from parallax.core.safe import neutralize
    from parallax.tui.progress import stage_progress

    if not args.paths:
        raise usage_error("give the files or directories to index")
    if args.update and args.output:
        raise usage_error("give either -o INDEX (a new index) or --update INDEX, not both")
    if not args.update and not args.output:
        raise usage_error("give the index to write: -o INDEX (or --update INDEX)")
    if args.scheduler and args.engine != "dask":
        raise usage_error("--scheduler needs --engine dask")
    if args.update and args.engine == "dask":
        raise usage_error("--update runs on the local engine (it reads only what changed)")
    missing = [p for p in args.paths if p != "-" and not Path(p).exists()]
    if missing:
        raise usage_error(f"{missing[0]}: no such file or directory")
    options = Options(
        include=tuple(args.include) if args.include else None,
        exclude=tuple(args.exclude),
        input_format=args.input_format,
        settings=ClusterSettings(threshold=args.threshold),
        aliases=aliases,
    )
    try:
        with stage_progress(err) as progress:
            if args.update:
                from parallax.core.index.update import update_index

                result = update_index(
                    args.update,
                    args.paths,
                    options=options,
                    workers=args.workers,
                    progress=progress.on_stage,
                )
                target = args.update
            else:
                from parallax.core.index.build import build_index

                result = build_index(
                    args.paths,
                    args.output,
                    options=options,
                    engine=args.engine,
                    workers=args.workers,
                    scheduler=args.scheduler,
                    progress=progress.on_stage,
                    on_file=progress.on_file,
                )
                target = args.output
    except MissingExtra as error:
        raise usage_error(str(error)) from None
    except CorpusIndexError as error:
        if type(error).__name__ == "NoDocuments":
            for problem in getattr(error, "problems", []):
                err.write(f"parallax: {neutralize(str(problem), keep_newlines=False)}\n")
            raise usage_error("no document loaded") from None
        raise IndexProblem(str(error)) from None
    except OSError as error:  # a full disk, a folder that cannot be written
        where = getattr(error, "filename", None) or args.update or args.output
        raise IndexProblem(f"{where}: cannot write the index ({error.strerror or error})") from None
    for problem in result.problems:
        err.write(f"parallax: {neutralize(str(problem), keep_newlines=False)}\n")
    out.write(
        f"{target}: {result.documents} documents, {result.stories} stories "
        f"({result.multi} with several versions), {result.discrepancies} discrepancies\n"
    )
    return 0


def run_schema_index(out: TextIO) -> int:
    """``parallax schema index``: the index's schema as JSON."""
    json.dump(describe(), out, indent=1, ensure_ascii=False)
    out.write("\n")
    return 0


def looks_like_index(paths: list[str]) -> bool:
    """True when the app was given one index folder."""
    from parallax.core.index.store import is_index

    return len(paths) == 1 and is_index(paths[0])


def run_app_on_index(args: argparse.Namespace, settings: Settings, *, aliases: AliasTable) -> int:
    """``parallax INDEX``: the app on an index (its stories table is read before it starts)."""
    from parallax.core.index.store import CorpusIndex, CorpusIndexError
    from parallax.tui.app import make_app
    from parallax.tui.index_session import IndexSession, IndexSources

    try:
        session = IndexSession(CorpusIndex(args.paths[0]), aliases)
    except CorpusIndexError as error:
        raise IndexProblem(str(error)) from None
    app = make_app(settings, IndexSources(args.paths[0], aliases), session=session)
    app.run()
    return app.return_code or 0
