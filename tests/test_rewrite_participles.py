"""Past participles for the blameless rewrites, from the shipped table (no lemminflect at run time)."""

from __future__ import annotations

import pytest

from analyzer.judging.rules.rewrite import _participles, regular_vbn, vbn


@pytest.mark.parametrize("lemma,participle", [
    ("renew", "renewed"), ("retry", "retried"), ("delete", "deleted"), ("deploy", "deployed"),
    ("spin", "spun"), ("forget", "forgotten"), ("have", "had"), ("run", "run"), ("write", "written"),
    ("commit", "committed"), ("ship", "shipped"), ("plan", "planned"), ("open", "opened"), ("offer", "offered"),
])
def test_participles(lemma, participle):
    assert vbn(lemma) == participle


def test_the_table_holds_only_what_the_regular_rule_gets_wrong():
    table = _participles()
    assert len(table) > 500
    assert all(regular_vbn(lemma) != form for lemma, form in table.items())


def test_the_table_agrees_with_lemminflect_for_every_verb_it_knows():
    lemminflect = pytest.importorskip("lemminflect")
    tools = pytest.importorskip("tools.make_participles", reason="run from the checkout")
    wrong = [(v, vbn(v), f[0]) for v in tools.verbs() if (f := lemminflect.getInflection(v, tag="VBN")) and vbn(v) != f[0]]
    assert not wrong, f"{len(wrong)} participles differ from lemminflect (rerun tools/make_participles.py): {wrong[:5]}"
