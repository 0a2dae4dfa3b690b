"""`similar`'s ranking: the same class counts in proportion to the past incident's own confidence."""

from __future__ import annotations

from dataclasses import replace

from analyzer.archive.clustering import CauseDocument
from analyzer.archive.recurring import build_model
from analyzer.archive.similar import CLASS_WEIGHT, WORDING_WEIGHT, pair_score, rank
from analyzer.archive.statements import cause_statements
from analyzer.archive.taxonomy import default_classifier

CERT = ("# Portal sign-in outage\n\n## Root cause\n\nThe TLS certificate of the sign-in endpoint expired because its "
        "renewal was a manual yearly task, and nothing alerted before the expiry date.\n")
QUOTA = ("# Upload failures\n\n## Root cause\n\nUploads failed when the storage account reached its request quota, "
         "a limit nobody had reviewed since launch while traffic tripled.\n")


def test_pair_score_weighs_the_same_class_by_the_neighbours_confidence():
    assert pair_score(True, 0.9, False, 0.0) > pair_score(True, 0.3, False, 0.0)
    # the same class at the lowest confidence still counts half of the class weight: class first
    assert pair_score(True, 0.0, False, 0.0) == CLASS_WEIGHT / 2 >= pair_score(False, 1.0, False, 1.0) == WORDING_WEIGHT
    assert pair_score(True, 5.0, False, 0.0) == CLASS_WEIGHT  # confidence is capped at 1
    assert pair_score(False, 0.9, False, 0.0) == 0.0


def test_a_confidently_assigned_neighbour_ranks_before_an_unsure_one_with_the_same_words():
    # one folder per incident: the same sentence in several documents of one folder would be boilerplate
    texts = {f"team{i}/cert-{i}.md": CERT for i in range(4)} | {f"team{i}/quota-{i}.md": QUOTA for i in range(3)}
    docs = [CauseDocument(path, path, None, "", f"h{i}", [s for _a, _b, s in cause_statements(text)[0]])
            for i, (path, text) in enumerate(sorted(texts.items()))]
    model = build_model(docs, default_classifier())
    assert {a.cause_class for a, d in zip(model.assignments, model.documents) if "cert" in d.path} == {"cert_credential_expiry"}
    # identical statements, so identical wording and cause: only the neighbours' confidence differs
    order = {d.path: i for i, d in enumerate(model.documents)}
    for i, confidence in enumerate((0.2, 0.5, 0.4, 0.95)):
        at = order[f"team{i}/cert-{i}.md"]
        model.assignments[at] = replace(model.assignments[at], confidence=confidence)
    placement, found = rank(model, "Sign-in down", [s for _a, _b, s in cause_statements(CERT)[0]], k=4)
    assert placement.cause_class == "cert_credential_expiry"
    paths = [n.path for n in found]
    assert paths == ["team3/cert-3.md", "team1/cert-1.md", "team2/cert-2.md", "team0/cert-0.md"]
