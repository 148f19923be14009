"""Assurance sampling in the database: population, reproducible draw, findings, evaluation, hand-over, revoke."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.auditing.report import render_sample_pdf
from portal.auditing.sampling import (SamplingError, create_sample, draw, evaluate, hand_over, load_population,
                                      record_finding)
from portal.models import AuditEvent, AuditSampleItem, MilestoneClaim
from portal.review.service import revoke_approval

from .helpers import paid_population, request_for


def test_population_of_paid_lines_holds_what_the_issued_run_paid(db):
    paid = paid_population(db)
    population = load_population(db, request_for(paid))
    assert len(population) == 12
    assert sum(i.book_value for i in population) == Decimal("9600.00")   # 12 × 20 % of € 4.000


def test_same_seed_and_population_give_the_same_sample(db):
    paid = paid_population(db)
    population = load_population(db, request_for(paid))
    first = draw(population, "attribute", 5, "5eed")
    assert first == draw(population, "attribute", 5, "5eed")
    mus = draw(population, "mus", 6, "5eed")
    assert mus == draw(population, "mus", 6, "5eed") and len(mus) == 6


def test_create_sample_stores_size_seed_and_items_and_audits_it(db):
    paid = paid_population(db)
    sample = create_sample(db, paid.auditor, request_for(paid))
    # € 9.600, tolerable € 2.400, 95 %: n = ceil(3,0 × 9.600 / 2.400) = 12.
    assert sample.sample_size == 12 and sample.seed == "5eed"
    assert len(sample.items) == 12 and sample.population_value == Decimal("9600.00")
    again = create_sample(db, paid.auditor, request_for(paid))
    assert [i.settlement_line_id for i in again.items] == [i.settlement_line_id for i in sample.items]
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "audit_sample.drawn",
                                              AuditEvent.object_id == str(sample.id))) is not None


@pytest.mark.parametrize("overrides, field", [
    (dict(period_start=date(2027, 1, 1), period_end=date(2027, 12, 31)), "Populatie"),
    (dict(tolerable=Decimal("100"), expected=Decimal("100")), "Verwachte afwijking"),
    (dict(seed="not hex!"), "Startwaarde"),
    (dict(contract_id=None, segment=None), "Contract"),
])
def test_bad_parameters_are_refused_with_the_field_named(db, overrides, field):
    paid = paid_population(db, claims=3)
    with pytest.raises(SamplingError, match=field):
        create_sample(db, paid.auditor, request_for(paid, **overrides))


def test_one_error_gives_the_extrapolated_upper_error_limit(db):
    paid = paid_population(db)
    sample = create_sample(db, paid.auditor, request_for(paid, tolerable=Decimal("4800")))  # n = 6, J = 1.600
    for item in sample.items:
        record_finding(db, paid.auditor, item, "correct", None, None)
    record_finding(db, paid.auditor, sample.items[0], "error", Decimal("200"), "Startdatum klopt niet.")
    result = evaluate(sample)
    # Taint 200 / 800 = 25 %; projected 0,25 × 1.600 = 400; basic 2,9957 × 1.600 = 4.793,13;
    # allowance (4,7439 − 2,9957 − 1) × 400 = 299,29; upper limit 5.492,42 > 4.800: not acceptable.
    assert result.projected == Decimal("400.00")
    assert result.upper_limit == Decimal("5492.42")
    assert result.upper_pct == Decimal("57.21") and result.acceptable is False


def test_finding_needs_an_amount_for_an_error_and_a_note(db):
    paid = paid_population(db, claims=3)
    sample = create_sample(db, paid.auditor, request_for(paid, tolerable=Decimal("2000")))
    with pytest.raises(SamplingError, match="Afwijking"):
        record_finding(db, paid.auditor, sample.items[0], "error", None, "x")
    with pytest.raises(SamplingError, match="Afwijking"):
        record_finding(db, paid.auditor, sample.items[0], "error", Decimal("900"), "x")
    with pytest.raises(SamplingError, match="Toelichting"):
        record_finding(db, paid.auditor, sample.items[0], "not_verifiable", None, " ")


def test_a_handed_over_finding_is_linked_to_the_reviewers_revocation(db):
    paid = paid_population(db, claims=3)
    sample = create_sample(db, paid.auditor, request_for(paid, tolerable=Decimal("2000")))
    item = sample.items[0]
    record_finding(db, paid.auditor, item, "error", Decimal("800"), "Geen intakeverslag.")
    hand_over(db, paid.auditor, item)
    with pytest.raises(SamplingError, match="overgedragen"):
        record_finding(db, paid.auditor, item, "correct", None, None)
    claim = db.get(MilestoneClaim, item.claim_id)
    review = revoke_approval(db, paid.reviewer, claim, reason_text="Auditbevinding: geen intakeverslag.")
    db.refresh(item)
    assert item.revocation_review_id == review.id and claim.review == "rejected"
    assert db.scalar(select(AuditSampleItem).where(AuditSampleItem.revocation_review_id == review.id)) == item


def test_the_report_is_a_pdf_with_the_evaluation(db):
    from pypdf import PdfReader
    import io
    paid = paid_population(db, claims=3)
    sample = create_sample(db, paid.auditor, request_for(paid, tolerable=Decimal("2000")))
    record_finding(db, paid.auditor, sample.items[0], "error", Decimal("100"), "Te veel betaald.")
    pdf = render_sample_pdf(sample, evaluate(sample))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert pdf.startswith(b"%PDF") and f"Steekproef {sample.id}" in text and "Te veel betaald." in text
    assert "Maximale fout" in text


def test_approved_claims_are_valued_at_their_tranche_of_the_price(db):
    paid = paid_population(db, claims=3)
    population = load_population(db, request_for(paid, population="approved_claims", method="attribute"))
    assert [i.book_value for i in population] == [Decimal("800.00")] * 3   # intake: 20 % of € 4.000


def test_a_segment_samples_all_its_contracts(db):
    paid = paid_population(db, claims=2)
    other = paid_population(db, claims=3)
    segment = paid.contract.segment
    population = load_population(db, request_for(paid, contract_id=None, segment=segment))
    both = [i.id for p in (paid, other) for i in load_population(db, request_for(p))]
    assert len(both) == 5 and set(both) <= {i.id for i in population}
