"""Mechanisms within the cause classes: the catalogue, how a document's mechanism is chosen, and the
labels ("<cause class>: <mechanism> (missing: <guardrail>)", or the class alone, never a guessed phrase)."""

from __future__ import annotations

import random
import re

import pytest

from analyzer.archive.clustering import CauseDocument
from analyzer.archive.mechanisms import candidates, count_statements, load_mechanisms, parse_mechanisms
from analyzer.archive.recurring import MIN_RECURRING, build_model
from analyzer.archive.taxonomy import OTHER, default_classifier, load_taxonomy
from analyzer.errors import ConfigError

VENDORS = re.compile(r"\b(?:aws|azure|google|amazon|microsoft|github|cloudflare|tesla|openai|chatgpt|facebook|meta)\b", re.I)


def test_the_catalogue_names_mechanisms_of_known_classes_in_a_reviewers_words():
    mechanisms = load_mechanisms()
    classes = {c.id for c in load_taxonomy()}
    assert len({m.id for m in mechanisms}) == len(mechanisms) >= 60
    assert {m.cause_class for m in mechanisms} <= classes
    for m in mechanisms:
        assert not VENDORS.search(m.name), m.name  # never a vendor or product name
        assert 2 <= len(m.name.split()) <= 12 and m.name == m.name.strip()
        assert set(m.also) <= classes - {OTHER}
        if m.cause_class == OTHER:
            assert m.cause and m.guardrail
    # every class that causes incidents has mechanisms to split it by (skew is too rare to split)
    assert classes - {m.cause_class for m in mechanisms} <= {OTHER, "ai_training_serving_skew"}


@pytest.mark.parametrize("statement, mechanism", [
    ("The service ran out of memory because a cache kept every response.", "memory_leak"),
    ("The TLS certificate on the gateway expired overnight.", "tls_cert_expired"),
    ("Clients retried immediately without backoff and the database fell over.", "retries_no_backoff"),
    ("Two writers raced on the same row: a race condition nobody had tested.", "race_condition"),
    ("A deepfake video of the mayor was used to ask residents for money.", "synthetic_media"),
    ("The face recognition system produced a false match and the man was arrested.", "face_recognition_match"),
])
def test_cues_find_the_mechanism_a_statement_states(statement: str, mechanism: str):
    assert mechanism in count_statements(load_mechanisms(), [statement])


def test_a_bad_catalogue_entry_is_a_config_error():
    with pytest.raises(ConfigError):
        parse_mechanisms({"capacity_limit": [{"id": "x", "name": "a name", "cues": ["(unclosed"]}]}, "test")
    with pytest.raises(ConfigError):
        parse_mechanisms({"capacity_limit": [{"id": "x", "name": "a name", "cues": ["a"], "colour": "red"}]}, "test")
    with pytest.raises(ConfigError):  # a mechanism outside the classes must say its cause and guardrail
        parse_mechanisms({OTHER: [{"id": "x", "name": "a name", "cues": ["a"]}]}, "test")


def test_an_abstained_document_may_join_only_the_specific_mechanisms():
    mechanisms = load_mechanisms()
    open_ones = candidates(mechanisms, OTHER)
    assert open_ones and all(m.open for m in open_ones)
    assert "release_everywhere" not in {m.id for m in open_ones}  # "a deploy" alone says no cause
    assert {m.cause_class for m in candidates(mechanisms, "capacity_limit")} == {"capacity_limit"}


LEAK = "The {svc} workers leaked memory on every request until they ran out of memory and were killed."
DISK = "The {svc} hosts ran out of disk space because logs were never rotated, so writes failed."
VAGUE = "A resource leak in the {svc} service slowly exhausted the nodes until they stopped serving."
SERVICES = ["billing", "search", "checkout", "ledger", "inbox", "upload", "profile", "export"]


def _doc(i: int, statement: str) -> CauseDocument:
    svc = SERVICES[i % len(SERVICES)]
    return CauseDocument(f"d{i:02d}.md", f"{svc} outage", f"202{i % 4}-0{i % 9 + 1}-01", statement.format(svc=svc),
                         f"h{i}", [statement.format(svc=svc)])


def _archive() -> list[CauseDocument]:
    docs = [_doc(i, LEAK) for i in range(5)] + [_doc(5 + i, DISK) for i in range(4)]
    return docs + [_doc(9, DISK)]


def test_a_class_is_split_by_the_mechanism_its_statements_state():
    model = build_model(_archive(), default_classifier())
    labels = {c.mechanism: c for c in model.clusters}
    leak = labels["memory leak or memory exhaustion"]
    disk = labels["disk or inode exhaustion"]
    assert leak.size == 5 and disk.size == 5
    assert leak.label == ("resource leak or exhaustion: memory leak or memory exhaustion "
                          "(missing: resource limits, leak detection, quotas per job)")
    assert "leaked memory" in leak.representatives[0]["statement"]


def test_a_mechanism_stated_by_too_few_incidents_falls_back_to_the_class_alone():
    docs = [_doc(i, LEAK) for i in range(2)] + [_doc(2 + i, VAGUE) for i in range(3)]
    model = build_model(docs, default_classifier())
    classes = {model.assignments[i].cause_class for i in range(len(docs))}
    assert classes == {"resource_leak_exhaustion"}
    [cluster] = model.clusters
    assert cluster.size == 5 and cluster.mechanism is None  # two leaks are not a recurring mechanism
    assert cluster.label == "resource leak or exhaustion (missing: resource limits, leak detection, quotas per job)"
    assert all(c.size >= MIN_RECURRING for c in model.clusters)


def test_mechanisms_do_not_depend_on_order_and_a_new_incident_lands_with_its_mechanism():
    docs = _archive()
    first = build_model(docs, default_classifier())
    shuffled = docs[:]
    random.Random(7).shuffle(shuffled)
    again = build_model(shuffled, default_classifier(), seed=7)
    assert [c.to_dict() for c in again.clusters] == [c.to_dict() for c in first.clusters]
    _a, cid, _f = first.place("cache outage", [LEAK.format(svc="cache")])
    assert first.clusters[cid].mechanism == "memory leak or memory exhaustion"
    for doc, statements, cid in zip(first.documents, first.statements, first.cluster_of):
        assert first.place(doc.title, statements, doc.evidence, doc.cause)[1] == cid
