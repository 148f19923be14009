"""Dutch identifiers: BSN (elfproef), KvK, BTW-id and IBAN, normalised and checked."""
from __future__ import annotations

import re
import unicodedata

from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import btw as stdnum_btw


class InvalidIdentifier(ValueError):
    """The value is not a valid identifier; the message is Dutch and fit for the user."""


def _compact(value: str) -> str:
    """Fold look-alikes first (full-width digits, no-break spaces: NFKC), then drop separators."""
    return re.sub(r"[\s.\-]", "", unicodedata.normalize("NFKC", value or "")).upper()


def clean_bsn(value: str) -> str:
    """Return the 9-digit BSN or raise: it must pass the elfproef."""
    compact = _compact(value)
    if not re.fullmatch(r"[0-9]+", compact):
        raise InvalidIdentifier("Een BSN bestaat alleen uit cijfers.")
    compact = compact.zfill(9)
    if len(compact) != 9:
        raise InvalidIdentifier("Een BSN heeft 9 cijfers.")
    if compact == "000000000" or not stdnum_bsn.is_valid(compact):
        raise InvalidIdentifier("Dit BSN klopt niet (elfproef).")
    return compact


def clean_kvk(value: str) -> str:
    """Return the 8-digit KvK number or raise.

    A KvK number has no check digit (python-stdnum has no check for it); what can be
    checked is its form: exactly 8 digits, not all zeros.
    """
    compact = _compact(value)
    if not re.fullmatch(r"[0-9]{8}", compact):
        raise InvalidIdentifier("Een KvK-nummer bestaat uit precies 8 cijfers.")
    if compact == "00000000":
        raise InvalidIdentifier("Dit KvK-nummer bestaat niet.")
    return compact


def clean_vat_id(value: str) -> str:
    """Return the Dutch BTW-id (NL999999999B99) or raise."""
    compact = _compact(value)
    if not compact.startswith("NL"):
        raise InvalidIdentifier("Een Nederlands btw-id begint met NL.")
    if not stdnum_btw.is_valid(compact):
        raise InvalidIdentifier("Dit btw-id klopt niet (vorm NL999999999B99 met geldig controlegetal).")
    return compact


def clean_iban(value: str) -> str:
    """Return the IBAN without spaces or raise."""
    compact = _compact(value)
    if not stdnum_iban.is_valid(compact):
        raise InvalidIdentifier("Dit IBAN klopt niet (controlegetal of lengte).")
    return compact
