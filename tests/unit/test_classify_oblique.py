"""Threats said sideways, oblique welfare signals, their hard negatives, and the
sentence windows that let the models find one threat in a long message.

These are development tables (written with the cues they test); the honest
measure of generality is a held-out set read once.
"""

from __future__ import annotations

import pytest

from mailrouter.classify import Classifier, Label, MessageText
from mailrouter.classify.paths import MODELS_DIR
from mailrouter.classify.windows import LONG_TEXT, MAX_WINDOWS, sentences, windows

RULES = Classifier()


@pytest.fixture(scope="module")
def full() -> Classifier:
    return Classifier.load(MODELS_DIR)


def msg(body: str, subject: str = "Enquiry") -> MessageText:
    return MessageText("resident@example.org", subject, body)


OBLIQUE_THREATS = [
    # conditional and third person
    "Any warden who tickets my van on Elm Street again gets a kicking, simple as that.",
    "My brothers would do a lot worse than shout at your inspector.",
    # formal menace
    "I am a patient woman. I would not want to be sitting in your office on the day mine runs out.",
    # family and routine
    "Your planner's daughter walks home from the academy alone every Wednesday.",
    "He should remember that he has two young sons before he signs that order.",
    # property and hoax, said sideways
    "Hope somebody blows your depot sky high.",
    "There might already be something nasty under the stairs at the housing office.",
    "The housing office has a lot of windows. Windows break.",
    "I'm bringing a can of petrol to the council tax office on Monday.",
    # dialect and misspelling
    "im gonna batter the next one u send round",
    "tell that bailiff hes gettin a burst nose if he comes back",
    "she better watch herself when she leaves that office",
    "i no were ur manager lives",
    # lasting injury, doubted safe passage, revenge tags
    "I'll wait for your officer after the hearing and he won't be walking straight for a month.",
    "I can't promise your surveyor will get home in one piece.",
    "That's for what you did to my brother.",
    "Your surveyor has lied to me for the last time and I'm going to make him pay for it.",
    "He should start worrying about more than his targets. I know his van.",
]


@pytest.mark.parametrize("body", OBLIQUE_THREATS)
def test_oblique_threats_are_found_by_rules_alone(body: str) -> None:
    assert Label.THREAT in RULES.classify(msg(body)).labels


NOT_THREATS = [
    # hazards and care
    "If that wall comes down it'll kill someone walking past. Please fence it off.",
    "Cars speed down here; someone is going to get killed before you add a crossing.",
    "I don't want the bin men to get hurt, so the broken glass is in a box.",
    "If a child falls off that broken swing you'll have blood on your hands.",
    "Nobody got hurt at the fun day, thanks to your events team.",
    # weapons handed in or thrown away
    "Can I take my late father's hunting knives to the tip, or is there an amnesty bin for them?",
    # someone else's threat, reported
    "A man in the queue was saying he'd sort out the receptionist; I've told the police.",
    "My neighbour keeps telling me he'll burn my car. Crime number 12/3456.",
    "A boy told my son he'd stab him; the police are involved.",
    "There's a post saying someone should put a brick through the councillor's window. Vile.",
    # cooperation, gardens, gratitude
    "I'd like to carry on working with your team and the support worker.",
    "If no one else will report the pothole on Dale Road, I will.",
    "The bindweed is strangling my beans. Can the allotment officer help?",
    "For her own good she shouldn't be living alone; can social care visit?",
]


@pytest.mark.parametrize("body", NOT_THREATS)
def test_hard_negatives_are_not_threats(full: Classifier, body: str) -> None:
    assert Label.THREAT not in full.classify(msg(body)).labels


OBLIQUE_WELFARE = [
    "everyone would manage fine without me",
    "I'd rather be dead than go back to that hostel.",
    "I've given my cat to my neighbour and sorted out my things.",
    "Tonight is my last night here. Thank you for trying.",
    "She said she was going to jump and the window is open.",
    "Some days I think about taking all my tablets at once.",
    "I'm not coping and I can't see any future.",
    "He sent a text saying goodbye and his phone is now switched off.",
    "I'll be bringing petrol and a lighter, I've got nothing left to lose.",
]


