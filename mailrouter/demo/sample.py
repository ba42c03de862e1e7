"""The demo's sample council: staff mailboxes, SPOCs, register customers and their mail.

All people, addresses and events are invented; every domain is a reserved example one.
"""

from __future__ import annotations

from dataclasses import dataclass

MAILBOXES = (
    ("planning", "Planning"),
    ("council-tax", "Revenues"),
    ("housing", "Housing"),
    ("waste", "Waste and Recycling"),
    ("chief-exec", "Chief Executive's Office"),
)

SPOCS = (
    ("jsmith", "Jane Smith", "jane.smith@council.example"),
    ("akhan", "Aisha Khan", "aisha.khan@council.example"),
)


@dataclass(frozen=True)
class Customer:
    name: str
    addresses: tuple[str, ...]
    status: str  # "stage2", "monitoring" or "dormant"
    spoc: str = "jsmith"


CUSTOMERS = (
    Customer("Derek Harker", ("d.harker@example.org", "dh1972@example.net"), "stage2"),
    Customer("Pauline Marsh", ("pmarsh@example.com",), "monitoring", "akhan"),
    Customer("Gordon Yates", ("g.yates@example.net",), "dormant"),
)


@dataclass(frozen=True)
class SampleMail:
    mailbox: str
    sender: str
    subject: str
    body: str
    note: str  # what the demo expects to happen, shown in the report


MAIL = (
    SampleMail(
        "planning",
        "Derek Harker <d.harker@example.org>",
        "Extension at 14 Mill Lane - AGAIN",
        "I have written six times about my neighbour's extension. I expect a full answer "
        "by 5pm today or I will go to the papers.",
        "stage 2: diverted to the SPOC and moved out of the planning inbox",
    ),
    SampleMail(
        "chief-exec",
        "D Harker <dh1972@example.net>",
        "Freedom of information request",
        "Under the Freedom of Information Act please provide the number of planning "
        "enforcement complaints received in 2025 and how many led to a notice.",
        "stage 2, second address, FOI: diverted, and IG and the SPOC alerted with the deadline",
    ),
    SampleMail(
        "council-tax",
        "Derek Harker <d.harker@example.org>",
        "Direct debit for council tax",
        "Please change my direct debit date to the 15th of each month.",
        "stage 2 carve-out (payment): left with Revenues, SPOC copied",
    ),
    SampleMail(
        "housing",
        "Pauline Marsh <pmarsh@example.com>",
        "Still no answer",
        "This is the fourth time I have asked when my fence will be fixed.",
        "stage 1: left in the inbox, logged as evidence",
    ),
    SampleMail(
        "waste",
        "Pauline Marsh <pmarsh@example.com>",
        "Your bin men",
        "I know which depot your crew park at and what time they finish. "
        "If my bin is missed again one of them will get hurt.",
        "stage 1 with a threat: logged, IG and the service manager alerted at once",
    ),
    SampleMail(
        "planning",
        "Gordon Yates <g.yates@example.net>",
        "The hedge",
        "I am writing again about the hedge at the back of my garden.",
        "dormant case: contact has recommenced, an urgent flag for IG",
    ),
    SampleMail(
        "waste",
        "Sam Okafor <sam.okafor@example.com>",
        "Missed collection",
        "Our green bin was not collected on Tuesday. Could someone come back for it?",
        "not on the register: untouched",
    ),
    SampleMail(
        "housing",
        "Ruth Ellison <ruth.ellison@example.org>",
        "Kill the weeds on the estate path",
        "Could the grounds team kill the weeds on the path behind Elm Court? They are knee high.",
        "not on the register: untouched",
    ),
    SampleMail(
        "council-tax",
        "Tom Pryce <tpryce@example.net>",
        "Single person discount",
        "My partner has moved out; how do I apply for the single person discount?",
        "not on the register: untouched",
    ),
)
