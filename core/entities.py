"""Find names of people, organisations and places without downloaded models, and fold the
variants a user declares equal in an alias file.

English names are runs of capitalised words (with inner "of", "de", "the" and hyphens: "House
of Representatives", "Minami-Torishima"), after a possessive is dropped. A capitalised word that
opens a sentence counts only when it starts a longer run or follows an honorific. CJK names come
from a small lexicon of surnames followed by one or two characters, of words before a title
(首相, 总统, ...), and of well-known places.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

from parallax.core.text import CJK_RANGES, fold

_CJK = CJK_RANGES
_WORD = re.compile(r"[^\W\d_][\w’'\-.]*")
_CAPITALISED = re.compile(r"^(?:[A-Z][\w’'\-]*|[A-Z](?:\.[A-Z])+\.?)$")
_CONNECTORS = frozenset({"of", "de", "del", "da", "van", "von", "the", "la", "le", "al", "bin"})
HONORIFICS = frozenset(
    """Mr Mrs Ms Dr Prof President Premier Minister Chancellor Governor Senator Secretary
    Chairman Chairwoman Chief King Queen Emperor Prince Princess Pope General Mayor Judge
    Justice Director Ambassador Spokesman Spokeswoman Representative Leader""".split()
)
#: Words of a title that precede a name and are not part of it ("Prime Minister Fumio Kishida").
TITLE_WORDS = HONORIFICS | frozenset(
    "Prime Vice Deputy Foreign Finance Defense Defence Former Acting Interior Trade".split()
)
#: Capitalised words that are not names: function words that open sentences, demonyms.
NOT_NAMES = frozenset(
    """The A An This That These Those It Its If In On At As But And Or For With By From To Of
    While When Where After Before Despite Although However Meanwhile Also Such Some Many Most
    Other Another Both Each Every All No Not There Here Their They He She We You I Our Your
    His Her What Which Who Whom Whose Why How Yet So Then Than Once Since Until Unless Under
    Over About Around Nearly Almost Only Just Even Still Recent Recently Potential Potentially
    Possible Possibly Estimated Expected Reportedly Group Core Viewpoint Key Points Summary
    Japanese Chinese American British French German Korean Russian Indian Canadian Australian
    European African Asian Taiwanese Vietnamese Italian Spanish Mexican Brazilian English
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December""".split()
)
CJK_SURNAMES = frozenset(
    """王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓
    曹 彭 曾 萧 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范
    金 石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚
    邵 万 钱 严 覃 武 戴 莫 孔 向 汤 习 蔡 安倍 岸田 石破 高市 菅 野田 麻生 小泉 石井 佐藤
    铃木 高桥 田中 伊藤 渡边 山本 中村 小林 加藤 吉田 山田 佐佐木 山口 松本 井上 木村
    清水""".split()
)
CJK_TITLES = (
    "首相",
    "总统",
    "總統",
    "主席",
    "总理",
    "總理",
    "部长",
    "部長",
    "大臣",
    "先生",
    "女士",
)
CJK_PLACES = frozenset(
    """日本 中国 中國 美国 美國 韩国 韓國 朝鲜 俄罗斯 英国 法国 德国 台湾 台灣 香港 澳门 东京 東京
    北京 上海 南鸟岛 南鳥島 静冈 清水港 欧盟 联合国 聯合國 自民党 自民黨""".split()
)


def fold_name(name: str) -> str:
    """A name folded for comparison: case, width, diacritics, spaces, hyphens and dots removed."""
    return _NAME_SEPARATORS.sub("", fold(name))


_NAME_SEPARATORS = re.compile(r"[\s\-‐‑'’.·・]")


def _strip_possessive(word: str) -> str:
    for suffix in ("'s", "’s", "s'", "s’"):
        if word.endswith(suffix):
            return word[: -len(suffix)] if suffix[0] in "'’" else word[:-1]
    if not word.endswith("."):
        return word
    return word if _INITIALS.match(word) else word.rstrip(".")


_INITIALS = re.compile(r"^(?:[A-Z]\.)+$")


def name_spans(
    text: str, *, opens_sentence: bool = False, known: frozenset[str] = frozenset()
) -> list[tuple[str, int, int]]:
    """The names in ``text`` as written (possessives dropped), in order, with where each is
    written: ``(name, start, end)``; the span covers the name's words as written (a possessive
    ending included).

    ``opens_sentence`` says that ``text`` starts a sentence, so its first word is capitalised
    by grammar and counts only when it starts a longer run, carries a possessive, is an
    acronym, or is one of the ``known`` names (see :func:`names_used_mid_sentence`).
    """
    names: list[tuple[str, int, int]] = []
    first_word = _FIRST_WORD.search(text)
    text_start = first_word.start() if first_word else -1
    for run in _RUN.finditer(text):
        base = run.start()
        part: list[tuple[str, int, int]] = []
        for match in _RUN_WORD.finditer(run.group()):
            part.append((match.group(), base + match.start(), base + match.end()))
            if match.group().endswith(("'s", "’s")):
                # A possessive ends a name ("Japan's Prime Minister" is two runs).
                _close(part, names, opens_sentence, known, text_start)
                part = []
        _close(part, names, opens_sentence, known, text_start)
    names.extend(cjk_name_spans(text))
    names.sort(key=lambda item: item[1])
    return names


def _close(
    run: list[tuple[str, int, int]],
    names: list[tuple[str, int, int]],
    opens_sentence: bool,
    known: frozenset[str],
    text_start: int,
) -> None:
    """Turn one run of capitalised words into a name, or nothing."""
    while run and run[0][0] in HONORIFICS:
        run = run[1:]  # an honorific never starts a name ("President Obama")
    while run and run[-1][0].lower() in _CONNECTORS:
        run = run[:-1]
    if not run:
        return
    written = [word for word, _, _ in run]
    cleaned = [_strip_possessive(w) for w in written]
    first_word_of_sentence = (
        opens_sentence
        and run[0][1] == text_start
        and cleaned[0] not in known
        and cleaned[0] == written[0]
        and not cleaned[0].isupper()
    )
    if len(run) == 1 and (cleaned[0] in NOT_NAMES or first_word_of_sentence):
        return
    first = 0
    while first < len(cleaned) and (cleaned[first] in NOT_NAMES or cleaned[first] in TITLE_WORDS):
        first += 1
    if first < len(cleaned):
        names.append((" ".join(cleaned[first:]), run[first][1], run[-1][2]))


_CAP = r"(?:[A-Z](?:\.[A-Z])+\.?|[A-Z]\.(?=[ \t]+[A-Z])|[A-Z][\w’'\-]*)"
_RUN = re.compile(
    rf"(?<![\w’'\-.]){_CAP}(?:[ \t\n]+(?:(?:{'|'.join(sorted(_CONNECTORS))})[ \t\n]+)*{_CAP})*"
)
_RUN_WORD = re.compile(r"\S+")
_FIRST_WORD = re.compile(r"[^\W\d_]")


_CAPITALISED_WORD = re.compile(r"(?<![\w’'\-.])(?:[A-Z][\w’'\-]*)")
_SENTENCE_ENDS = frozenset('.!?-]"”:\n')


@lru_cache(maxsize=256)
def names_used_mid_sentence(text: str) -> frozenset[str]:
    """Capitalised words a text uses inside sentences: names even where they open one."""
    found = set()
    for match in _CAPITALISED_WORD.finditer(text):
        position = match.start() - 1
        while position >= 0 and text[position] in " \t":
            position -= 1
        if position >= 0 and text[position] not in _SENTENCE_ENDS:
            found.add(_strip_possessive(match.group()))
    return frozenset(found)


def cjk_name_spans(text: str) -> list[tuple[str, int, int]]:
    """Names in CJK text: places of a small lexicon, words before a title, organisations by
    their endings, and surnames followed by two characters."""
    found: list[tuple[str, int, int]] = []
    for run in _CJK_RUN.finditer(text):
        chunk, base = run.group(), run.start()
        for place in CJK_PLACES:
            at = chunk.find(place)
            while at >= 0:
                found.append((place, base + at, base + at + len(place)))
                at = chunk.find(place, at + len(place))
        for match in _CJK_TITLED.finditer(chunk):
            found.append((match.group(1), base + match.start(1), base + match.end(1)))
        for match in _CJK_ORGANISATION.finditer(chunk):
            start = match.start()
            while start < match.end() - 2 and chunk[start] in _CJK_PARTICLES:
                start += 1
            found.append((chunk[start : match.end()], base + start, base + match.end()))
        i = 0
        while i < len(chunk):
            surname = next((s for s in _SURNAMES_LONGEST_FIRST if chunk.startswith(s, i)), None)
            if surname and len(surname) >= 2 and i + len(surname) + 2 <= len(chunk):
                end = i + len(surname) + 2
                found.append((chunk[i:end], base + i, base + end))
                i = end
            else:
                i += 1
    return found


_CJK_RUN = re.compile(f"[{_CJK}]+")
_CJK_TITLED = re.compile(f"([{_CJK}]{{2,4}}?)(?:{'|'.join(CJK_TITLES)})")
_CJK_PARTICLES = frozenset("据在由向对从和与及的称被让给把将为于是了说")
_SURNAMES_LONGEST_FIRST = sorted(CJK_SURNAMES, key=len, reverse=True)
#: News agencies, papers, broadcasters, companies, universities and agencies by their endings
#: ("共同社", "朝日新闻", "新华社"): one to six characters before the ending.
_CJK_ORGANISATION = re.compile(
    f"[{_CJK}]{{1,6}}?(?:通讯社|通信社|新闻社|新聞社|电视台|電視台|新闻|新聞|日报|日報|晚报|时报|"
    f"時報|社|大学|大學|银行|銀行|集团|集團|公司|株式会社|研究所|研究院|委员会|委員會|省|厅|廳)"
)


@dataclass
class AliasTable:
    """Groups of names that denote one entity ("高市早苗", "Sanae Takaichi", "Takaichi")."""

    groups: list[tuple[str, ...]] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_toml(cls, text: str) -> AliasTable:
        """Read ``[[alias]] names = [...]`` tables. Raises ``ValueError`` with a clear message."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"expected TOML ({error})") from None
        entries = data.get("alias", [])
        if not isinstance(entries, list):
            raise ValueError('expected [[alias]] tables, each with names = ["...", "..."]')
        table = cls()
        for number, entry in enumerate(entries, 1):
            names = entry.get("names") if isinstance(entry, dict) else None
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise ValueError(f'alias #{number}: expected names = ["...", "..."]')
            table.add(names)
        return table

    def add(self, names: list[str]) -> None:
        """Declare that ``names`` denote one entity."""
        group = len(self.groups)
        self.groups.append(tuple(names))
        for name in names:
            self._index.setdefault(fold_name(name), group)

    def key(self, name: str) -> str:
        """The comparison key of a name: its alias group if it has one, else its folded form."""
        folded = fold_name(name)
        group = self._index.get(folded)
        return f"alias:{group}" if group is not None else folded

    def __len__(self) -> int:
        return len(self.groups)
