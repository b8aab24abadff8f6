"""Alignment and discrepancy classification: the sample's named examples and one test per kind."""

from __future__ import annotations

from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.core.align import align, metadata_text, variation_units
from parallax.core.cluster import Cluster, cluster_documents
from parallax.core.discrepancy import Discrepancy, find_discrepancies
from parallax.core.entities import AliasTable
from parallax.core.report import analyse_story, build_report
from tests import factories

#: Versions of one story from one outlet: a test changes only what it is about.
doc = partial(factories.doc, title="Story", source="Outlet")


def discrepancies(*bodies: str, aliases: AliasTable | None = None) -> list[Discrepancy]:
    documents = [doc(body, index=i) for i, body in enumerate(bodies, 1)]
    return find_discrepancies(documents, align(documents), cluster="c", aliases=aliases)


def reported(*bodies: str, **kwargs) -> list[Discrepancy]:
    """The discrepancies a reviewer is shown by default (not the unimportant tier)."""
    return [d for d in discrepancies(*bodies, **kwargs) if d.tier == "reported"]


def kinds(*bodies: str, **kwargs) -> list[str]:
    return [d.kind for d in reported(*bodies, **kwargs)]


def texts(d: Discrepancy) -> list[str]:
    return [r.text for r in d.readings]


# --- the sample ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_story(demo):
    documents = demo.documents[:3]
    cluster = Cluster(id="c", documents=tuple(d.id for d in documents))
    return documents, analyse_story(cluster, documents)


def find(story, kind: str, *needles: str, where=lambda d: True) -> Discrepancy:
    for discrepancy in story.discrepancies:
        joined = " | ".join(r.text for r in discrepancy.readings)
        if discrepancy.kind == kind and all(n in joined for n in needles) and where(discrepancy):
            return discrepancy
    raise AssertionError(f"no {kind} discrepancy with {needles}")


def test_sample_entity_sanna_takashi_vs_fumio_kishida(sample_story):
    _, story = sample_story
    found = find(story, "entity", "Sanna Takashi", "Fumio Kishida")
    assert found.severity == "high"
    assert texts(found) == ["Sanna Takashi", "Sanna Takashi", "Fumio Kishida"]
    assert "Sanna Takashi" in found.summary and "Fumio Kishida" in found.summary


def test_sample_date_attached_to_a_different_event(sample_story):
    documents, story = sample_story
    found = find(story, "date", "January 23")
    assert found.severity == "high"
    first, _, third = found.readings
    # the same words, in a different place of the claim
    assert first.text == third.text == "on January 23"
    assert documents[0].body[first.end : first.end + 25].startswith(" and hold early elections")
    assert documents[2].body[: third.start].endswith("hold early elections ")


def test_sample_citation_markers(sample_story):
    _, story = sample_story
    found = find(story, "citation", "[1][25]", "[1][29]")
    assert texts(found) == ["[1][25]", "[1][27]", "[1][29]"]
    assert found.severity == "medium"


def test_sample_sixteen_million_tons_is_one_medium_omission_from_the_first_version(sample_story):
    _, story = sample_story
    about = [d for d in story.discrepancies if d.kind == "omission" and "16 million" in d.summary]
    [found] = about
    first = found.readings[0]
    assert first.text == "" and first.start is None and first.end is None
    # #2 and #3 both state it (in different claims), so only #1 omits it.
    assert found.readings[1].start is not None and found.readings[2].start is not None
    assert found.severity == "medium"
    assert "absent from #1" in found.summary and "#3" not in found.summary.split("absent")[1]


def test_sample_no_version_omits_the_350_tons_all_three_give(sample_story):
    _, story = sample_story
    assert not [d for d in story.discrepancies if d.kind == "omission" and "350" in d.summary]


def test_sample_split_claim_about_commercial_mining_is_paired_not_omitted(sample_story):
    documents, story = sample_story
    rows = story.alignment.rows
    [row] = [
        r
        for r in rows
        if r.kind == "claim"
        and not r.cells[2].is_gap
        and "If successful" in documents[2].body[r.cells[2].start : r.cells[2].end]
    ]
    first = documents[0].body[row.cells[0].start : row.cells[0].end]
    assert "commercial mining set to begin in February 2027" in first
    assert not [
        d
        for d in story.discrepancies
        if d.kind == "omission"
        and ("If successful" in d.summary or "The project aims" in d.summary)
    ]


