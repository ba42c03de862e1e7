"""The classifier, table-driven: each detector, its evidence, quoting, benign
violent words, WhatDoTheyKnow, the decision logic, and model-file verification."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailrouter.classify import Classifier, Hit, Label, MessageText
from mailrouter.classify.anchors import anchors
from mailrouter.classify.cues import CueMatch, cue
from mailrouter.classify.decision import Signals, decide, recall_net
from mailrouter.classify.evaluate import load_examples, score
from mailrouter.classify.lexicon.abuse import ABUSE_CUES
from mailrouter.classify.lexicon.complaints import COMPLAINT_CUES
from mailrouter.classify.lexicon.grievances import GRIEVANCE_CUES, REDRESS_CUES
from mailrouter.classify.lexicon.information import EIR_CUES, FOI_CUES
from mailrouter.classify.lexicon.personal_data import SAR_CUES
from mailrouter.classify.lexicon.threats import THREAT_CUES
from mailrouter.classify.lexicon.welfare import WELFARE_CUES
from mailrouter.classify.model import ModelError, artifact_paths, load_model, sha256_file
from mailrouter.classify.paths import DEVELOPMENT_SETS, MODELS_DIR, PROJECT_ROOT
from mailrouter.classify.text import Field, Span, mask_quoted
from mailrouter.commands.models import models

RULES = Classifier()  # rules only: every rule detector must stand on its own


@pytest.fixture(scope="module")
def full() -> Classifier:
    return Classifier.load(MODELS_DIR)


def msg(body: str, subject: str = "Enquiry", sender: str = "resident@example.org") -> MessageText:
    return MessageText(sender, subject, body)


DETECTOR_CASES = [
    # (label, body, the phrase its evidence must include)
    (
        Label.FOI,
        "Under the Freedom of Information Act please send me the agency spend.",
        "Freedom of Information",
    ),
    (
        Label.FOI,
        "Could you tell me how many parking tickets were issued on Station Road in 2023?",
        "how many",
    ),
    (
        Label.EIR,
        "Please provide the nitrogen dioxide readings under the EIR for the High Street.",
        "EIR",
    ),
    (
        Label.EIR,
        "Could you send me the bat survey submitted with the planning application?",
        "Could you send me the bat survey",
    ),
    (Label.SAR, "This is a subject access request for all my records.", "subject access"),
    (
        Label.SAR,
        "Please tell me what information you hold about me.",
        "information you hold about me",
    ),
    (
        Label.SAR,
        "Please erase all of my personal data from your systems.",
        "erase all of my personal data",
    ),
    (
        Label.COMPLAINT,
        "I wish to make a formal complaint about my housing officer.",
        "formal complaint",
    ),
    (
        Label.COMPLAINT,
        "I am not satisfied with your stage 1 response, please escalate it.",
        "not satisfied with",
    ),
    (
        Label.EIR,
        "Did the council receive a hedgerow removal notice for Long Lane? Can I see it?",
        "Can I see it",
    ),
    (
        Label.FOI,
        "You lot are a joke. Tell me exactly what the new logo cost and who approved it.",
        "Tell me exactly what the new logo cost",
    ),
    (Label.SAR, "I'd also like a copy of what you hold, and who you shared it with.", "copy of"),
    (Label.THREAT, "There is a device in the civic centre. You have until 2pm.", "device"),
    (Label.THREAT, "Send that officer round again and I will stab him.", "I will stab"),
    (
        Label.THREAT,
        "Dear Ms Clarke, I know where you live. It would be a shame if anything "
        "happened to your car.",
        "know where you live",
    ),
    (Label.WELFARE, "I can't go on any more and I've been thinking about suicide.", "suicide"),
    (Label.ABUSE, "You useless bunch of idiots.", "idiots"),
]


@pytest.mark.parametrize(
    ("label", "body", "phrase"),
    DETECTOR_CASES,
    ids=[f"{c[0].value}-{i}" for i, c in enumerate(DETECTOR_CASES)],
)
def test_rule_detectors_find_label_with_evidence(label: Label, body: str, phrase: str) -> None:
    message = msg(body)
    hit = RULES.classify(message).hit(label)
    assert hit is not None, f"{label} not found"
    assert 0.0 < hit.confidence <= 1.0
    texts = [span.text(message) for span in hit.evidence]
    assert any(phrase.lower() in text.lower() or text.lower() in phrase.lower() for text in texts)


def test_evidence_offsets_point_into_the_field_they_came_from() -> None:
    message = msg("Hello.\nThis is a formal complaint about the bins.", subject="Bins")
    hit = RULES.classify(message).hit(Label.COMPLAINT)
    assert hit is not None
    span = hit.evidence[0]
    assert span.field is Field.BODY
    assert message.body[span.start : span.end] == "formal complaint"


@pytest.mark.parametrize(
    "sender",
    [
        "foi+request-123456-abcdef12@whatdotheyknow.com",
        "Peter Quinn <foi+request-1-2@WhatDoTheyKnow.com>",
    ],
)
def test_whatdotheyknow_senders_are_foi(sender: str) -> None:
    message = msg("Dear Council, thank you.", subject="Re: my request", sender=sender)
    hit = RULES.classify(message).hit(Label.FOI)
    assert hit is not None
    span = hit.evidence[0]
    assert span.field is Field.SENDER
    assert span.text(message).lower() == "whatdotheyknow.com"


QUOTED_CASES = [
    "Thanks, that's all.\n\nOn 3 May 2024, at 10:12, FOI Team <foi@example.gov.uk> wrote:\n"
    "> Your request under the Freedom of Information Act has been answered.",
    "Great, thanks.\n\n> I'll kill you if you don't fix it\n> (my husband's joke)",
    "Noted.\n\n-----Original Message-----\nFrom: Complaints\nSent: 2 May 2024\n\n"
    "We have received your formal complaint.",
    "OK.\nFrom: Customer Services\nSent: 1 May 2024\nSubject: SAR\n\nYour subject access request.",
]


@pytest.mark.parametrize("body", QUOTED_CASES)
def test_quoted_text_is_ignored(full: Classifier, body: str) -> None:
    assert full.classify(msg(body, subject="Re: your email")).labels == frozenset()


def test_forwarded_text_is_not_treated_as_quoted() -> None:
    body = "FYI\n\nFrom: Tenant\nSent: 1 July 2024\n\nI want to make a formal complaint."
    assert Label.COMPLAINT in RULES.classify(msg(body, subject="Fwd: tenant")).labels


def test_masking_keeps_offsets() -> None:
    body = "New text.\n> old quoted line\nOn Mon, 1 Jan 2024, A <a@b.c> wrote:\n> more"
    masked = mask_quoted(body)
    assert len(masked) == len(body)
    assert masked.startswith("New text.\n")
    assert masked.count("\n") == body.count("\n")
    assert masked[10:].strip() == ""


BENIGN = [
    "Could the team come and kill the weeds on the verge before they spread?",
    "The slugs are killing my lettuces, are pellets allowed on allotments?",
    "The potholes on Battle Road are murder on my tyres.",
    "Shoot me an email when bookings for the Christmas market open.",
    "The fireworks display was a blast, thank you!",
    "There's a wasps' nest in the eaves, could pest control destroy it?",
    "I'm dying to know when the new library opens.",
    "The dead fox outside number 4 needs removing, it was hit by a car.",
    "My neighbour threatened to stab me over a parking space. Can you help?",
    "If this isn't resolved I will be taking the council to court.",
]


@pytest.mark.parametrize("body", BENIGN)
def test_benign_violent_words_are_not_threats(full: Classifier, body: str) -> None:
    assert Label.THREAT not in full.classify(msg(body)).labels


# The idiom filter looks at the target: the same words are a threat aimed at staff.
TARGETED = [
    ("The gulls wreck the bins every week. I'd shoot the lot of them.", False),
    ("Your wardens ticket everyone. I'd shoot the lot of them.", True),
    ("My husband forgot the bin again, I could kill him.", False),
    ("If you take my kids' home I swear I will kill you all.", True),
    ("That hedge needs cutting before somebody gets killed at the junction.", False),
    ("He said 'if that dog barks once more I'll kill it and you'll be next'.", False),
    ("I'll smash it over his head if he comes round again.", True),
]


@pytest.mark.parametrize(("body", "threat"), TARGETED)
def test_idioms_depend_on_the_target(body: str, threat: bool) -> None:
    assert (Label.THREAT in RULES.classify(msg(body)).labels) is threat


# A chaser or angry service request is not a complaint; dissatisfaction plus an ask
# for investigation, review, escalation or redress is, with or without the word.
COMPLAINT_CONVENTION = [
    ("Missed AGAIN!!! Third week running. Sort it out!!!", False),
    ("Still waiting for the gutter repair I reported in May. When is the appointment?", False),
    ("I'm not making a formal complaint, but please confirm my balance is zero.", False),
    ("What is the process for making a formal complaint? Is there a form?", False),
    ("I'd like to make a noise complaint about my neighbours' parties.", False),
    (
        "Your officer mocked my accent on the phone. I'd be grateful if you would look into "
        "this properly and let me know the outcome.",
        True,
    ),
    (
        "Thanks so much for sending a summons for a bill I paid. I'd like a senior manager to "
        "review how this happened and refund the costs.",
        True,
    ),
    ("Your stage 1 reply ignored my points. Please escalate it to stage 2.", True),
]


@pytest.mark.parametrize(("body", "complaint"), COMPLAINT_CONVENTION)
def test_complaint_convention(body: str, complaint: bool) -> None:
    assert (Label.COMPLAINT in RULES.classify(msg(body)).labels) is complaint


def test_model_only_hit_still_has_evidence(full: Classifier) -> None:
    for hit in full.classify(msg("I've bought a can of petrol. You have until Friday.")).hits:
        assert hit.evidence, hit


def test_score_counts_grouped_statutory_row() -> None:
    truth = [frozenset({Label.FOI}), frozenset({Label.SAR}), frozenset()]
    predicted = [frozenset({Label.EIR}), frozenset(), frozenset({Label.COMPLAINT})]
    rows = {row.name: row for row in score(truth, predicted)}
    statutory = rows["statutory"]
    assert (statutory.tp, statutory.fp, statutory.fn) == (1, 1, 1)
    assert rows["foi"].recall == 0.0


@pytest.fixture
def models_copy(tmp_path: Path) -> Path:
    for path in MODELS_DIR.glob("council-1.*"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def _edit_sidecar(models_dir: Path, **changes: object) -> None:
    sidecar = artifact_paths(models_dir, "council", "1")[1]
    data = json.loads(sidecar.read_text()) | changes
    sidecar.write_text(json.dumps(data))


def _flip_last_byte(models_dir: Path) -> None:
    path = artifact_paths(models_dir, "council", "1")[0]
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


TAMPERING = [
    ("joblib-altered", _flip_last_byte, "sha256"),
    ("sklearn-version", lambda d: _edit_sidecar(d, sklearn_version="0.24.2"), "scikit-learn 0.24"),
    ("wrong-name", lambda d: _edit_sidecar(d, name="threat"), "describes threat-1"),
    ("no-sidecar", lambda d: artifact_paths(d, "council", "1")[1].unlink(), "sidecar missing"),
    ("no-model", lambda d: artifact_paths(d, "council", "1")[0].unlink(), "model file missing"),
]


@pytest.mark.parametrize(
    ("tamper", "message"), [c[1:] for c in TAMPERING], ids=[c[0] for c in TAMPERING]
)
def test_tampered_models_are_refused(models_copy: Path, tamper: object, message: str) -> None:
    assert load_model(models_copy, "council", "1").labels  # intact copy loads
    tamper(models_copy)  # type: ignore[operator]
    with pytest.raises(ModelError, match=message):
        load_model(models_copy, "council", "1")


def test_cli_evaluate_prints_table_and_checks_targets(tmp_path: Path) -> None:
    runner = CliRunner()
    dev = PROJECT_ROOT / "tests/data/council/dev.jsonl"
    result = runner.invoke(models, ["evaluate", "--data", str(dev)])
    assert result.exit_code == 0, result.output
    assert "statutory" in result.output and "precision" in result.output
    missed = tmp_path / "missed.jsonl"
    missed.write_text(json.dumps({"id": "x", "body": "Thanks!", "labels": ["threat"]}) + "\n")
    result = runner.invoke(models, ["evaluate", "--data", str(missed), "--check"])
    assert result.exit_code == 1
    assert "threat recall" in result.output


@pytest.mark.parametrize("name", ["threat", "abuse", "council"])
def test_committed_models_match_the_committed_council_data(name: str) -> None:
    # A model trained on other examples than those committed would make every
    # figure in its sidecar a claim about data nobody can see: retrain instead.
    sidecar = json.loads(artifact_paths(MODELS_DIR, name, "1")[1].read_text())
    for path in ("tests/data/council/train.jsonl", "tests/data/council/dev.jsonl"):
        assert sidecar["training_data"][path] == sha256_file(PROJECT_ROOT / path), path
    # The spent held-out sets are training data now: each one's hash is recorded.
    for spent in DEVELOPMENT_SETS:
        key = spent.as_posix()
        assert sidecar["training_data"][key] == sha256_file(PROJECT_ROOT / spent), key


def test_fast_scoring_matches_scikit_learn(full: Classifier) -> None:
    texts = ["Under FOI how much did you spend?", "you lazy idiots", "I know where you live"]
    for model in (full.council_model, full.threat_model, full.abuse_model):
        assert model is not None and model.scorer is not None
        fast = model.scores_many(texts)
        slow = model.pipeline.predict_proba(texts)
        for row_fast, row_slow in zip(fast, slow, strict=True):
            expected = list(row_slow[1:] if len(model.labels) == 1 else row_slow)
            assert list(row_fast.values()) == pytest.approx(expected, abs=1e-9)


def test_batches_give_the_same_results_as_single_messages(full: Classifier) -> None:
    messages = [msg(body) for _, body, _ in DETECTOR_CASES] + [msg(b) for b in BENIGN]
    assert full.classify_many(messages) == [full.classify(m) for m in messages]


_WEAK = CueMatch(cue("weapon", "knife", 0.4), Span(Field.BODY, 0, 5))
_STRONG = CueMatch(cue("knows-where", "where you live", 0.85), Span(Field.BODY, 0, 14))
DECISIONS = [
    # (matches, council p, public p, expected detector or None)
    ((_STRONG,), 0.0, 0.0, "threat-rules"),
    ((), 0.6, 0.0, "threat-council-model"),
    ((), 0.45, 0.0, None),
    ((), 0.0, 0.95, None),  # the public model alone never decides: no cue, no hit
    ((_WEAK,), 0.0, 0.75, "threat-public-model"),
    ((_WEAK,), 0.0, 0.6, None),
]


@pytest.mark.parametrize(("matches", "council", "public", "detector"), DECISIONS)
def test_threat_decision_table(
    matches: tuple[CueMatch, ...], council: float, public: float, detector: str | None
) -> None:
    signals = Signals(council={Label.THREAT: council}, public={Label.THREAT: public})
    fallback = (Span(Field.BODY, 0, 10),)
    hit = decide(Label.THREAT, matches, signals, fallback)
    assert (hit.detector if hit else None) == detector
    if hit is not None:
        assert hit.evidence


def test_abuse_shadows_a_model_only_threat() -> None:
    # Insults aimed at officers read as threats to both models: without a threat cue,
    # a message that reads as abuse needs a far surer model to be called a threat.
    signals = Signals(council={Label.THREAT: 0.65})
    fallback = (Span(Field.BODY, 0, 10),)
    assert decide(Label.THREAT, (), signals, fallback) is not None
    assert decide(Label.THREAT, (), signals, fallback, rival=0.7) is None
    assert decide(
        Label.THREAT, (_WEAK,), Signals(council={Label.THREAT: 0.65}), fallback, rival=0.7
    )
    sure = Signals(council={Label.THREAT: 0.95})
    assert decide(Label.THREAT, (), sure, fallback, rival=0.7) is not None


def test_council_model_rarely_adds_foi_to_a_rule_found_eir_request() -> None:
    eir = Hit(Label.EIR, 0.9, "eir-request", (Span(Field.BODY, 0, 3),))
    fallback = (Span(Field.BODY, 0, 10),)
    likely = Signals(council={Label.FOI: 0.8, Label.EIR: 0.9})
    assert [h.label for h in recall_net([eir], [Label.FOI], likely, fallback)] == []
    sure = Signals(council={Label.FOI: 0.95, Label.EIR: 0.9})
    assert [h.label for h in recall_net([eir], [Label.FOI], sure, fallback)] == [Label.FOI]


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (r"\b(?:kill|murder)\w*\s+you", {"kil", "mur"}),
        (r"\bI\s+will\b", {"i"}),
        (r"\bstage\s*(?:1|2)\b", {"sta"}),
        (r"(?<![\w.])F\.?O\.?I", None),  # no word boundary first: always run
        (r"\bab\w+", None),  # fewer than three known letters: always run
    ],
)
def test_cue_anchors(regex: str, expected: set[str] | None) -> None:
    found = anchors(regex)
    assert (None if found is None else set(found)) == expected


def test_anchors_never_skip_a_match() -> None:
    cues = [*THREAT_CUES, *ABUSE_CUES, *COMPLAINT_CUES, *GRIEVANCE_CUES, *REDRESS_CUES]
    cues += [*FOI_CUES, *EIR_CUES, *SAR_CUES, *WELFARE_CUES]
    texts = [e.message.body for e in load_examples(PROJECT_ROOT / "tests/data/council/dev.jsonl")]
    texts += BENIGN + [body for _, body, _ in DETECTOR_CASES]
    for item in cues:
        for text in texts:
            if item.pattern.search(text):
                assert item.may_match(text), (item.name, text)


def test_statutory_net_flags_the_likeliest_statutory_label() -> None:
    council = dict.fromkeys(Label, 0.1) | {Label.SAR: 0.4}
    fallback = (Span(Field.BODY, 0, 10),)
    hits = recall_net([], [Label.SAR], Signals(council=council), fallback)
    assert [(hit.label, hit.detector) for hit in hits] == [(Label.SAR, "statutory-council-model")]
