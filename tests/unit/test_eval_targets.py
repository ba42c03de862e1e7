"""The evaluation targets, and the development tables for threats.

- The targets are asserted on ``paths.HELDOUT`` (``tests/data/eval/heldout-6.jsonl``,
  724 messages), written by two people working separately, blind to the
  detectors, their data and the earlier sets, and evaluated once after all
  changes: statutory P 0.892 / R 0.996 (272 of 273), threat P 0.861 / R 0.930;
  foi 0.705/0.893, eir 0.823/0.895, sar 0.873/1.000, complaint 0.827/0.988,
  welfare 0.805/0.930, abuse 0.887/0.955. Both targets met. The next change to
  the detectors needs a new blind set: from then on this one is development data.
- Development data, reported and never asserted, because each set was read and
  studied while the detectors were changed, so its scores flatter them; since
  the models are now trained on all five (``paths.DEVELOPMENT_SETS``), their
  scores here are in-sample and say even less. The honest development measure is
  leave-one-set-out (``mailrouter models crossval``):

  - heldout-5 (``tests/data/eval/heldout-5.jsonl``): evaluated once, blind, on
    the finished detectors (threat P 0.891 / R 0.928 met, statutory P 0.925 /
    R 0.958 missed recall), then its misses were studied, and it was added to
    the models' training data; the statutory threshold was then chosen on the
    leave-one-set-out worst fold;

  - heldout-4 (``tests/data/eval/heldout-4.jsonl``): evaluated once, blind, on
    the finished detectors (statutory P 0.894 / R 0.950, threat P 0.914 /
    R 0.763, both targets missed), then its misses were studied by kind and it
    was added to the models' training data;
  - heldout-3 (``tests/data/eval/heldout-3.jsonl``): evaluated once, blind
    (statutory P 0.898 / R 0.957, threat P 0.837 / R 0.847), then its misses and
    false alarms were classified into kinds, and rules and new training examples
    were written for each kind;
  - heldout-2 (``tests/data/eval/heldout-2.jsonl``): evaluated once, blind, then
    read to study the classes of threat and welfare it missed;
  - heldout-1 (``tests/data/eval/heldout.jsonl``): read and used for development
    from the start (studying misses, tuning cues and thresholds).
- The benign-idiom and veiled-threat tables below are development tests too:
  written for this project, tuned against, and never a measure of generality.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mailrouter.classify import Classifier, Label, MessageText
from mailrouter.classify.evaluate import (
    TARGETS,
    Score,
    Target,
    evaluate,
    format_table,
    load_examples,
)
from mailrouter.classify.paths import (
    DEV_HELDOUT,
    DEV_HELDOUT_2,
    DEV_HELDOUT_3,
    DEV_HELDOUT_4,
    DEV_HELDOUT_5,
    DEVELOPMENT_SETS,
    HELDOUT,
    MODELS_DIR,
    PROJECT_ROOT,
)

HELDOUT_PATH = PROJECT_ROOT / HELDOUT
DEVELOPMENT = {
    "heldout-5": PROJECT_ROOT / DEV_HELDOUT_5,
    "heldout-4": PROJECT_ROOT / DEV_HELDOUT_4,
    "heldout-3": PROJECT_ROOT / DEV_HELDOUT_3,
    "heldout-2": PROJECT_ROOT / DEV_HELDOUT_2,
    "heldout-1": PROJECT_ROOT / DEV_HELDOUT,
}


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load(MODELS_DIR)


def _scores(classifier: Classifier, path: Path) -> list[Score]:
    examples = load_examples(path)
    scores, _ = evaluate(examples, lambda message: classifier.classify(message).labels)
    return scores


@pytest.fixture(scope="module")
def heldout_scores(classifier: Classifier) -> list[Score]:
    if not HELDOUT_PATH.is_file():
        pytest.skip(f"{HELDOUT} is not present")
    # A spent set's scores are in-sample: they would say nothing about new mail.
    assert HELDOUT not in DEVELOPMENT_SETS, f"{HELDOUT} is development data now"
    return _scores(classifier, HELDOUT_PATH)


# Targets missed on the blind set, as strict xfails with the figures (none on heldout-6).
MISSED_ON_HELDOUT: dict[str, str] = {}


def _marked(target: Target) -> object:
    reason = MISSED_ON_HELDOUT.get(target.row)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(target, marks=marks, id=target.row)


@pytest.mark.parametrize("target", [_marked(t) for t in TARGETS])
def test_heldout_targets(heldout_scores: list[Score], target: Target) -> None:
    row = {row.name: row for row in heldout_scores}[target.row]
    table = format_table(heldout_scores)
    assert row.recall >= target.min_recall, table
    assert row.precision >= target.min_precision, table


@pytest.mark.parametrize("name", list(DEVELOPMENT))
def test_development_sets_are_reported_not_asserted(
    classifier: Classifier, record_property: pytest.RecordProperty, name: str
) -> None:
    path = DEVELOPMENT[name]
    if not path.is_file():
        pytest.skip(f"{path.name} is not present")
    # Reported, not asserted: these sets were studied while the detectors changed.
    table = format_table(_scores(classifier, path))
    record_property(f"{name} (used for development)", table)
    print(f"\n{name} (used for development)\n{table}")
    assert "statutory" in table


def msg(body: str) -> MessageText:
    return MessageText("resident@example.org", "Enquiry", body)


# Violent words aimed at weeds, pests, food, traffic, relatives or hazards; reports
# of others' threats; legal and political pressure. None may be called a threat.
BENIGN_IDIOMS = [
    "Could you send someone to kill the weeds growing through the paving on Mill Street?",
    "I could murder a cup of tea after waiting forty minutes on your phone line.",
    "My husband left the gate open again and the dog got out, I could kill him. "
    "Is there a dog warden number?",
    "The seagulls rip our bin bags open every week; I'd happily shoot the lot of them. "
    "Do you supply gull-proof sacks?",
    "That hedge on the corner needs cutting back before somebody gets killed pulling out "
    "of the junction.",
    "The rats behind the takeaway need exterminating. Please send pest control.",
    "This heat is killing me, is the library air conditioning working yet?",
    "The traffic on the bypass is murder every morning since the roadworks started.",
    "Shoot me an email when the consultation opens, please.",
    "My kids will kill me if the paddling pool session is cancelled again.",
    "The new one-way system is killing trade on the high street.",
    "We had a blast at the summer fair, thank you to everyone involved.",
    "The deadline for the grant is a killer, can I have an extension?",
    "I'd kill for a bus that actually turns up on time.",
    "The pigeons under the bridge are filthy. I'd wring their necks if I could. "
    "Can the council net the ledges?",
    "Can your team destroy the wasps' nest above our front door? My son is allergic.",
    "I'm dying to know when the new leisure centre opens.",
    "The pothole on Ferry Lane is a death trap for cyclists.",
    "There was a car fire on our estate last night and the burnt-out car is still there.",
    "The slugs are murdering my courgettes, are slug pellets allowed on the allotments?",
    "My neighbour threatened to smash my windscreen. I've told the police; can housing help?",
    "If the council doesn't fix my roof I'll be taking you to court.",
    "Heads will roll at the residents' association if the fete is cancelled again.",
    "I've had a stab at the housing benefit form, could someone check it for me?",
    "The moss on the church path needs blasting off before someone slips.",
    "Knotweed is strangling the hedge behind my garden; whose land is it?",
    "Dragging the bins down the steps is killing my knees. Can I have an assisted collection?",
    "My son forgot to put the recycling out, I'll throttle him. When's the next collection?",
    "You'll regret this when the Ombudsman rules in my favour.",
    "The residents will fight the incinerator plan tooth and nail at the planning committee.",
    "Somebody will get hurt on that broken swing in the park, please fix it.",
    "We'd like to book the hall for a murder mystery evening in October.",
    "The fireworks display was a real blast this year.",
    "I'm worried sick about my mum since her carer stopped coming.",
    "Is the clay pigeon shoot at Hall Farm licensed? The bangs go on all Sunday.",
]

# Menace without swearing and often without a violent word: all must be threats.
VEILED_THREATS = [
    "If the committee approves it, I'd make sure someone walks the chairman to his car afterwards.",
    "There is a device in the town hall. You have until midday.",
    "Do it again and see what happens.",
    "I won't be responsible for what happens if your officer comes round again.",
    "People have been hurt for less than what your enforcement team did to me.",
    "I know where your housing officer lives. Lovely little cul-de-sac.",
    "I know which school the planning manager's kids go to.",
    "It would be a real shame if something happened to your nice new offices.",
    "Your warden should think about how safe he feels walking back to his car at night.",
    "I'd tell your inspector to vary his route home from now on.",
    "I know what your bailiff's van looks like and where he parks it overnight.",
    "Send that social worker round again and she'll be carried out.",
    "Some people round here would like to see Councillor Hall hanging from a lamp post, "
    "and I wouldn't stop them.",
    "Tell your officer to keep looking over her shoulder.",
    "I've got nothing left to lose and a can of petrol in the shed. Think about that before "
    "the eviction.",
    "Next time I come to your office I won't be so polite.",
    "Keep sending me these letters and see what happens to the person who signs them.",
    "You have until Friday to reverse the decision. After that, whatever happens is on you.",
    "Your rent officer has a lovely family. It would be terrible if anything happened to them.",
    "I've found out where your director lives and I might pop round for a chat.",
    "There's a bomb in the civic centre car park. Clear the building.",
    "Make sure your officer has someone with him when he leaves the building. Just saying.",
    "Try putting another ticket on my van and see.",
]


def test_tables_are_big_enough() -> None:
    assert len(BENIGN_IDIOMS) >= 30 and len(VEILED_THREATS) >= 20


@pytest.mark.parametrize("body", BENIGN_IDIOMS)
def test_benign_idioms_are_never_threats(classifier: Classifier, body: str) -> None:
    hit = classifier.classify(msg(body)).hit(Label.THREAT)
    assert hit is None, hit


@pytest.mark.parametrize("body", VEILED_THREATS)
def test_veiled_threats_are_threats(classifier: Classifier, body: str) -> None:
    assert Label.THREAT in classifier.classify(msg(body)).labels
