"""The Markdown reader: offsets, every heading form, what is and is not linted."""

from __future__ import annotations

from analyzer.reading.document import HEADING, LIST_ITEM, PARAGRAPH, TABLE_CELL
from analyzer.reading.markdown import parse
from analyzer.nlp.bodies import section_bodies

DRAFT = """---
title: Feature skew
date: 2024-05-02
severity: SEV-2
tags: [ml]
---
# Feature skew in ranking

**Impact:** 30% of users saw stale recommendations.

Summary
=======
The ranking model read *stale* features. See [the dashboard](https://grafana.example/d/abc) and `kubectl get pods`.

## 3. Root cause
The ingest job had no completion marker.

3.1 Five Whys
1. Why? Because the job read a partial snapshot.

Timeline:
- 14:02 page fired
  and was acknowledged
- 14:10 rollback

| Action | Owner |
|---|---|
| Add gate | @mei |

> lol who merged this
> careless

```
rm -rf / # careless
```
<!-- careless -->
    indented careless code
"""


def heading_titles(doc):
    return [(h.style, doc.text[h.title_start:h.title_end]) for h in doc.headings]


def test_masked_text_keeps_offsets():
    doc = parse(DRAFT)
    assert len(doc.masked) == len(DRAFT)
    for block in doc.blocks:
        assert doc.masked[block.start:block.end].strip()


def test_front_matter_is_metadata_not_text():
    doc = parse(DRAFT)
    assert doc.metadata["title"] == "Feature skew"
    assert doc.metadata["tags"] == ["ml"]
    assert "SEV-2" not in doc.masked


def test_every_heading_form():
    doc = parse(DRAFT)
    titles = heading_titles(doc)
    assert ("atx", "Feature skew in ranking") in titles
    assert ("bold", "Impact") in titles
    assert ("setext", "Summary") in titles
    assert ("atx", "3. Root cause") in titles
    assert ("numbered", "Five Whys") in titles
    assert ("label", "Timeline") in titles


def test_code_comments_links_and_inline_code_are_masked():
    doc = parse(DRAFT)
    assert doc.masked.count("careless") == 1  # only the block quote
    assert "kubectl" not in doc.masked
    assert "grafana.example" not in doc.masked
    assert "the dashboard" in doc.masked
    assert "stale" in doc.masked and "*stale*" not in doc.masked


def test_tables_are_linted_cell_by_cell():
    doc = parse(DRAFT)
    cells = [(b.row, b.col, DRAFT[b.start:b.end]) for b in doc.blocks if b.kind == TABLE_CELL]
    assert (0, 0, "Action") in cells
    assert (1, 1, "@mei") in cells
    assert doc.tables[1] == ["action", "owner"]


def test_block_quotes_are_linted_but_marked():
    doc = parse(DRAFT)
    quoted = [b for b in doc.blocks if b.quoted]
    assert quoted and "careless" in DRAFT[quoted[0].start:quoted[0].end]


def test_list_items_keep_continuation_lines():
    doc = parse(DRAFT)
    items = [DRAFT[b.start:b.end] for b in doc.blocks if b.kind == LIST_ITEM]
    assert any(item.startswith("14:02 page fired") and "acknowledged" in item for item in items)


def test_plain_text_email_draft():
    text = "Hi all,\n\nSummary: the API was down.\nTimeline:\n09:00 alert\n09:10 fixed\n\nThanks\n"
    doc = parse(text)
    assert heading_titles(doc) == [("label", "Summary"), ("label", "Timeline"), ("line", "Thanks")]
    assert any(b.kind == PARAGRAPH and text[b.start:b.end] == "the API was down." for b in doc.blocks)
    # a bare title line is a heading only when the section data lists its title
    assert [s.heading for s, _ in section_bodies(text)[0] if s.heading] == ["Summary", "Timeline"]


def test_a_request_in_a_pasted_chat_is_not_a_question_heading():
    text = "Notes\n\nSam, could you give us a summary on that?\n\nCan you share the timeline?\n\nWhat happened?\n"
    assert [t for style, t in heading_titles(parse(text)) if style == "question"] == ["What happened?"]


