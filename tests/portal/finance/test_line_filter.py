"""Settlement lines filtered by status, reason, municipality and cohort, with subtotals per reason."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from portal.finance.line_filter import NO_REASON, lines_panel, subtotals_by_reason
from portal.finance.presenters import LineView

from ... import factories as f
from .helpers import freeze_today, import_example
from tests.factories import log_in

D = Decimal


def line(ref: str, *, status="payable", reason=None, municipality="0361", cohort=1, this_run=None,
         payable="100.00", withheld="0.00") -> LineView:
    return LineView(milestone_ref=ref, trajectory_ref="T1", municipality_code=municipality,
                    municipality={"0361": "Alkmaar", "0398": "Heerhugowaard"}[municipality], tranche="t",
                    milestone_type="placement", milestone_date=date(2026, 5, 1), amount=D("100.00"), status=status,
                    reason=reason, payable=D(payable), withheld=D(withheld), pending=D("0.00"),
                    previously_invoiced=D("0.00"), this_run=None if this_run is None else D(this_run),
                    delta_reason=None, explanation="", cohort=cohort)


LINES = [
    line("M1", this_run="100.00"),
    line("M2", status="withheld", reason="LATE_SUBMISSION", payable="0.00", withheld="100.00", municipality="0398"),
    line("M3", status="withheld", reason="LATE_SUBMISSION", payable="0.00", withheld="100.00", cohort=2),
    line("M4", status="partial", reason="NORM_NOT_MET", payable="40.00", withheld="60.00", this_run="40.00"),
]


def refs(panel) -> list[str]:
    return [shown.milestone_ref for shown in panel.lines]


def test_each_filter_keeps_exactly_its_lines():
    assert refs(lines_panel(LINES, {})) == ["M1", "M2", "M3", "M4"]
    assert refs(lines_panel(LINES, {"status": "withheld"})) == ["M2", "M3"]
    assert refs(lines_panel(LINES, {"reden": "LATE_SUBMISSION", "gemeente": "0361"})) == ["M3"]
    assert refs(lines_panel(LINES, {"reden": NO_REASON})) == ["M1"]
    assert refs(lines_panel(LINES, {"cohort": "2"})) == ["M3"]
    assert refs(lines_panel(LINES, {"deze_afrekening": "1"})) == ["M1", "M4"]


def test_a_value_the_run_does_not_hold_is_an_error_naming_the_field_and_filters_nothing():
    panel = lines_panel(LINES, {"reden": "BESTAAT_NIET", "cohort": "99999999999999", "status": "payable"})
    assert set(panel.filter.errors) == {"reden", "cohort"}
    assert panel.filter.errors["reden"].startswith("Reden:")
    assert refs(panel) == ["M1"]  # the valid part of the filter still applies


def test_subtotals_per_reason_add_up_to_the_shown_lines():
    rows = {row.reason: row for row in subtotals_by_reason(LINES)}
    assert rows["LATE_SUBMISSION"].lines == 2 and rows["LATE_SUBMISSION"].withheld == D("200.00")
    assert rows["NORM_NOT_MET"].payable == D("40.00") and rows["NORM_NOT_MET"].this_run == D("40.00")
    assert rows[None].payable == D("100.00")
    assert sum(row.withheld for row in rows.values()) == sum(shown.withheld for shown in LINES)
    assert [row.reason for row in subtotals_by_reason(LINES)][0] is None  # fully payable first


def test_the_run_page_filters_lines_and_shows_subtotals(db, client, monkeypatch):
    freeze_today(monkeypatch, date(2028, 7, 1))
    _, contract = import_example(db, "03-staffel-partial")
    user = f.create_user(db, "finance")
    db.commit()
    log_in(client, user)
    url = f"/afrekeningen/nieuw?contract={contract.code}&peildatum=30-06-2028"
    everything = client.get(url).get_data(as_text=True)
    total = len(re.findall(r'<th scope="row">M\d+<br>', everything))
    assert total > 2 and "Subtotalen per reden" in everything and "Cohort 1" in everything
    html = client.get(url + "&reden=OUTSIDE_WINDOW").get_data(as_text=True)
    shown = re.findall(r'<th scope="row">(M\d+)<br>', html)
    assert shown == ["M0011"] and f"1 van {total} regels" in html
    assert 'name="contract" value="' + contract.code in html  # the filter keeps the preview's own arguments
    response = client.get(url + "&gemeente=9999")
    assert response.status_code == 400 and "Gemeente: &#39;9999&#39; komt in deze afrekening niet voor." in \
        response.get_data(as_text=True)
    names = client.get(url).get_data(as_text=True)
    assert "gemeente 0361" not in names  # explanations name the municipality, not just its CBS code
