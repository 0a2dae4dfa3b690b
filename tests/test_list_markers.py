"""List markers CommonMark does not know (bullet characters, lettered and decimal-numbered items)
are read as lists, with every offset in the original text; look-alikes stay text."""

from __future__ import annotations

import pytest

from analyzer.reading.document import LIST_ITEM
from analyzer.reading.markdown import list_markers, parse


def items(text: str) -> list[str]:
    doc = parse(text)
    return [text[b.start:b.end] for b in doc.blocks if b.kind == LIST_ITEM]


@pytest.mark.parametrize("text,expected", [
    ("## Follow-ups\n\n• Add a schema check to the deploy job\n• Restart the workers\n",
     ["Add a schema check to the deploy job", "Restart the workers"]),
    ("Follow-ups\n\na) Add a schema check to the deploy job.\nb) Restart the workers.\n(c) Page the owner.\n",
     ["Add a schema check to the deploy job.", "Restart the workers.", "Page the owner."]),
    ("## 5. Follow-ups\n\n5.1 Add a schema check to the deploy job before merge.\n\n"
     "5.2 Page the owner when the queue lag exceeds five minutes.\n",
     ["Add a schema check to the deploy job before merge.", "Page the owner when the queue lag exceeds five minutes."]),
])
def test_word_processor_and_plain_text_lists_are_lists(text, expected):
    assert len(list_markers(text)) == len(text)
    assert items(text) == expected


@pytest.mark.parametrize("text", [
    "The upgrade went from\n1.11 to 1.13. The build cluster has 150 nodes and more.\n",  # a version, not an item
    "## Lessons\n\n3.2 What went poorly in the response and why?\n",                      # a numbered heading
    "Options considered:\na) roll back the release at once\n",                            # one letter is no list
    "```\n• a bullet in code stays code\n```\n",
])
def test_look_alikes_and_code_are_left_alone(text):
    assert list_markers(text) == text


def test_a_memo_title_alone_on_its_line_heads_the_list_below():
    text = "Next steps.\n• Add a saturation alert on every connection pool\n• Load test at four times the peak\n"
    doc = parse(text)
    titles = [text[h.title_start:h.title_end] for h in doc.headings]
    assert "Next steps" in titles
    assert items(text) == ["Add a saturation alert on every connection pool", "Load test at four times the peak"]
