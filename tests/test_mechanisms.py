"""Mechanisms within the cause classes: the catalogue, how a document's mechanism is chosen, and the
labels ("<cause class>: <mechanism> (missing: <guardrail>)", or the class alone, never a guessed phrase)."""

from __future__ import annotations

import random
import re

import pytest

from analyzer.archive.cause_report import CauseResult
from analyzer.archive.clustering import CauseDocument
from analyzer.archive.mechanisms import count_statements, foreign_mechanisms, load_mechanisms, own_mechanisms, parse_mechanisms
from analyzer.archive.recurring import build_model
from analyzer.archive.taxonomy import OTHER, Assignment, load_taxonomy
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
    open_ones = own_mechanisms(mechanisms, OTHER)
    assert open_ones and all(m.open for m in open_ones) and not foreign_mechanisms(mechanisms, OTHER)
    assert "release_everywhere" not in {m.id for m in open_ones}  # "a deploy" alone says no cause
    assert {m.cause_class for m in own_mechanisms(mechanisms, "capacity_limit")} == {"capacity_limit"}
    foreign = foreign_mechanisms(mechanisms, "capacity_limit")
    assert foreign and all(m.open and m.cause_class != "capacity_limit" for m in foreign)


class FixedClassifier:
    """The taxonomy's classes, but a document's class given by the test (the first rule whose words
    its statements contain), so that these tests cover the mechanisms, not the classifier."""

    def __init__(self, rules: list[tuple[str, str]]) -> None:
        self.rules = rules
        self.by_id = {c.id: c for c in load_taxonomy()}

    def predict_proba(self, statements):  # noqa: ANN001, ANN201
        return [None] * len(statements)

    def assign(self, statements, proba=None, *, evidence=()):  # noqa: ANN001, ANN201
        text = " ".join(statements)
        cls = next((c for words, c in self.rules if words in text), OTHER)
        return Assignment(cls, 0.0 if cls == OTHER else 0.9, best_statement=0 if statements else None)


LEAK = "The {svc} workers leaked memory on every request until they ran out of memory and were killed."
DISK = "The {svc} hosts ran out of disk space because logs were never rotated, so writes failed."
VAGUE = "A resource in the {svc} service was slowly exhausted until the nodes stopped serving."
CRASH = "A defect in the {svc} parser crashed the workers after they ran out of memory."
SERVICES = ["billing", "search", "checkout", "ledger", "inbox", "upload", "profile", "export"]
CLASSES = FixedClassifier([("defect", "latent_software_bug"), ("deepfake", OTHER), ("", "resource_leak_exhaustion")])


def _doc(i: int, *statements: str) -> CauseDocument:
    svc = SERVICES[i % len(SERVICES)]
    ss = [s.format(svc=svc) for s in statements]
    return CauseDocument(f"d{i:02d}.md", f"{svc} outage", f"202{i % 4}-0{i % 9 + 1}-01", " ".join(ss), f"h{i}", ss)


def _archive() -> list[CauseDocument]:
    return [_doc(i, LEAK) for i in range(5)] + [_doc(5 + i, DISK) for i in range(5)]


def test_a_class_is_split_by_the_mechanism_its_statements_state():
    model = build_model(_archive(), CLASSES)
    labels = {c.mechanism: c for c in model.clusters}
    leak = labels["memory leak or memory exhaustion"]
    disk = labels["disk or inode exhaustion"]
    assert leak.size == 5 and disk.size == 5
    assert leak.label == ("resource leak or exhaustion: memory leak or memory exhaustion "
                          "(missing: resource limits, leak detection, quotas per job)")
    assert "leaked memory" in leak.representatives[0]["statement"]


def test_a_mechanism_stated_by_too_few_incidents_falls_back_to_the_class_alone():
    model = build_model([_doc(i, LEAK) for i in range(2)] + [_doc(2 + i, VAGUE) for i in range(3)], CLASSES)
    [cluster] = model.clusters
    assert cluster.size == 5 and cluster.mechanism is None  # two leaks are not a recurring mechanism
    assert cluster.label == "resource leak or exhaustion (missing: resource limits, leak detection, quotas per job)"


def test_mechanisms_do_not_depend_on_order_and_a_new_incident_lands_with_its_mechanism():
    docs = _archive()
    first = build_model(docs, CLASSES)
    shuffled = docs[:]
    random.Random(7).shuffle(shuffled)
    again = build_model(shuffled, CLASSES, seed=7)
    assert [c.to_dict() for c in again.clusters] == [c.to_dict() for c in first.clusters]
    _a, cid, _f = first.place("cache outage", [LEAK.format(svc="cache")])
    assert first.clusters[cid].mechanism == "memory leak or memory exhaustion"
    for doc, statements, cid in zip(first.documents, first.statements, first.cluster_of):
        assert first.place(doc.title, statements, doc.evidence, doc.cause)[1] == cid


def test_another_classs_specific_mechanism_moves_a_document_only_when_stated_twice():
    once = [_doc(10 + i, CRASH) for i in range(3)]
    twice = [_doc(20 + i, CRASH, "A latent defect in the {svc} parser leaked memory on every request.") for i in range(3)]
    model = build_model([_doc(i, LEAK) for i in range(3)] + once + twice, CLASSES)
    leaks = next(c for c in model.clusters if c.mechanism == "memory leak or memory exhaustion")
    assert leaks.paths == sorted(d.path for d in [*model.documents[:3], *twice])  # one passing mention is not the cause
    assert {model.assignments[i].cause_class for i in range(3, 9)} == {"latent_software_bug"}  # the class is unchanged


def test_an_abstained_document_joins_a_specific_mechanism_and_the_label_names_its_own_cause():
    fakes = [_doc(i, "A deepfake video of the {svc} director asked staff to wire money.") for i in range(3)]
    model = build_model(fakes + _archive(), CLASSES)
    fake = next(c for c in model.clusters if c.cause_class == OTHER)
    assert fake.size == 3 and fake.label == ("AI system open to deliberate misuse: synthetic media impersonating real "
                                             "people (missing: consent checks, provenance marks and abuse detection)")
    md = CauseResult(model).to_markdown()
    assert "`other` (a cause outside the taxonomy, named in the label)" in md
    assert "**mechanism:** – (the class alone)" not in md and "**mechanism:** memory leak or memory exhaustion" in md
