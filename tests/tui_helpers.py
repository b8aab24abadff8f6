"""Shared helpers for the app's Pilot and snapshot tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from parallax.core.cluster import ClusterSettings, cluster_documents
from parallax.core.data import demo_corpus_path
from parallax.core.entities import AliasTable
from parallax.core.ingest import load
from parallax.tui.app import ParallaxApp, make_app
from parallax.tui.session import ReviewSession
from parallax.tui.settings import Settings

CJK_STORY = [
    (
        "日本深海钻探船出发",
        "新华社",
        "2026-01-12 09:00",
        "核心观点 - 日本深海钻探船“地球号”从静冈县清水港出发，前往南鸟岛海域。"
        "预计耗时约20天，目标是从约6000米深的海底取回含稀土的泥。[1][2] "
        "第1组：背景 - 日本约70%的稀土依赖中国进口。[3]",
    ),
    (
        "日本深海钻探船启程",
        "人民网",
        "2026-01-12 10:30",
        "核心观点 - 日本深海钻探船“地球号”从静冈县清水港出发，前往南鸟岛附近海域。"
        "预计耗时约30天，目标是从约6000米深的海底取回含稀土的泥。[1][4] "
        "第1组：背景 - 日本超过70%的稀土依赖中国进口。[3]",
    ),
]


def session_from(paths: list[Path]) -> ReviewSession:
    corpus = load(paths)
    return ReviewSession(corpus, cluster_documents(corpus.documents), AliasTable())


def demo_session() -> ReviewSession:
    return session_from([demo_corpus_path()])


def cjk_session(tmp_path: Path) -> ReviewSession:
    import json

    path = tmp_path / "cjk.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for title, source, published, body in CJK_STORY:
            record = {"title": title, "source": source, "published": published, "body": body}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    corpus = load([path])
    clustering = cluster_documents(corpus.documents, settings=ClusterSettings(threshold=0.3))
    return ReviewSession(corpus, clustering, AliasTable())


def pinned_settings(**overrides) -> Settings:
    """Settings pinned for tests: no config file, no environment."""
    return Settings.model_construct(**{"theme": "textual-dark", "reviewer": "tester", **overrides})


def demo_app(**overrides) -> ParallaxApp:
    return make_app(pinned_settings(**overrides), session=demo_session())


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Pause until ``condition()`` holds (never a fixed sleep)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)


async def open_review(pilot, index: int = 0):
    """From the Stories screen, open the story at ``index`` and wait until it is shown."""
    from parallax.tui.screens.review import ReviewScreen
    from parallax.tui.screens.stories import StoriesScreen

    await wait_for(pilot, lambda: isinstance(pilot.app.screen, StoriesScreen))
    await wait_for(pilot, lambda: pilot.app.screen.order)
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, ReviewScreen) and pilot.app.screen.view is not None,
    )
    await pilot.pause()
    return pilot.app.screen


def screen_lines(app) -> list[str]:
    """The text of every line of the screen as it is drawn now (toasts included)."""
    return ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]


def screen_segments(app):
    """Every segment drawn on the screen now."""
    for strip in app.screen._compositor.render_strips():
        yield from strip