def test_capitalised_and_bare_title_lines():
    text = ("Report\n\nISSUE SUMMARY\n\nThe queue stalled for 20 minutes.\n\nROOT CAUSE\nA full disk on the broker.\n\n"
            "Fix\n\nWe moved the broker.\n\nThanks\n\nNEXT STEPS: we will add an alert.\n")
    doc = parse(text)
    assert ("caps", "ISSUE SUMMARY") in heading_titles(doc)
    assert ("caps", "ROOT CAUSE") in heading_titles(doc)
    cats = {s.heading: s.category for s, _ in section_bodies(text)[0] if s.heading}
    assert cats == {"ISSUE SUMMARY": "summary", "ROOT CAUSE": "root_cause", "Fix": "resolution", "NEXT STEPS": "action_items"}


def test_crlf_and_empty_input():
    doc = parse("# Title\r\n\r\nBody text.\r\n")
    assert [b.kind for b in doc.blocks] == [HEADING, PARAGRAPH]
    assert parse("").blocks == []


def test_broken_front_matter_is_reported_not_raised():
    doc = parse("---\ntitle: [unclosed\n---\n# Body\n")
    assert doc.metadata_error and "front matter" in doc.metadata_error


def test_bold_list_labels_questions_and_ordered_titles():
    text = ("# Incident 12\n\n- **Impact**: 5% of requests failed.\n- **Root cause:** a bad config.\n\n"
            "What happened?\n\nThe cache expired.\n\n1. Timeline\n2. Add a canary\n")
    doc = parse(text)
    titles = heading_titles(doc)
    assert ("list_label", "Impact") in titles and ("list_label", "Root cause") in titles
    assert ("question", "What happened?") in titles
    assert ("numbered", "Timeline") in titles
    body = next(b for b in doc.blocks if b.after_title is not None and text[b.start:b.end].startswith("5%"))
    assert body.kind == LIST_ITEM and text[body.after_title:].startswith("Impact")


def test_task_list_items_carry_their_state():
    text = "## Action items\n\n- [x] Add a gate (done)\n- [ ] Alert on lag\n"
    doc = parse(text)
    items = {text[b.start:b.end]: b.task for b in doc.blocks if b.kind == LIST_ITEM}
    assert items == {"Add a gate (done)": "done", "Alert on lag": "open"}
    assert "[x]" not in doc.masked


def test_commonmark_containers_nested_lists_quotes_and_lazy_lines():
    text = "> - quoted item\n>   more\n\n- outer\n  - inner *emphasis* and `code`\n\n    not code in a list\n"
    doc = parse(text)
    items = [(text[b.start:b.end], b.quoted) for b in doc.blocks if b.kind == LIST_ITEM]
    assert ("quoted item\n>   more", True) in items
    assert ("outer", False) in items
    assert any(t.startswith("inner") and not q for t, q in items)
    assert "emphasis" in doc.masked and "*emphasis*" not in doc.masked and "code" not in doc.masked.split("inner")[1].split("\n")[0]
    assert ">" not in doc.masked


def test_hostile_input_keeps_length_and_reads_nothing_as_markup():
    for text in ("[" * 3000, "<!-- a " * 500, "*a" * 2000, "# t" + " " * 3000 + "x\n", "[a](" * 1000):
        doc = parse(text)
        assert len(doc.masked) == len(text)


def test_comments_anywhere_are_recorded():
    text = "<!-- pmlint disable=PM101 -->\nText <!-- inline --> here.\n"
    doc = parse(text)
    assert [(text[s:e]) for s, e in doc.comments] == ["<!-- pmlint disable=PM101 -->", "<!-- inline -->"]
    assert "inline" not in doc.masked


# Forms met in drafts written in other voices (bench/drafts, measured with bench/eval_drafts.py);
# every text here is written for these tests.
def test_bold_labels_on_consecutive_lines_of_one_paragraph():
    text = ("# DNS outage\n\n**Date:** 2026-02-11\n**Summary:** resolvers answered NXDOMAIN for 50 minutes.\n"
            "**Impact:** CI failed for two rows of hosts.\n**Root causes:** the zone transfer was not finished.\n\n"
            "## Timeline\n\n- 10:02 change\n")
    doc = parse(text)
    assert heading_titles(doc)[1:5] == [("bold", "Date"), ("bold_line", "Summary"), ("bold_line", "Impact"),
                                        ("bold_line", "Root causes")]
    cats = {s.heading: s.category for s, _ in section_bodies(text)[0] if s.heading}
    assert cats["Summary"] == "summary" and cats["Impact"] == "impact" and cats["Root causes"] == "root_cause"
    assert "Date" not in cats  # a field of the header block, no section
    body = next(b for b in doc.blocks if b.after_title is not None and text[b.start:b.end].startswith("CI failed"))
    assert text[body.start:body.end] == "CI failed for two rows of hosts."


