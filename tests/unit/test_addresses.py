from __future__ import annotations

import pytest

from mailrouter.addresses import InvalidAddress, normalize


@pytest.mark.parametrize(
    ("raw", "fold", "expected"),
    [
        ("Jo.Bloggs@Example.ORG", False, "jo.bloggs@example.org"),
        ('"Bloggs, Jo" <jo@example.org>', False, "jo@example.org"),
        ("jo+council@example.org", True, "jo@example.org"),
        ("jo+council@example.org", False, "jo+council@example.org"),
        ("jo@bücher.example", False, "jo@xn--bcher-kva.example"),
        ("jo@EXAMPLE.org.", False, "jo@example.org"),
        ("\uff4a\uff4f@example.org", False, "jo@example.org"),  # full-width letters fold
    ],
)
def test_normalize(raw: str, fold: bool, expected: str) -> None:
    assert normalize(raw, fold_subaddress=fold) == expected


@pytest.mark.parametrize("raw", ["", "no-at-sign", "a@b@c", "@example.org", "jo@"])
def test_invalid(raw: str) -> None:
    with pytest.raises(InvalidAddress):
        normalize(raw)
