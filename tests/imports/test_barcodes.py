"""EAN-13 check digits, by our own code (python-barcode would silently fix a wrong one)."""

from __future__ import annotations

import random

import pytest
from ecerp_desktop.domain.barcodes import ean13_check_digit, is_valid_ean13, make_ean13


@pytest.mark.parametrize("code", ["4006381333931", "6901234567892", "9787111213826",
                                  "0000000000000"])
def test_known_good_codes(code: str) -> None:
    assert is_valid_ean13(code)


@pytest.mark.parametrize("code", ["4006381333932", "690123456789", "69012345678920",
                                  "69O1234567892", "６９０１２３４５６７８９２", "", " 4006381333931"])
def test_bad_codes(code: str) -> None:
    assert not is_valid_ean13(code)


def test_every_single_digit_error_is_caught() -> None:
    rng = random.Random(1)
    for _ in range(200):
        good = make_ean13("690", rng.randrange(10**9))
        assert is_valid_ean13(good)
        pos = rng.randrange(13)
        wrong = str((int(good[pos]) + rng.randint(1, 9)) % 10)
        assert not is_valid_ean13(good[:pos] + wrong + good[pos + 1:])


def test_check_digit_refuses_bad_input() -> None:
    with pytest.raises(ValueError):
        ean13_check_digit("12345")
