"""Pages printed from PDF or the web and read back as text (analyzer/reading/printout.py and the
run-in titles of analyzer/reading/weak.py): the structure a reader still sees, and the debris that
is not structure. Every text here is written for these tests."""

from __future__ import annotations

import pytest

from analyzer import analyze
from analyzer.judging.evidence import INFERABLE, infer_sections
from analyzer.nlp.bodies import section_bodies
from analyzer.reading.document import PARAGRAPH, effective_blocks
from analyzer.reading.markdown import parse
from analyzer.reading.printout import fragment_shaped
from analyzer.reading.weak import FLAT_LINE, run_in_headings


def headed(text: str) -> dict[str, str]:
    """canonical section -> heading, for the sections a document's headings stand for."""
    return {name: hit.heading for name, hit in analyze(text).sections.items() if hit is not None and hit.source == "heading"}


# ---------------------------------------------------------------- line-broken sentences as headings
BROKEN = ("# Queue outage\n\nOn Monday the ingest queue stopped for two hours and we lost the\n\n"
          "## backlog of the morning. Then we restarted the\n\n brokers one by one and the\n\n"
          "## monitoring alerts fired again when the\n\n disk filled a second time.\n")


def test_a_piece_of_a_broken_sentence_is_not_a_heading():
    sections = headed(BROKEN)
    assert "detection" not in sections  # "monitoring alerts fired ..." is a line of a sentence
    assert all("backlog" not in h and "monitoring" not in h for h in sections.values())


@pytest.mark.parametrize("title", [
    "backlog of the morning. Then we restarted the",  # lower case, a sentence end inside, dangling "the"
    "the rack. Then we",
    "Investigating further, we found a",
])
def test_fragment_shaped_titles(title):
    assert fragment_shaped(title)


@pytest.mark.parametrize("title", ["Root cause", "Timeline (UTC)", "Lessons learned and next steps",
                                   "7:40 am - Tuesday, March 4 2025", "Dana Reyes @dreyes · 3 months ago · Maintainer · edited twice"])
def test_real_titles_are_not_fragments(title):
    assert not fragment_shaped(title)


def test_a_lower_case_heading_after_an_open_line_is_kept_when_the_data_lists_it():
    text = ("# Outage\n\n## Summary\n\nThe cache went cold.\n\n## Action items\n\n- rotate the keys\n- add a canary\n\n"
            "## what went well\n\nThe rollback took two minutes.\n")
    assert headed(text).get("lessons_learned") == "what went well"


def test_a_sentence_long_heading_that_goes_on_below_is_text():
    text = ("# Outage\n\nThe first fix did not hold.\n\n## After that the two of us read the replica logs line by line on the standby\n\n"
            "host until midnight.\n\n## Summary\n\nThe switch firmware dropped entries.\n")
    kept = [s.heading for s, _ in section_bodies(text)[0] if s.heading]
    assert kept == ["Outage", "Summary"]


def test_comment_headers_of_an_issue_thread_stay_headings():
    text = ("# Outage review\n\n## Corrective actions\n\n- Add a quota alert\n\n"
            "#### Dana Reyes @dreyes · 3 months ago · Maintainer · edited twice\n\nI think the alert threshold is too low\n")
    kept = [s.heading for s, _ in section_bodies(text)[0] if s.heading]
    assert "Dana Reyes @dreyes · 3 months ago · Maintainer · edited twice" in kept


def test_a_heading_after_a_heading_is_not_a_broken_line():
    text = "# Outage\n\n## The first night\n\n### 10:02 pm - Friday, May 3 2024\n\nThe pager fired for the disk.\n"
    doc = parse(text)
    kept = [s.heading for s, _ in section_bodies(text)[0] if s.heading]
    assert "10:02 pm - Friday, May 3 2024" in kept and len(doc.headings) == 3


# ---------------------------------------------------------------- page chrome
CHROME = ("Log in\n\n**Plans**\n\n**Monitoring**\n\nActions\n\n# How our job runner ran out of memory\n\n"
          "On Tuesday the job runner was killed by the kernel after a worker leaked memory for a day.\n\n"
          "**Monitoring**\n\n## Timeline\n\n- 10:00 first kill\n- 10:20 second kill\n\n**Monitoring**\n")


def test_menu_words_before_the_title_and_their_repeats_are_not_sections():
    sections = headed(CHROME)
    assert "detection" not in sections and "action_items" not in sections
    assert sections.get("timeline") == "Timeline"


def test_weak_headings_before_a_title_stay_when_prose_comes_before_it():
    text = ("**Impact:** for forty minutes every checkout request in the EU region failed with a timeout.\n\n"
            "# Checkout outage\n\nThe payment gateway rejected our new certificate.\n")
    assert headed(text).get("impact") == "Impact"