def test_bold_mid_paragraph_is_not_a_title():
    text = "We paged the on-call.\n**Impact:** was not known yet, and **Timeline:** came later.\n"
    titles = heading_titles(parse(text))
    assert ("bold", "Timeline") not in titles  # not at a line start


def test_bold_run_in_titles_that_end_with_a_stop():
    text = ("# Delayed notifications\n\n**What happened.** A consumer never acknowledged its messages.\n\n"
            "**Why it wasn't caught.** The queue alert counts new messages only.\n\n"
            "**What we're doing.**\n- Alert on the age of the oldest message.\n\n"
            "**Do not restart the broker.** It loses the lock.\n")
    doc = parse(text)
    assert ("bold_run_in", "What happened") in heading_titles(doc)
    cats = {s.heading: s.category for s, _ in section_bodies(text)[0] if s.heading}
    assert cats == {"Delayed notifications": None, "What happened": "summary", "Why it wasn't caught": "root_cause",
                    "What we're doing": "action_items"}  # a bold instruction with a stop is no title


def test_memo_run_in_titles_that_end_with_a_stop():
    text = ("MEMO\n\nExecutive summary. Card payments timed out for an hour on the busiest day.\n\n"
            "Cause. The pool to the fraud vendor was a fixed size.\n\nNext steps.\n• Scale the pool with the instances.\n\n"
            "Thanks. We will follow up next week.\n")
    doc = parse(text)
    assert ("run_in", "Executive summary") in heading_titles(doc)
    cats = {s.heading: s.category for s, _ in section_bodies(text)[0] if s.heading}
    assert {k: v for k, v in cats.items() if v} == {"Executive summary": "summary", "Cause": "root_cause",
                                                     "Next steps": "action_items"}
    assert "Thanks" not in cats  # a short sentence whose word no section lists stays text
    assert not [h for h in parse("Ms. Ada Obi applied the patch.\n\nSt. Louis lost power.\n").headings if h.style == "run_in"]


def test_key_value_table_rows_name_sections():
    text = ("# Docs assistant cited old pages\n\n| Date | 2026-11-18 |\n| --- | --- |\n"
            "| Summary | The assistant cited deprecated pages for three weeks. |\n"
            "| Impact | 7,000 answers; 60 partners started on the old API. |\n"
            "| Root Causes | Archived pages stayed in the index. |\n\n"
            "## Action items\n\n| Action | Owner |\n| --- | --- |\n| Detection | Alert on deprecated citations |\n")
    doc = parse(text)
    assert ("cell", "Summary") in heading_titles(doc) and ("cell", "Date") in heading_titles(doc)
    from analyzer import analyze

    report = analyze(text)
    headings = {name: hit.heading for name, hit in report.sections.items() if hit is not None and hit.source == "heading"}
    assert headings["summary"] == "Summary" and headings["impact"] == "Impact" and headings["root_cause"] == "Root Causes"
    assert "detection" not in headings  # a row of a table under a mapped section is that section's content
    wide = "| Summary | Impact | Owner |\n| --- | --- | --- |\n| Timeline | a | b |\n"
    assert not [h for h in parse(wide).headings if h.style == "cell"]  # only two-column tables are key-value tables


def test_bold_label_lines_under_a_mapped_section_stay_its_content():
    text = ("# Outage\n\n## Timeline\n\n- 10:45 deploy\n- 16:11 fixed\n\n**Total duration:** 5 hours\n"
            "**Detection delay:** 4 hours\n\n## Impact\n\n300 teams saw errors.\n")
    from analyzer import analyze

    assert analyze(text).sections["detection"] is None  # a field of the timeline, not a detection section
