"""The AI/ML profile comes from what the incident is about, not from words; front matter overrides."""

from __future__ import annotations

import pytest

from analyzer.judging.profile import is_ai_incident

NOT_AI = {
    "kube-state-metrics labels": (
        "kube-state-metrics exported every pod label as a metric label. The labels exploded the series count, "
        "Prometheus ran out of memory, and the label allowlist was empty. We added a label allowlist and an alert "
        "on series count. Labels on nodes and pods are now filtered; the model of the scrape config is unchanged."),
    "data drift between MySQL stores": (
        "Data drift between the primary MySQL store and the replica went unnoticed for a week: rows updated "
        "through the legacy path never reached the replica. The drift check compared row counts only. "
        "We now compare checksums per table and alert when the drift exceeds 0.1% of rows."),
    "feature-flag service outage": (
        "The feature flag service ran out of Redis connections and every feature flag evaluation fell back to "
        "defaults. Features behind flags disappeared for 40 minutes. Feature flags are now cached at the edge."),
    "LLM as a network monitor": (
        "Our LLM (lossy link monitor) flagged the spine links, and the LLM alert paged the network on-call. "
        "The LLM threshold was too low for the storage traffic pattern; the LLM now uses a per-link baseline."),
    "supply-chain attack on an ML library": (
        "A compromised release of a machine learning library on the package index ran a post-install script "
        "that read SSH keys from developer machines. We pinned hashes for every dependency and rotated keys."),
    "compromised ML tooling dependency, ML denied": (
        "A hijacked maintainer account published a poisoned release of a deep learning framework that our "
        "machine learning tooling depends on. CI jobs installed it and its setup script posted environment "
        "variables to an outside host. No model, training run or prediction service was involved: the package "
        "was installed only to run unit tests. We rotated the CI secrets and now install from hashed lock files."),
    "a score that is not a model": (
        "The campaign scheduler sent the newsletter twice after a cache failover lost its lock. Audiences come "
        "from a weekly engagement score; this has nothing to do with the score or any model training. The send "
        "is now recorded in the database with a unique key."),
    "agents and features": (
        "The deploy agents on each host lost their connection to the coordinator. Agents retried every second, "
        "the coordinator saturated, and new features could not ship for an hour. Agents now back off."),
}

AI = {
    "spam classifier threshold": (
        "The spam classifier threshold was lowered in a config change. The classifier then flagged legitimate "
        "mail as spam for six hours; the classifier had no canary. The model was rolled back. We added a holdout "
        "check for the classifier."),
    "retrain on a partial snapshot": (
        "The nightly retrain of the ranking model read a partial feature snapshot; feature drift (PSI 0.4) went "
        "unnoticed and recommendations degraded. The model version was rolled back and the training data gated."),
    "support chatbot": (
        "The support chatbot told customers refunds take 90 days after a prompt change. The prompt template had "
        "no eval before release; answers were wrong for six hours. Prompt changes now go through the eval suite."),
    "LLM answers": (
        "After the fine-tuning run, the LLM started to hallucinate order numbers. The training data held "
        "synthetic orders, and the evaluation set had none of them. Inference was switched to the previous weights."),
    "anomaly detector without holidays": (
        "The metric anomaly detector forecasts every series from an eight-week training window. A public "
        "holiday was not in that window and the model has no calendar feature, so it paged 140 times. We will "
        "add a holiday feature and retrain on a longer window."),
    "RAG assistant citing old pages": (
        "The docs assistant, a retrieval-augmented LLM, cited deprecated API pages for three weeks: the "
        "retriever ranked the archived pages first. We now drop deprecated pages from the index and run a "
        "golden set of questions against the assistant on every rebuild."),
    "defect-detection model after a camera change": (
        "The defect-detection model on line 3 flagged good parts as defective after a camera firmware update "
        "changed image brightness. The model was trained on images from the old cameras, so its predictions "
        "shifted; accuracy on a fresh sample fell from 97% to 71%. We rolled back the firmware."),
    "lead-scoring model predictions": (
        "Our lead-scoring model gave every lead from the new web form a score of zero: the form sent company size "
        "as text. The model's predictions were logged but nobody watched their distribution; 4,000 leads were "
        "ignored. We now alert on the share of zero scores."),
    "system prompt change": (
        "The support assistant answered Spanish questions in English after a system prompt change dropped the "
        "line about the user's language. We restored the old prompt and added language checks to the eval suite."),
}


@pytest.mark.parametrize("name", sorted(NOT_AI))
def test_words_do_not_make_an_ai_incident(name):
    assert not is_ai_incident(NOT_AI[name])


@pytest.mark.parametrize("name", sorted(AI))
def test_an_ml_system_behaviour_is_an_ai_incident(name):
    assert is_ai_incident(AI[name])


def test_front_matter_overrides():
    from analyzer import analyze

    text = "---\nprofile: ai\n---\n# Disk full\n\n## Summary\n\nThe disk filled up.\n"
    assert analyze(text).ai_incident is True
    text = "---\nprofile: general\n---\n# Retrain\n\n" + AI["retrain on a partial snapshot"] + "\n"
    assert analyze(text).ai_incident is False
