"""The BSN (burgerservicenummer) and its elfproef."""
from __future__ import annotations

# Weights of the elfproef for the nine digits; the last digit counts negatively,
# which is what distinguishes the BSN test from the bank-account variant.
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def is_valid_bsn(value: object) -> bool:
    """Tell whether value is a nine-digit string that passes the elfproef."""
    if not isinstance(value, str) or len(value) != 9 or not value.isascii() or not value.isdigit():
        return False
    if value == "000000000":
        return False
    # Spelt out rather than summed over _WEIGHTS: a scenario checks a BSN per client, and
    # this is four times faster. The digits are ASCII bytes, 48 ("0") more than their value.
    d = value.encode()
    return (9 * d[0] + 8 * d[1] + 7 * d[2] + 6 * d[3] + 5 * d[4] + 4 * d[5] + 3 * d[6] + 2 * d[7] - d[8]
            - 48 * sum(_WEIGHTS)) % 11 == 0


def mask_bsn(value: str) -> str:
    """Mask a BSN for display, keeping only its last three digits."""
    return "*" * max(len(value) - 3, 0) + value[-3:]