@pytest.mark.parametrize("body", OBLIQUE_WELFARE)
def test_oblique_welfare_is_found_by_rules_alone(body: str) -> None:
    assert Label.WELFARE in RULES.classify(msg(body)).labels


@pytest.mark.parametrize(
    "body",
    [
        "I have nothing to lose by appealing, so I will.",
        "I'm drowning in paperwork for this licence.",
        "The kids will jump on the bouncy castle all afternoon.",
    ],
)
def test_welfare_idioms_are_not_welfare(body: str) -> None:
    assert Label.WELFARE not in RULES.classify(msg(body)).labels


def test_despair_is_not_read_as_a_threat(full: Classifier) -> None:
    body = "Some nights I think my children would be better off without me. I'm so tired."
    labels = full.classify(msg(body)).labels
    assert Label.WELFARE in labels
    assert Label.THREAT not in labels


# A long complaint (written for this test) with and without one menacing sentence that
# no cue matches and the models find alone: only a sentence window lets them see it here.
_PARAGRAPHS = [
    "I am writing to make a formal complaint about the repairs service at 9 Linden Court.",
    "The leak in the kitchen ceiling was first reported on 12 January. An operative came on "
    "30 January, took photographs and said a roofer would be booked. Nobody came. I rang again "
    "on 14 February and 2 March and was told each time that the job was with the contractor.",
    "In March the plaster came down over the cooker. My son now does his homework at his "
    "grandmother's because the living room smells of damp, and my daughter's asthma is worse.",
    "I would like a written response, an inspection within five working days, and compensation "
    "for the ruined carpet and the two weeks I could not use my kitchen.",
    "Regards,\nJoanne Pike",
]
_MENACE = "If that surveyor fobs me off once more I'll make sure it's the last job he ever does."


def test_one_menacing_sentence_in_a_long_complaint_is_found(full: Classifier) -> None:
    plain = "\n\n".join(_PARAGRAPHS)
    menacing = "\n\n".join([*_PARAGRAPHS[:3], _MENACE, *_PARAGRAPHS[3:]])
    assert Label.THREAT not in full.classify(msg(plain, "Complaint - repairs")).labels
    assert Label.THREAT not in RULES.classify(msg(menacing, "Complaint - repairs")).labels
    found = full.classify(msg(menacing, "Complaint - repairs")).labels
    assert {Label.THREAT, Label.COMPLAINT} <= found


def test_windows_only_for_long_text() -> None:
    assert windows("Short. Two sentences.") == []
    text = " ".join(f"Sentence number {n} is about the bins." for n in range(60))
    assert len(text) >= LONG_TEXT
    parts = windows(text)
    assert len(parts) == MAX_WINDOWS
    assert parts[0] == "Sentence number 0 is about the bins. Sentence number 1 is about the bins."
    assert parts[1].startswith("Sentence number 1 ")


def test_sentences_split_on_stops_and_lines() -> None:
    assert sentences("One. Two?\nThree\n\n...\nFour!") == ["One.", "Two?", "Three", "Four!"]


def test_batch_and_single_results_agree(full: Classifier) -> None:
    messages = [
        msg("\n\n".join([*_PARAGRAPHS[:3], _MENACE, *_PARAGRAPHS[3:]])),
        msg("Please send me the planning history of 3 Mill Lane."),
        msg("\n\n".join(_PARAGRAPHS)),
    ]
    assert full.classify_many(messages) == [full.classify(m) for m in messages]


@pytest.mark.parametrize(
    ("body", "threat"),
    [
        ("Nothing left to lose now. When I come in on Monday I'm taking someone with me.", True),
        ("If they evict me I'll take a few of you with me, I mean it.", True),
        ("I'll be taking someone with me to the hearing for support.", False),
        ("Can I bring somebody with me to the appointment?", False),
    ],
)
def test_taking_someone_with_me(body: str, threat: bool) -> None:
    labels = RULES.classify(MessageText("a@example.org", "Eviction", body)).labels
    assert (Label.THREAT in labels) is threat