def test_a_bold_teaser_cut_mid_phrase_is_not_a_heading():
    text = "# Disk pressure on the build farm\n\nThe build farm filled its disks.\n\n**Try our alerting for**\n\nOur product.\n"
    assert "detection" not in headed(text)


# ---------------------------------------------------------------- run-in titles
RUN_IN = [
    # (paragraph, titles found)
    ("The cluster served builds for every team. Impact The build queue stopped for an hour.", ["Impact"]),
    ("We lost two nodes on Friday. Timeline", ["Timeline"]),
    ("Traffic moved to the healthy zone. Next Steps We will add a drain check.", ["Next Steps"]),
    ("Root cause\nThe disk filled because log rotation was off.", ["Root cause"]),
    # look-alikes: a sentence that merely starts with a capitalised word or a proper noun
    ("Then it recovered. The Impact Team met on Monday.", []),
    ("The queue recovered. Monitoring dashboards showed nothing.", []),
    ("Alerts fired. However I was asleep.", []),
    ("We paged the on-call. Google Cloud confirmed the fault.", []),
]


@pytest.mark.parametrize(("content", "titles"), RUN_IN)
def test_run_in_titles(content, titles):
    found = [content[w.title[0]:w.title[1]] for w in run_in_headings(content)]
    assert [t for t in found if t in titles] == titles
    assert not [t for t in found if t[0].islower()]


def test_run_in_titles_count_only_when_listed_word_for_word():
    text = ("# Build outage\n\nThe cluster served builds for every team in the company. Impact The build queue stopped "
            "for an hour and no merge could land. Monitoring The Team met on Monday to talk about dashboards.\n")
    sections = headed(text)
    assert sections.get("impact") == "Impact"
    assert "detection" in sections  # "Monitoring" is a listed title, then a new sentence
    text = "# Build outage\n\nThe build farm filled up. Impacts The next day was quiet.\n"
    assert "impact" not in headed(text)  # not a title the section data lists word for word


def test_a_flattened_page_loses_its_stops_but_keeps_its_titles():
    filler = "The build farm ran every job of the company without trouble for many months before this week. " * 12
    page = (f"{filler}Impact Internal services could not start new jobs Retries piled up in the queue "
            f"Timeline I started the upgrade on Monday morning. {filler}Observations This should not have been possible.")
    assert len(page) >= FLAT_LINE
    sections = headed(f"# Build farm outage\n\n{page}\n")
    assert {"impact", "timeline", "lessons_learned"} <= set(sections)


def test_a_rejected_run_in_title_leaves_its_paragraph_whole():
    text = "# Outage\n\nThe build farm filled up. Impacts The next day was quiet.\n"
    doc = parse(text)
    assert [text[h.title_start:h.title_end] for h in doc.headings if h.style == "run_in"] == ["Impacts"]
    blocks = effective_blocks(doc, {h.title_start for h in doc.headings if h.strong})
    assert [text[b.start:b.end] for b in blocks if b.kind == PARAGRAPH] == [
        "The build farm filled up. Impacts The next day was quiet."]


# ---------------------------------------------------------------- line-broken paragraphs
@pytest.mark.parametrize(("text", "summary"), [
    ("# Queue\n\nOn Monday the ingest queue failed and\n\nthe outage was over within the hour.\n", True),
    ("# Queue\n\nOn Monday the ingest queue failed.\n\nand the outage was over within the hour.\n", False),
])
def test_a_line_broken_opening_paragraph_is_one_paragraph(text, summary):
    doc = parse(text)
    found = infer_sections(doc.text, doc.masked, doc.blocks, set(), lambda _: None, INFERABLE)
    assert ("summary" in found) is summary


def test_lower_case_headings_of_a_house_style_are_not_broken_lines():
    # a chatty draft writes every heading in lower case; the line before one is a timeline entry
    text = ("# that time the summaries made things up\n\nlong story, sorry.\n\n## timeline (UTC)\n\n"
            "Tue 09:50 prompt merged\nThu 15:30 revert deployed\n\n## what we're changing\n\n"
            "1. make the eval a required check\n\n## follow-ups\n\n- add a canary\n")
    sections = headed(text)
    assert sections.get("action_items") in ("what we're changing", "follow-ups")
    assert "what we're changing" in [s.heading for s, _ in section_bodies(text)[0] if s.heading]


def test_one_lower_case_literal_heading_does_not_make_a_house_style():
    text = ("# Queue outage\n\nThe ingest queue stopped and we lost the\n\n## backlog of the morning\n\n"
            "and restarted it.\n\n## summary\n\nThe queue stopped.\n")
    kept = [s.heading for s, _ in section_bodies(text)[0] if s.heading]
    assert "backlog of the morning" not in kept