def test_sample_first_high_stops_are_the_name_and_the_moved_date(sample_story):
    _, story = sample_story
    high = [d for d in story.discrepancies if d.severity == "high" and d.tier == "reported"]
    assert [d.kind for d in high[:2]] == ["entity", "date"]
    assert "Fumio Kishida" in high[0].summary
    assert "January 23" in high[1].summary and "different part" in high[1].summary
    # Every high item is one where the versions cannot all be true: names and the date.
    assert {d.kind for d in high} <= {"entity", "date", "number", "qualifier"}
    assert 3 <= len(high) <= 5


def test_sample_grouping_counts_versions_and_marks_the_minority(sample_story):
    _, story = sample_story
    found = find(story, "entity", "Sanna Takashi", "Fumio Kishida")
    assert [(g.text, len(g.documents), g.minority) for g in found.groups] == [
        ("Sanna Takashi", 2, False),
        ("Fumio Kishida", 1, True),
    ]
    assert "×2" in found.summary


def test_sample_both_versions_say_seventy_percent_in_different_sections(demo):
    documents = [demo.documents[3], demo.documents[4]]
    story = analyse_story(Cluster(id="c", documents=()), documents)
    assert not [d for d in story.discrepancies if d.kind == "omission" and "70%" in d.summary]


def test_sample_wording_support_rate_vs_approval_ratings(sample_story):
    _, story = sample_story
    found = find(story, "wording", "support rate", "approval ratings")
    assert found.severity == "low"


def test_sample_qualifiers(sample_story):
    _, story = sample_story
    over = find(story, "qualifier", "over")
    assert over.severity == "medium"
    assert any("over" in r.text for r in over.readings)
    assert any(r.text and "over" not in r.text for r in over.readings)
    find(story, "qualifier", "Potential export controls", "Recent export controls imposed")


def test_sample_spelling_variants(demo):
    documents = demo.documents
    story = analyse_story(Cluster(id="c", documents=()), [documents[3], documents[4]])
    found = [d for d in story.discrepancies if d.kind == "spelling" and d.tier == "reported"]
    pairs = [sorted(texts(d)) for d in found]
    assert ["Chikyu", "Chikyū"] in pairs
    assert ["Minami-Tori-shima", "Minami-Torishima"] in pairs


def test_sample_metadata(sample_story):
    _, story = sample_story
    found = find(story, "metadata", "2026-01-13 07:26", "2026-01-13 07:03")
    assert found.severity == "low"
    assert [r.field for r in found.readings] == ["published"] * 3


def test_every_reading_slices_its_text_exactly(demo):
    report = build_report(demo.documents, cluster_documents(demo.documents), workers=1)
    by_id = {d.id: d for d in demo.documents}
    checked = 0
    for story in report.clusters:
        for discrepancy in story.discrepancies:
            assert len(discrepancy.readings) == len(story.documents)
            for reading in discrepancy.readings:
                if reading.start is None:
                    assert reading.text == "" and reading.end is None
                    continue
                whole = metadata_text(by_id[reading.document], reading.field)
                assert whole[reading.start : reading.end] == reading.text
                checked += 1
    assert checked > 100


def test_sample_sections_are_aligned_by_content_not_number(demo):
    documents = demo.documents[:3]
    alignment = align(documents)
    headings = [row for row in alignment.rows if row.kind == "section"]
    economic = [
        row
        for row in headings
        if all(not c.is_gap for c in row.cells)
        and "Economic Implications" in documents[0].body[row.cells[0].start : row.cells[0].end]
    ]
    [row] = economic
    # "Group 3: Economic ..." in the first version, "Group 4: Economic ..." in the others
    assert [documents[i].body[c.start : c.end][:7] for i, c in enumerate(row.cells)] == [
        "Group 3",
        "Group 4",
        "Group 4",
    ]
    assert not [
        d
        for d in find_discrepancies(documents, alignment)
        if d.row == row.index and d.tier == "reported"
    ]


def test_ids_are_stable(demo):
    first = build_report(demo.documents, cluster_documents(demo.documents), workers=1)
    again = build_report(demo.documents, cluster_documents(demo.documents), workers=1)
    ids = [d.id for s in first.clusters for d in s.discrepancies]
    assert ids == [d.id for s in again.clusters for d in s.discrepancies]
    assert len(set(ids)) == len(ids)


