"""Requests, threats and concerns written in Welsh, found by rules alone (the models
learnt almost only English). Each sentence is ordinary Welsh for the request."""

from __future__ import annotations

import pytest

from mailrouter.classify import Classifier, Label, MessageText

RULES = Classifier()

WELSH = [
    # "I would like to know how many staff speak Welsh in each department."
    ("Hoffwn wybod faint o staff sy'n siarad Cymraeg ym mhob adran.", Label.FOI),
    ("Cais Rhyddid Gwybodaeth: nifer y tai gwag yn y sir.", Label.FOI),
    # "I would like a copy of the flood reports for Mill Road since 2019."
    ("Hoffwn gael copi o'r adroddiadau llifogydd ar gyfer Heol y Felin ers 2019.", Label.EIR),
    # "I would like a copy of all the personal information the council holds about me."
    ("Hoffwn gael copi o'r holl wybodaeth bersonol sydd gan y cyngor amdanaf i.", Label.SAR),
    # "I want to make a formal complaint about the planning department."
    ("Hoffwn wneud cwyn ffurfiol am yr adran gynllunio.", Label.COMPLAINT),
    # "If she comes to the house again, she will get hurt."
    ("Os daw hi i'r tŷ eto, bydd hi'n cael ei brifo.", Label.THREAT),
    # "The little boy next door has bruises on his arms; his father hits him."
    (
        "Mae gan y bachgen drws nesaf gleisiau ar ei freichiau. Mae ei dad yn ei daro.",
        Label.WELFARE,
    ),
]

ROUTINE = [
    # "Could you send me a bin collection calendar, please? Thanks."
    "Helo, a allech chi anfon calendr casglu biniau ataf i os gwelwch yn dda? Diolch.",
    # English with a Welsh greeting and sign-off.
    "Bore da, do you have the housing application form in Welsh? Diolch, Cerys",
]


@pytest.mark.parametrize(("body", "label"), WELSH)
def test_welsh_requests_threats_and_concerns(body: str, label: Label) -> None:
    labels = RULES.classify(MessageText("preswylydd@example.org", "Cais", body)).labels
    assert label in labels, labels


@pytest.mark.parametrize("body", ROUTINE)
def test_routine_welsh_is_not_statutory(body: str) -> None:
    assert not RULES.classify(MessageText("a@example.org", "Biniau", body)).statutory
