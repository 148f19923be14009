import pytest

from portal.identifiers import InvalidIdentifier, clean_bsn, clean_iban, clean_kvk, clean_vat_id


def test_bsn_passes_the_elfproef():
    assert clean_bsn("1112.22.333") == "111222333"
    assert clean_bsn("12345672") == "012345672"  # an 8-digit BSN is one with a leading zero


@pytest.mark.parametrize("bad", ["111222334", "abc", "1234567890", "000000000", ""])
def test_bsn_failing_the_elfproef_is_refused(bad):
    with pytest.raises(InvalidIdentifier):
        clean_bsn(bad)


def test_kvk_is_eight_digits():
    assert clean_kvk("3412 3456") == "34123456"
    for bad in ["1234567", "123456789", "1234567a", "00000000"]:
        with pytest.raises(InvalidIdentifier, match="KvK"):
            clean_kvk(bad)


def test_iban_and_vat_id():
    assert clean_iban("NL91 ABNA 0417 1643 00") == "NL91ABNA0417164300"
    with pytest.raises(InvalidIdentifier):
        clean_iban("NL92ABNA0417164300")
    assert clean_vat_id("NL123456782B01") == "NL123456782B01"
    with pytest.raises(InvalidIdentifier):
        clean_vat_id("NL123456789B01")
    with pytest.raises(InvalidIdentifier, match="begint met NL"):
        clean_vat_id("DE123456789")
