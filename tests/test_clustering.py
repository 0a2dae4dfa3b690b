"""The word-space method (cause text, surface removal, LSA, k-means: `analyzer.archive.clustering`),
kept as the comparison in bench/eval_clusters.py; the cause-class method is in test_causes.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.archive.causes import _raw_tokens, cause_clauses, cause_text, missing_guardrails, proper_nouns
from analyzer.archive.clustering import CauseDocument, CauseSpace, cluster_archive, cluster_documents

GOLDEN = Path(__file__).parent / "golden" / "archive"

# Two recurring causes, each told by different companies about different services: the clusters
# must follow the cause, not the company or the service.
COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark"]
CERT = (
    "{co} {svc} outage on {date}. The TLS certificate for {host} expired because the renewal was a "
    "manual yearly task. There was no automated renewal and no expiry monitoring, so nobody noticed "
    "until clients failed the TLS handshake. The expired certificate was renewed by hand."
)
CONFIG = (
    "{co} {svc} outage on {date}. A configuration change was pushed to every region at once without a "
    "staged rollout. The bad configuration change disabled the routing layer and there was no canary, "
    "so the global push reached all servers before the error rate alert fired; we rolled back the change."
)
SERVICES = ["Payments API", "Checkout", "Search", "Mailer", "Ledger", "Billing"]


def _docs() -> list[CauseDocument]:
    docs = []
    for i, co in enumerate(COMPANIES):
        for kind, template in (("cert", CERT), ("config", CONFIG)):
            text = template.format(co=co, svc=SERVICES[i], date=f"2023-0{i + 1}-1{i}", host=f"api{i}.{co.lower()}.com")
            docs.append(CauseDocument(f"{kind}-{co.lower()}.md", f"{co} {SERVICES[i]} incident", f"202{i % 3 + 1}-0{i + 1}-01", text))
    return docs


def test_cause_text_prefers_the_cause_sections():
    text = (
        "# Checkout outage\n\n## Summary\nCheckout was down for an hour for all customers in Europe.\n\n"
        "## Root cause\nA database migration locked the orders table because the migration was not tested "
        "against production-sized data and had no timeout on the lock it took.\n\n"
        "## Lessons learned\nMigrations need a rehearsal on a copy of production data before they run.\n"
    )
    cause, source = cause_text(text)
    assert source == "sections"
    assert "migration locked the orders table" in cause and "Migrations need a rehearsal" in cause
    assert "Europe" not in cause


def test_cause_text_falls_back_to_the_whole_text_and_drops_template_fields():
    text = (
        "# Robot drove into a fountain\n\nA security robot drove itself into a fountain.\n\n"
        "Alleged deployer of AI system: acme-robotics\nSource: AI Incident Database, incident 68 (https://x.test/68)\n"
    )
    cause, source = cause_text(text)
    assert source == "whole"
    assert "Robot drove into a fountain" in cause and "fountain" in cause
    assert "acme-robotics" not in cause and "x.test" not in cause


def test_surface_is_removed_from_the_cause_words():
    space = CauseSpace(_docs())
    proper = space.proper  # learnt from the titles and cause texts together
    assert {"acme", "globex", "checkout", "ledger"} <= proper
    tokens = [_raw_tokens(d.cause) for d in _docs()]
    words = {w for toks in tokens for clause in cause_clauses(toks, proper) for w in clause}
    assert "certificate" in words and "rollout" in words and "tls" in words
    assert not words & {"acme", "globex", "hooli", "com", "july"}
    assert not any(ch.isdigit() for w in words for ch in w)
    assert proper_nouns([_raw_tokens("We use Kafka. Kafka lagged. The Kafka cluster and kafka topics.")]) == frozenset()


def test_missing_guardrails():
    assert missing_guardrails("The change went out without a staged rollout.") == {"staged rollout"}
    assert "automated renewal" in missing_guardrails("There was no automated renewal for the certificate.")
    assert missing_guardrails("We have a canary stage and it worked.") == set()


def test_clusters_follow_the_cause_not_the_company():
    result = cluster_documents(_docs(), seed=0)
    assert result.k == 2
    groups = sorted(sorted(p.split("-")[0] for p in c.paths) for c in result.clusters)
    assert groups == [["cert"] * 6, ["config"] * 6]
    by_kind = {c.paths[0].split("-")[0]: c for c in result.clusters}
    cert, config = by_kind["cert"], by_kind["config"]
    assert cert.label.endswith("without automated renewal")
    assert "configuration change" in config.label
    assert config.missing_guardrail == "staged rollout"
    assert cert.missing_guardrail in ("automated renewal", "expiry monitoring")
    for c in result.clusters:
        assert c.size == 6 and len(c.representatives) == 3
        assert not any(co.lower() in " ".join(c.key_phrases).lower() for co in COMPANIES)
        assert c.start == "2021-01-01" and c.end == "2023-06-01" and sum(c.per_period.values()) == 6


def test_clustering_is_deterministic_for_a_seed():
    a = cluster_documents(_docs(), seed=3).to_dict()
    b = cluster_documents(list(reversed(_docs())), seed=3).to_dict()
    assert a == b


def test_cluster_outputs_json_and_markdown_golden():
    result = cluster_documents(_docs(), seed=0)
    data = json.loads(json.dumps(result.to_dict()))
    assert {"method", "documents", "k", "clusters"} <= set(data)
    assert set(data["clusters"][0]) >= {"id", "label", "size", "paths", "representatives", "start", "end",
                                        "per_period", "missing_guardrail", "key_phrases"}
    expected = (GOLDEN / "clusters.md").read_text(encoding="utf-8")
    assert result.to_markdown() == expected


def test_cluster_archive_on_a_folder(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    for d in _docs():
        (archive / d.path).write_text(f"# {d.title}\n\n{d.cause}\n", encoding="utf-8")
    store = tmp_path / "store.sqlite"
    result = cluster_archive(archive, store=store, seed=0)
    assert result.n_documents == 12 and len(result.clusters) == 2


@pytest.mark.corpus
def test_cluster_a_corpus_sample(corpus_dir, tmp_path):
    from analyzer.config import load_config

    config = load_config(overrides={"archive": {"include": ["documents/00[0-4]?.md"]}})
    result = cluster_archive(corpus_dir, config=config, store=tmp_path / "s.sqlite", seed=0)
    assert result.n_documents == 49  # 0001..0049
    assert sum(c.size for c in result.clusters) == 49
    assert all(c.label for c in result.clusters)