# --- one kind at a time --------------------------------------------------------------------------

CLAIM = "The vessel Chikyu left Shimizu Port on Monday with a crew of forty. "


def test_numbers_differ():
    found = discrepancies(
        "The ship sailed 15 km to the site.", "The ship sailed 20 km to the site."
    )
    assert [(d.kind, d.severity) for d in found] == [("number", "high")]
    assert texts(found[0]) == ["15 km", "20 km"]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("15 km", "15 kilometers"),
        ("four", "4"),
        ("2.6 trillion yen", "2,600 billion yen"),
        ("70%", "70 percent"),
    ],
)
def test_equal_quantities_written_differently_are_not_discrepancies(one, other):
    body, variant = f"The survey found {one} of mud.", f"The survey found {other} of mud."
    assert kinds(body, variant) == []
    # kept in the unimportant tier, where a reviewer can still see it
    assert [(d.kind, d.tier) for d in discrepancies(body, variant)] == [("number", "unimportant")]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("The ship sailed 15 km east.", "The ship sailed 15 kilometers east."),
        ("Officials counted four boats.", "Officials counted 4 boats."),
        ("The storm damaged 1,200 homes.", "The storm damaged 1200 homes."),
        ("The vote was held on March 4.", "The vote was held on 4 March."),
        ("The deal is worth $1.2bn to investors.", "The deal is worth $1.2 billion to investors."),
        ("会议于1月23日举行。", "会议于1 月 23 日举行。"),
        ("ASML's sales rose in the quarter.", "ASML Holding's sales rose in the quarter."),
        ("TOOK RESPONSIBILITY", "Took Responsibility"),
        ("He relied upon the court.", "He relied on the court."),
        ("Japan's supply is at risk.", "Its supply is at risk."),
        ("They sought a two-year sentence.", "They sought a sentence of two years."),
        ("He said: “We will go.”", 'He said: "We will go."'),
    ],
)
def test_equivalent_variants_stay_in_the_unimportant_tier(one, other):
    assert kinds(one, other) == []


def test_dates_differ_and_dates_move():
    assert kinds("Voting is on January 23 this year.", "Voting is on January 24 this year.") == [
        "date"
    ]
    moved = discrepancies(
        "He will dissolve the House on January 23 and hold early elections.",
        "He will dissolve the House and hold early elections on January 23.",
    )
    assert [d.kind for d in moved] == ["date"]
    assert "different part of the claim" in moved[0].summary


def test_entities_differ_and_aliases_make_them_spelling():
    one = "Prime Minister Sanae Takaichi decided to dissolve the House."
    other = "Prime Minister Fumio Kishida decided to dissolve the House."
    assert kinds(one, other) == ["entity"]
    cjk = "Prime Minister 高市早苗 decided to dissolve the House."
    assert kinds(one, cjk) == ["entity"]
    aliases = AliasTable.from_toml('[[alias]]\nnames = ["高市早苗", "Sanae Takaichi"]\n')
    assert [(d.kind, d.severity) for d in reported(one, cjk, aliases=aliases)] == [
        ("spelling", "low")
    ]


def test_cjk_dates_and_news_agencies():
    assert [
        (d.kind, d.severity)
        for d in reported("首相于1月23日解散众议院。", "首相于1月25日解散众议院。")
    ] == [("date", "high")]
    agency = reported("据共同社报道，首相解散众议院。", "据朝日新闻报道，首相解散众议院。")
    assert [(d.kind, d.severity) for d in agency] == [("entity", "high")]


def test_a_citation_inside_a_changed_date_is_its_own_item():
    found = reported(
        "The vote was held on April 1 [1][4] in the capital.",
        "The vote was held on April 15 [1][6] in the capital.",
    )
    assert sorted((d.kind, d.severity, tuple(texts(d))) for d in found) == [
        ("citation", "medium", ("[1][4]", "[1][6]")),
        ("date", "high", ("April 1", "April 15")),
    ]


def test_citations_of_different_sources_are_not_compared():
    documents = [
        doc("Costs rose sharply [1]", index=1, source="A"),
        doc("Costs rose sharply [3]", index=2, source="B"),
    ]
    found = find_discrepancies(documents, align(documents))
    assert [(d.kind, d.tier) for d in found if d.kind == "citation"] == [
        ("citation", "unimportant")
    ]


