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
