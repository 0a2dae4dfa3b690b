"""Cause statements, boilerplate, the cause taxonomy, recurring causes and similar-by-cause."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from analyzer.archive.cause_report import cluster_archive, cluster_causes
from analyzer.archive.clustering import CauseDocument
from analyzer.archive.statements import cause_statements, drop_boilerplate, learn_boilerplate
from analyzer.judging.cause_statements import template_field
from analyzer.archive.similar import similar, similar_with_placement
from analyzer.archive.taxonomy import OTHER, CauseClassifier, default_classifier, load_taxonomy, training_statements
from analyzer.errors import ConfigError

TAXONOMY_IDS = """change_without_staged_rollout cert_credential_expiry capacity_limit dependency_failure
schema_data_contract_change missing_input_validation retry_storm_overload manual_operation_unsafe alerting_gap
single_point_of_failure resource_leak_exhaustion time_clock_dst credential_leak_compromise latent_software_bug
hardware_infrastructure_failure ai_training_data_quality ai_feature_drift ai_training_serving_skew ai_feedback_loop
ai_model_rollout_ungated ai_llm_ungrounded_output other""".split()

COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark"]
CERT = ("# {co} login outage\n\n## Summary\n\nLogin was down for two hours.\n\n## Root cause\n\n"
        "The TLS certificate for the {co} login endpoint expired because its renewal was a manual yearly task. "
        "There was no automated renewal and no expiry alerting, so clients failed the handshake.\n")
CONFIG = ("# {co} routing outage\n\n## Summary\n\nRequests failed for forty minutes.\n\n## Root cause\n\n"
          "A configuration change to the {co} router was pushed to every region at once without a staged rollout or canary. "
          "The bad routing configuration reached all servers before anyone could roll it back.\n")
BOILER = "Read the full report on the {co} engineering blog for more details about our rollout process."


def _texts() -> dict[str, str]:
    out = {}
    for co in COMPANIES:
        out[f"cert-{co.lower()}.md"] = CERT.format(co=co)
        out[f"config-{co.lower()}.md"] = CONFIG.format(co=co)
    return out


def _docs(texts: dict[str, str]) -> list[CauseDocument]:
    docs = []
    for i, (path, text) in enumerate(sorted(texts.items())):
        statements = [s for _a, _b, s in cause_statements(text)[0]]
        docs.append(CauseDocument(path, path.split(".")[0], f"202{i % 4}-01-0{i % 9 + 1}", "", f"h{i}", statements))
    return docs


# ----------------------------------------------------------------- extraction


def test_statements_come_from_the_cause_sections_with_offsets():
    text = CERT.format(co="Acme")
    statements, source = cause_statements(text)
    assert source == "sections"
    assert [s for _a, _b, s in statements][0].startswith("The TLS certificate for the Acme login endpoint expired")
    assert all(text[a:b].split() == s.split() for a, b, s in statements)
    assert not any("Login was down" in s for _a, _b, s in statements)  # the summary is not a cause


def test_statements_fall_back_to_the_whole_text_and_skip_fields_and_chrome():
    text = ("# Robot in a fountain\n\nA delivery robot drove into a fountain because its camera could not see "
            "the water edge.\n\n5 min read\n\nAlleged deployer of AI system: acme-robotics, initech\n"
            "Alleged harmed or nearly harmed parties: pedestrians, city-of-springfield\n")
    statements, source = cause_statements(text)
    assert source == "whole"
    sentences = [s for _a, _b, s in statements]
    assert sentences == ["A delivery robot drove into a fountain because its camera could not see the water edge."]


@pytest.mark.parametrize("line", [
    "Alleged deployer of the system: northwind-logistics-inc., contoso-ltd.",  # ends with a full stop
    "Alleged deployer of the robot: samuel-q.-jr.",  # one identifier, full stop included
    "Systems that failed: " + ", ".join(f"fare-gate-{i}" for i in range(20)),  # longer than twelve words
    "Deployed by: Northwind Traders, Contoso Pharmacy, Fabrikam Bank and City of Springfield.",
    "Severity: high for two regions",
])
def test_an_export_template_field_line_is_never_a_statement(line: str):
    assert template_field(line)
    text = f"# A drone lost its link\n\nA drone fell on a car park because its failsafe did not trigger.\n\n{line}\n"
    assert [s for _a, _b, s in cause_statements(text)[0]] == [
        "A drone fell on a car park because its failsafe did not trigger."]


@pytest.mark.parametrize("line", [
    "Contributing factors: no canary, no alerting, manual deploy",  # a section named inline
    "Trigger points: no canary stage, missing expiry alert, retries without backoff.",  # items state mechanisms
    "Why it happened: the certificate expired, renewal was manual.",
    "Impact in short: riders in two cities could not pay because the fare service failed.",  # a clause
    "After the page at 6:38 PM, engineers rolled back and tested a fix.",  # a time's colon is not a field
])
def test_a_label_followed_by_a_clause_or_mechanisms_is_kept(line: str):
    assert not template_field(line)


def test_a_sentence_wrapped_over_blank_lines_stays_one_statement():
    """A page whose every line was exported as a paragraph: the indented lower-case lines go on
    with the sentence before; a heading, a list item or a finished sentence still ends a block."""
    text = ("# Queue outage\n\nThe message broker ran out of disk because the retention job\n\n had been "
            "disabled during the migration and nobody\n\n noticed the warnings.\n\n## Actions\n\n"
            "- alert on broker disk use\n\nThe standby was not promoted\n\n- add a failover drill\n")
    sentences = [s for _a, _b, s in cause_statements(text)[0]]
    assert sentences[0] == ("The message broker ran out of disk because the retention job had been disabled "
                            "during the migration and nobody noticed the warnings.")
    assert "The standby was not promoted" in sentences  # a list item after it is not a continuation
    assert not any(s.startswith(("had been", "noticed")) for s in sentences)


def test_every_root_cause_sentence_counts_and_a_summary_that_states_the_cause_is_added():
    text = ("# Search outage\n\n## Summary\n\nSearch was slow for an hour. The slowdown was caused by the index "
            "growing past the memory of the search nodes.\n\n## Root cause\n\nThe index had tripled in size since launch. "
            "Nobody had revisited the node size.\n\n## Lessons learned\n\nThe team enjoyed the cake at the retrospective.\n")
    sentences = [s for _a, _b, s in cause_statements(text)[0]]
    # a root cause sentence needs no mechanism cue; lessons learned without one is not a cause
    assert sentences[:2] == ["The index had tripled in size since launch.", "Nobody had revisited the node size."]
    assert sentences[2].startswith("The slowdown was caused by the index")  # after the cause section
    assert not any("Search was slow" in s or "cake" in s for s in sentences)


def test_publisher_boilerplate_is_learnt_and_dropped():
    docs = [(f"blog/{co}.md", [BOILER.format(co="Acme"), f"The {co} cache leaked memory until the node died."])
            for co in COMPANIES[:4]]
    docs.append(("other/one.md", ["The certificate expired because renewal was manual."]))
    boilerplate = learn_boilerplate(docs)
    kept = drop_boilerplate(docs[0][1], boilerplate)
    assert kept == ["The Acme cache leaked memory until the node died."]
    assert drop_boilerplate(docs[-1][1], boilerplate) == docs[-1][1]
    # two documents sharing a sentence are not a template
    assert not learn_boilerplate(docs[:2])


# ----------------------------------------------------------------- taxonomy


def test_the_taxonomy_has_the_fixed_ids_descriptions_guardrails_and_examples():
    classes = load_taxonomy()
    assert [c.id for c in classes] == TAXONOMY_IDS
    for c in classes:
        assert c.description and c.positive and c.negative
        assert c.guardrail or c.id == OTHER


def test_assignment_by_meaning_on_the_authored_examples():
    clf = default_classifier()
    taxonomy = [c for c in load_taxonomy() if c.id != OTHER]
    right = sum(clf.assign([s]).cause_class == c.id for c in taxonomy for s in c.positive)
    assert right >= 0.9 * sum(len(c.positive) for c in taxonomy)
    wrong = [(c.id, s) for c in taxonomy for s in c.negative if clf.assign([s]).cause_class == c.id]
    assert len(wrong) <= 5, wrong  # of 43 negative examples; the known confusions are listed in docs


def test_the_authored_statements_cover_every_class_and_generalise_to_held_out_ones():
    taxonomy = load_taxonomy()
    texts, labels = training_statements(taxonomy)
    assert len(set(texts)) == len(texts)  # no statement is filed under two classes
    per_class = {c.id: labels.count(c.id) for c in taxonomy}
    assert min(per_class.values()) >= 25, per_class
    # every fifth statement held out: the classifier must place statements it never saw
    train = [i for i in range(len(texts)) if i % 5]
    held = [i for i in range(len(texts)) if i % 5 == 0]
    clf = CauseClassifier(taxonomy, ([texts[i] for i in train], [labels[i] for i in train]))
    predicted = clf.model.predict([texts[i] for i in held])
    assert sum(p == labels[i] for p, i in zip(predicted, held)) / len(held) >= 0.75


def test_every_authored_file_is_learnt_and_names_known_classes():
    from analyzer.judging.taxonomy import AUTHORED

    ids = set(TAXONOMY_IDS)
    texts, _labels = training_statements(load_taxonomy())
    for name in AUTHORED:
        data = yaml.safe_load((Path(__file__).parents[1] / "analyzer" / "data" / name).read_text(encoding="utf-8"))
        assert set(data) <= ids, name
        assert all(isinstance(s, str) and s.strip() for v in data.values() for s in v), name  # no YAML mappings by accident
        assert set(s for v in data.values() for s in v) <= set(texts), name


# causes stated plainly, without the class's own vocabulary (none of these is an authored statement)
PLAIN = [
    ("An operator by mistake wiped the disks of the live replica while cleaning up old test machines.", "manual_operation_unsafe"),
    ("The storage servers were too small for the data we now keep and filled up during the busy season.", "capacity_limit"),
    ("A faulty power supply in the core router took the office network down.", "hardware_infrastructure_failure"),
    ("The outage was on the side of our card processor; we had no second processor to switch to.", "dependency_failure"),
]


@pytest.mark.parametrize("statement,expected", PLAIN)
def test_plainly_stated_causes_are_placed(statement: str, expected: str):
    texts, _labels = training_statements(load_taxonomy())
    assert statement not in texts
    assert default_classifier().assign([statement]).cause_class == expected


def test_a_description_of_the_system_does_not_outweigh_the_cause():
    """Write-ups describe the architecture and narrate the response around the cause; those
    sentences look less like a cause (a higher P(other)), so the cause decides the document."""
    clf = default_classifier()
    around = ["Our queue workers pull jobs from a shared broker and write the results to object storage.",
              "The team paged the storage owners and moved the traffic to the second region."]
    cause = "The broker certificate expired because nobody owned its renewal."
    for doc in ([*around, cause], [around[0], cause, around[1]]):
        assert clf.assign(doc).cause_class == "cert_credential_expiry"
    proba = clf.predict_proba([*around, cause])
    assert (proba[:2, clf.other] > 3 * proba[2, clf.other]).all()  # the cause weighs most


def test_abstention_when_nothing_says_why():
    clf = default_classifier()
    assert clf.assign([]).cause_class == OTHER
    a = clf.assign(["We are sorry for the disruption and thank our users for their patience."])
    assert a.cause_class == OTHER
    sure = clf.assign(["The TLS certificate expired because nobody renewed it."])
    assert sure.cause_class == "cert_credential_expiry" and sure.confidence > a.confidence


# specific evidence against the generic trigger: each names a change or a deploy, but the mechanism
# is another class's (written for this test; none is an authored statement or corpus text)
SPECIFIC_OVER_TRIGGER = [
    ("After the deploy the payment gateway certificate had expired, and every handshake failed.", "cert_credential_expiry"),
    ("The config change itself was fine; the job then ran out of connections in the shared pool.", "capacity_limit"),
    ("We changed the settings on all regions at once, with no canary, and every cluster crashed together.",
     "change_without_staged_rollout"),
    ("Following the release, every client retried immediately without backoff and the retries flooded the API.",
     "retry_storm_overload"),
]


@pytest.mark.parametrize("statement,expected", SPECIFIC_OVER_TRIGGER)
def test_specific_cue_evidence_outweighs_the_generic_trigger(statement: str, expected: str):
    texts, _labels = training_statements(load_taxonomy())
    assert statement not in texts
    clf = default_classifier()
    assert clf.cue_counts([statement])[0, clf.classes.index(expected)] >= 1
    assert clf.assign([statement]).cause_class == expected


def test_every_class_has_cues_that_compile_and_match_its_own_examples():
    from analyzer.judging.taxonomy import CUES

    data = yaml.safe_load((Path(__file__).parents[1] / "analyzer" / "data" / CUES).read_text(encoding="utf-8"))
    assert set(data["cues"]) == set(TAXONOMY_IDS)
    clf = default_classifier()
    for c in load_taxonomy():
        assert c.cues, c.id
        if c.id == OTHER:
            continue
        # the cues name the mechanism: at least one of the class's positive examples matches its cues
        assert clf.cue_counts(list(c.positive))[:, clf.classes.index(c.id)].sum() >= 1, c.id


def test_cue_evidence_does_not_invent_a_cause_and_a_bad_cue_is_a_config_error():
    clf = default_classifier()
    # no cue, no cause: narration stays `other`
    assert clf.cue_counts(["We are sorry for the disruption and thank our users for their patience."]).sum() == 0
    assert clf.assign(["We are sorry for the disruption and thank our users for their patience."]).cause_class == OTHER
    # a cue raises its class, as statement evidence (logits) and as document evidence (class means)
    statement = "The job ran out of connections in the shared pool."
    with_cues = CauseClassifier(load_taxonomy(), cue_weight=2.0, evidence_weight=0.3)
    without = CauseClassifier(load_taxonomy(), cue_weight=0.0, evidence_weight=0.0)
    capacity = with_cues.classes.index("capacity_limit")
    assert with_cues.predict_proba([statement])[0, capacity] > without.predict_proba([statement])[0, capacity]
    assert with_cues.assign([statement]).scores["capacity_limit"] > without.assign([statement]).scores.get("capacity_limit", 0)
    with pytest.raises(ConfigError):
        load_taxonomy([{"id": "mine", "positive": ["a b c", "d e f", "g h i"], "cues": ["(unclosed"]}])
    mine = load_taxonomy([{"id": "mine", "positive": ["a b c", "d e f", "g h i"], "cues": [r"\bquorum lost\b"]}])
    assert mine[-2].id == "mine" and mine[-2].cues == (r"\bquorum lost\b",)


def test_per_statement_cues_are_compiled_only_when_they_weigh():
    """With a cue weight of 0 (shipped) a classifier never compiles or matches the per-statement
    cues; the document-level evidence cues still count."""
    texts, labels = training_statements(load_taxonomy())
    small: tuple[list[str], list[str]] = ([], [])
    for text, label in zip(texts, labels):  # four statements of each class: quick to train
        if small[1].count(label) < 4:
            small[0].append(text)
            small[1].append(label)
    statement = "The TLS certificate expired because nobody renewed it."
    silent = CauseClassifier(load_taxonomy(), small, cue_weight=0.0)
    silent.assign([statement], evidence=[statement])
    assert "cues" not in vars(silent) and silent.evidence_prior([statement]).any()
    weighed = CauseClassifier(load_taxonomy(), small, cue_weight=2.0)
    cert = weighed.classes.index("cert_credential_expiry")
    assert weighed.predict_proba([statement])[0, cert] > silent.predict_proba([statement])[0, cert]
    assert "cues" in vars(weighed)


def test_evidence_from_the_whole_text_weighs_in_the_document_decision():
    """The cause section only names the trigger; the summary says what failed. The summary's cue
    sentence is kept as evidence (not as a cause statement) and decides between close classes."""
    from analyzer.archive.statements import evidence_sentences

    text = ("# Checkout outage\n\n## Summary\n\nCheckout failed for an hour after the payment gateway's TLS "
            "certificate expired at midnight. Its renewal was a manual task that was missed this year.\n\n"
            "We thank our users for their patience.\n\n## Root cause\n\n"
            "The gateway stopped accepting connections and nobody had a reminder for it.\n")
    statements = [s for _a, _b, s in cause_statements(text)[0]]
    evidence = evidence_sentences(text)
    assert evidence == ["Checkout failed for an hour after the payment gateway's TLS certificate expired at midnight.",
                        "Its renewal was a manual task that was missed this year."]
    assert not any("patience" in s for s in evidence)
    clf = default_classifier()
    assert statements == ["The gateway stopped accepting connections and nobody had a reminder for it."]
    without, with_evidence = clf.assign(statements), clf.assign(statements, evidence=evidence)
    assert with_evidence.cause_class == "cert_credential_expiry"
    assert with_evidence.scores["cert_credential_expiry"] > without.scores.get("cert_credential_expiry", 0.0)
    prior = clf.evidence_prior(evidence)
    assert prior[clf.classes.index("cert_credential_expiry")] > 0 and prior[clf.other] == 0
    # evidence alone, without cause statements, is bounded by the weight: one sentence stays below abstention
    assert clf.assign([], evidence=evidence).confidence <= clf.evidence_weight
    assert clf.assign([], evidence=evidence[:1]).cause_class == OTHER


def test_config_adds_an_organisation_class():
    extra = [{"id": "feature_flag_debt", "name": "stale feature flag", "description": "an old flag",
              "guardrail": "flag expiry dates",
              "positive": ["A stale feature flag left from 2019 was toggled and revived dead code.",
                           "An old flag nobody owned switched on a retired code path.",
                           "Flag debt: the forgotten toggle enabled the legacy billing path."]}]
    classifier = CauseClassifier(load_taxonomy(extra))
    assert "feature_flag_debt" in classifier.classes
    assert classifier.assign(["The forgotten stale feature flag revived a retired code path."]).cause_class == "feature_flag_debt"
    with pytest.raises(ConfigError):
        load_taxonomy([{"id": "too_few", "positive": ["one"]}])


# ----------------------------------------------------------------- recurring causes


def test_recurring_causes_follow_the_cause_and_say_what_is_missing():
    result = cluster_causes(_docs(_texts()))
    by_class = {c.cause_class: c for c in result.clusters}
    assert set(by_class) == {"cert_credential_expiry", "change_without_staged_rollout"}
    assert by_class["cert_credential_expiry"].size == 6
    assert by_class["cert_credential_expiry"].label.startswith("certificate or credential expiry: ")
    assert by_class["cert_credential_expiry"].label.endswith("(missing: automated renewal and expiry alerting)")
    for c in result.clusters:
        assert not any(co.lower() in c.label.lower() for co in COMPANIES)
        assert len(c.representatives) == 3 and c.representatives[0]["statement"]


def test_a_single_incident_is_never_recurring():
    texts = _texts()
    texts["dst.md"] = ("# Scheduler ran twice\n\n## Root cause\n\nThe scheduler ran every job twice when clocks went "
                       "back an hour for daylight saving, because it used local time.\n")
    result = cluster_causes(_docs(texts))
    assert all(c.size >= 3 for c in result.clusters)
    assert [r["path"] for r in result.not_recurring()] == ["dst.md"]
    md = result.to_markdown()
    assert "## Not recurring (1 incidents)" in md and "dst.md" in md.split("## Not recurring")[1]


def test_the_same_clusters_for_any_seed_and_any_order():
    docs = _docs(_texts())
    first = cluster_causes(docs, seed=0).to_dict()
    for seed in (1, 2, 3, 4):
        shuffled = docs[:]
        random.Random(seed).shuffle(shuffled)
        again = cluster_causes(shuffled, seed=seed).to_dict()
        first["seed"] = again["seed"]
        assert again == first


def test_a_new_incident_joins_a_cause_without_reclustering():
    result = cluster_causes(_docs(_texts()))
    before = [c.to_dict() for c in result.clusters]
    draft = cause_statements(CERT.format(co="Wayne"))[0]
    assignment, cid, _feats = result.model.place("Wayne login outage", [s for _a, _b, s in draft])
    assert assignment.cause_class == "cert_credential_expiry"
    assert result.clusters[cid].cause_class == "cert_credential_expiry"
    assert [c.to_dict() for c in result.clusters] == before
    m = result.model  # an archive incident placed as if new lands where clustering put it
    for doc, statements, cid in zip(m.documents, m.statements, m.cluster_of):
        assert m.place(doc.title, statements)[1] == cid


# ----------------------------------------------------------------- similar


def test_similar_ranks_by_cause_not_vendor(tmp_path: Path):
    archive = tmp_path / "archive"
    archive.mkdir()
    for path, text in _texts().items():
        (archive / path).write_text(text, encoding="utf-8")
    # the same vendor as the draft, a different cause
    (archive / "wayne-config.md").write_text(CONFIG.format(co="Wayne").replace("routing", "Wayne Gateway routing"),
                                             encoding="utf-8")
    store = tmp_path / "store.sqlite"
    draft = ("# Wayne Gateway outage\n\n## Root cause\n\nThe Wayne Gateway certificate expired: renewal was done by "
             "hand once a year and there was no expiry alerting.\n")
    placed, found = similar_with_placement(draft, root=archive, store=store, k=5)
    assert placed.cause_class == "cert_credential_expiry" and placed.label
    assert [Path(n.path).name.split("-")[0] for n in found] == ["cert"] * 5
    assert found[0].shared_statements and "expired" in found[0].shared_statements[0][1]
    assert found[0].score >= found[-1].score
    own = (archive / "cert-acme.md").read_text(encoding="utf-8")
    assert all(Path(n.path).name != "cert-acme.md" for n in similar(own, root=archive, store=store, k=3))
    result = cluster_archive(archive, store=store)
    assert result.n_documents == 13 and sum(c.size for c in result.clusters) + len(result.not_recurring()) == 13
    assert yaml.safe_load(yaml.safe_dump(result.to_dict()))["clusters"]


def test_check_json_can_carry_similar_incidents_for_a_pr_comment(tmp_path: Path, capsys):
    import json

    from analyzer.cli import run

    archive = tmp_path / "archive"
    archive.mkdir()
    for path, text in _texts().items():
        (archive / path).write_text(text, encoding="utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text(CERT.format(co="Wayne"), encoding="utf-8")
    run(["check", str(draft), "--format", "json", "--no-fail", "--similar", str(archive)])
    data = json.loads(capsys.readouterr().out)
    entry = data["similar"][str(draft)]
    assert entry["draft"]["cause_class"] == "cert_credential_expiry"
    assert len(entry["similar"]) == 3 and all(n["cause_class"] == "cert_credential_expiry" for n in entry["similar"])