def test_citations_differ():
    found = discrepancies("Costs rose sharply [1][25]", "Costs rose sharply [1][29]")
    assert [(d.kind, texts(d)) for d in found] == [("citation", ["[1][25]", "[1][29]"])]


@pytest.mark.parametrize(
    ("one", "other", "severity"),
    [
        ("Mining costs over ten times more.", "Mining costs ten times more.", "medium"),
        ("The fleet has at least five ships.", "The fleet has up to five ships.", "high"),
        ("The ban lasts at least 18 months.", "The ban lasts up to 18 months.", "high"),
        (
            "Potential export controls could hurt.",
            "Recent export controls imposed could hurt.",
            "medium",
        ),
        ("Another 2,500 customers will fly.", "Approximately 2,500 customers will fly.", "medium"),
        ("Police said he was not arrested.", "Police said he was arrested.", "high"),
    ],
)
def test_qualifiers_differ(one, other, severity):
    assert [(d.kind, d.severity) for d in reported(one, other)] == [("qualifier", severity)]


def test_omissions_of_claims_and_figures():
    found = discrepancies(
        CLAIM + "The area holds over 16 million tons of rare earths.",
        CLAIM,
    )
    assert [(d.kind, d.severity) for d in found] == [("omission", "medium")]
    assert found[0].readings[1].start is None
    fragment = reported(
        "The area holds 16 million tons of rare earths near the island.",
        "The area holds rare earths near the island.",
    )
    assert [(d.kind, d.severity) for d in fragment] == [("omission", "medium")]
    assert "16 million tons" in fragment[0].summary


def test_a_figure_stated_elsewhere_is_not_omitted():
    found = reported(
        "The trial will extract 350 tons of mud a day. Japan hopes to mine the seabed.",
        "The trial will extract mud every day. Japan hopes to mine 350 tons from the seabed.",
    )
    assert not [d for d in found if d.kind == "omission"]


def test_a_paragraph_added_is_one_omission():
    base = "The court met on Monday.\n\nThe judge read the verdict aloud to a full room."
    added = (
        base + "\n\nLawyers for the family welcomed the ruling. They said an appeal was unlikely."
        " Relatives wept outside the courthouse."
    )
    found = reported(added, base)
    assert [(d.kind, d.severity) for d in found] == [("omission", "medium")]
    assert "Lawyers for the family" in found[0].readings[0].text
    assert "Relatives wept" in found[0].readings[0].text


def test_boilerplate_is_one_unimportant_item():
    story = "The council approved the new budget on Tuesday after a long debate."
    one = story + "\n\nAre you in Leeds? Share your experiences.\n\nEditing by Jane Smith"
    two = story + "\n\nWhatsApp: +44 7700 900123\n\nReporting by Tom Lee; Editing by Ann Roe"
    found = discrepancies(one, two)
    assert [d for d in found if d.tier == "reported"] == []
    assert len([d for d in found if d.tier == "unimportant"]) == 1


def test_wording_and_spelling():
    assert kinds(
        "The cabinet support rate remains high.", "The cabinet approval ratings remain high."
    ) == ["wording"]
    assert kinds("The drill ship Chikyū left.", "The drill ship Chikyu left.") == ["spelling"]
    assert kinds("It sailed to Minami-Torishima.", "It sailed to Minami-Tori-shima.") == [
        "spelling"
    ]


def test_metadata_rows():
    documents = [
        doc(CLAIM, index=1, title="A", published_raw="2026-01-13 07:26"),
        doc(CLAIM, index=2, title="B"),
    ]
    found = find_discrepancies(documents, align(documents))
    assert [(d.kind, d.readings[0].field) for d in found] == [
        ("metadata", "title"),
        ("metadata", "published"),
    ]
    assert found[1].readings[1].start is None


def test_reordered_identical_claims_are_not_discrepancies():
    claims = [
        "Japan launched a deep-sea rare earth trial near Minami-Torishima.",
        "The vessel is expected to stay at the site for about twenty days.",
        "Commercial mining could begin in February 2027 if the trial works.",
    ]
    assert kinds(" ".join(claims), " ".join(reversed(claims))) == []


def test_merged_and_split_claims_share_a_row():
    one = (
        "Japan launched a deep-sea rare earth trial near Minami-Torishima on Monday. "
        "The drill ship will extract 350 tons of rare earth mud every day at the site."
    )
    two = (
        "Japan launched a deep-sea rare earth trial near Minami-Torishima on Monday, and the "
        "drill ship will extract 350 tons of rare earth mud every day at the site."
    )
    documents = [doc(one, index=1), doc(two, index=2)]
    claims = [row for row in align(documents).rows if row.kind == "claim"]
    assert [(c.cells[0].segments, c.cells[1].segments) for c in claims] == [((0, 1), (0,))]


def test_cjk_claims():
    found = discrepancies(
        "日本派船前往南鸟岛，预计耗时约20天。", "日本派船前往南鸟岛，预计耗时约30天。"
    )
    assert [(d.kind, texts(d)) for d in found] == [("number", ["20", "30"])]
    assert kinds("日本派船前往南鸟岛。", "日本派船前往南鸟岛。") == []


def test_variation_units_offsets_for_every_version():
    documents = [
        doc("Alpha beta gamma delta.", index=1),
        doc("Alpha BETA gamma epsilon delta.", index=2),
        doc("Alpha beta delta.", index=3),
    ]
    [row] = [r for r in align(documents).rows if r.kind == "claim"]
    for unit in variation_units(documents, row):
        for document, span in zip(documents, unit.spans, strict=True):
            if span.start is not None:
                assert document.body[span.start : span.end] == span.text


def test_alias_file_errors_are_clear():
    with pytest.raises(ValueError, match="expected TOML"):
        AliasTable.from_toml("[[alias]\nnames = ")
    with pytest.raises(ValueError, match="alias #1"):
        AliasTable.from_toml("[[alias]]\nnames = 3\n")


def test_same_figure_with_and_without_a_unit_does_not_crash():
    # A unit holding "2" and "2 tons" has quantities with and without a unit (issue 11 #2).
    found = discrepancies(
        "Line 2 exported 2 tons of ore to the port on Monday, officials said.",
        "Line 7 shipped 9 tons of ore to the port on Monday, officials said.",
    )
    assert any(d.kind == "number" for d in found)


# --- the order of the versions does not matter ---------------------------------------------------


def _as_set(found: list[Discrepancy]) -> set:
    return {
        (
            d.kind,
            d.severity,
            d.tier,
            frozenset((r.document, r.field, r.start, r.end) for r in d.readings),
        )
        for d in found
    }


_EDITS = st.sampled_from(
    [
        ("Sanna Takashi", "Fumio Kishida"),
        ("350 tons", "450 tons"),
        ("January 23", "January 25"),
        ("[1][25]", "[1][29]"),
        ("is expected to", "will"),
        ("support rate remains", "approval ratings remain"),
        ("approximately", "at least"),
        (" Japan has officially launched", " Officials said Japan has officially launched"),
    ]
)


@settings(max_examples=25, deadline=None)
@given(edits=st.lists(_EDITS, min_size=1, max_size=3), order=st.permutations(range(4)))
def test_the_discrepancies_do_not_depend_on_the_order_of_the_versions(demo, edits, order):
    base = demo.documents[0]
    bodies = [base.body]
    for old, new in edits:
        bodies.append(bodies[-1].replace(old, new, 1))
    while len(bodies) < 4:
        bodies.append(bodies[0].replace("Group 3", "Group 4", 1))
    documents = [doc(body, index=i) for i, body in enumerate(bodies, 1)]
    shuffled = [documents[i] for i in order]
    assert _as_set(find_discrepancies(documents, align(documents))) == _as_set(
        find_discrepancies(shuffled, align(shuffled))
    )


# --- one item per difference, and rewording that is not a move (issue 9) ----------------------


def test_a_paragraph_omitted_is_one_item_even_when_its_versions_spell_a_quote_mark_two_ways():
    base = "The bank settled the case on Monday.\n\nThe judge approved the deal in court."
    said = (
        '\n\n"We{q}ve agreed to settle these old claims," a spokeswoman said. "We deny any'
        ' wrongdoing and stay committed to fair lending."'
    )
    found = reported(base + said.format(q="\u2019"), base + said.format(q="'"), base)
    assert [(d.kind, d.severity) for d in found] == [("omission", "medium")]
    assert "We deny any wrongdoing" in found[0].readings[0].text


def test_changes_linked_by_a_hidden_change_between_them_are_one_item():
    found = reported(
        "On Friday the transport agency said it was preparing plans to move all its staff on"
        " extra buses from the northern depot within two days, officials told reporters.",
        "On Friday the transport agency plans to move the staff from regional offices within"
        " two days, officials told reporters.",
    )
    assert [(d.kind, d.severity) for d in found] == [("qualifier", "medium")]
    assert "northern depot" in found[0].readings[0].text


def test_words_found_only_in_a_distant_claim_are_a_rewording_not_a_move():
    later = (
        "\n\nThe case drew wide attention in the city.\n\nSeveral groups held meetings about it."
        "\n\nThe bank allowed brokers to set the fees."
    )
    found = reported(
        "Officials accused the bank of charging minority borrowers higher fees on loans." + later,
        "Officials accused the bank of allowing brokers to charge minority borrowers higher"
        " fees on loans." + later,
    )
    assert [(d.kind, d.severity) for d in found] == [("wording", "low")]
    assert found[0].readings[1].text == "allowing brokers to charge"


def test_a_clause_only_some_versions_have_is_an_omission_even_with_a_hedge_in_it():
    found = reported(
        "Extraction is expected to be ten times more expensive than mining on land, with"
        " commercial viability projected to take over a decade.",
        "Extraction is expected to be ten times more expensive than mining on land.",
    )
    assert [(d.kind, d.severity) for d in found] == [("omission", "medium")]
    assert found[0].readings[1].start is None


def test_a_name_omitted_from_two_claims_is_one_omission():
    found = reported(
        "The Justice Department sued the lender on Monday.\n\n"
        "The Justice Department complaint was filed in Boston.",
        "The government sued the lender on Monday.\n\nThe government's complaint was filed in"
        " Boston.",
    )
    assert [(d.kind, d.severity) for d in found] == [("omission", "medium")]


def test_facts_omitted_from_one_clause_are_one_omission():
    found = reported(
        "The lender has agreed to pay $40 million to settle a Federal Trade Commission lawsuit"
        " accusing it of charging higher fees, a person said.",
        "The lender has agreed to settle a lawsuit accusing it of charging higher fees, a person"
        " said.",
    )
    assert [(d.kind, d.severity) for d in found] == [("omission", "medium")]
    assert "$40 million" in found[0].summary and "Federal Trade Commission" in found[0].summary
    assert found[0].readings[1].start is None


# --- remembered readers: the same answers as reading afresh -----------------------------------

_CLAIM_TEXT = st.lists(
    st.sampled_from([*"ab Zé9,.'’-%$[]1^日本 \n", "[12]", "[3][4]", " 5 %", "word"]),
    max_size=40,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(first=_CLAIM_TEXT, second=_CLAIM_TEXT)
def test_a_claims_tokens_are_the_same_read_alone_or_inside_its_body(first, second):
    # Claim tokens are remembered by the claim's text, then placed at its offset in the body:
    # that holds only while the token pattern looks neither behind nor ahead of a claim.
    from parallax.core.align import DIFF_TOKEN, cell_tokens

    one, other = doc(f"{first} {second}. Tail.", index=1), doc(f"{second}. Tail.", index=2)
    alignment = align([one, other])
    for row in alignment.rows:
        if row.kind != "claim":
            continue
        for document, cell in zip((one, other), row.cells, strict=True):
            expected = [
                (m.group(), m.start(), m.end())
                for s in cell.segments
                for m in DIFF_TOKEN.finditer(
                    document.body, document.segments[s].start, document.segments[s].end
                )
            ]
            assert [tuple(t) for t in cell_tokens(document, row, cell)] == expected


@settings(max_examples=80, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("abcé 日本人")), max_size=40),
    terms=st.lists(st.text(alphabet=st.sampled_from(list("abcé日本人")), min_size=1), max_size=8),
)
def test_a_version_states_a_word_term_exactly_when_some_word_starts_with_it(text, terms):
    # Whole words are answered from a set; the rest by searching the folded words.
    from parallax.core.facts import profile
    from parallax.core.text import CJK_CHAR

    stated = profile(["", text])
    words = stated.words
    expected = [t for t in terms if (t not in words if CJK_CHAR.match(t) else f" {t}" not in words)]
    assert stated.states_words(terms) == expected
