"""One marshmallow schema per resource: it validates the request, shapes the answer and is the OpenAPI schema."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from ..hardening import BIDI_CONTROLS, FORBIDDEN, MAX_ID
from ..models.enums import BENEFITS, TARGET_GROUPS, BENEFIT_ENDINGS, CONTRACT_TYPES, END_REASONS, EVIDENCE_KINDS, SEGMENTS, TRAJECTORY_STATES

MONEY = {"type": "string", "format": "decimal", "pattern": r"^-?[0-9]+\.[0-9]{2}$",
         "description": "Bedrag in euro met twee decimalen, als tekst (geen afronding door JSON)."}


def _codes(values) -> list[str]:
    return list(values.keys()) if isinstance(values, dict) else [v[0] if isinstance(v, tuple) else v for v in values]


def Money(**kwargs) -> fields.Decimal:  # noqa: N802 - a field factory reads like a field class
    return fields.Decimal(as_string=True, places=2, metadata=MONEY, **kwargs)


def _plain_text(value: str) -> None:
    if FORBIDDEN.search(value) or BIDI_CONTROLS.search(value):
        raise ValidationError("Dit veld bevat een teken dat niet is toegestaan (een stuurteken).")


def _between(low: int, high: int):
    """A bound on a decimal sent as text (a Range validator would put a decimal string in the OpenAPI bounds)."""
    def check(value) -> None:
        if not low <= value <= high:
            raise ValidationError(f"Kies een waarde van {low} tot en met {high}.")
    return check


def Text(*, required: bool = False, max_length: int = 5000, min_length: int = 0, **kwargs) -> fields.String:  # noqa: N802
    """Free text: no control characters, bounded length."""
    return fields.String(required=required, validate=[validate.Length(min=min_length, max=max_length), _plain_text],
                         **kwargs)


def Id(**kwargs) -> fields.Integer:  # noqa: N802
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class Strict(Schema):
    """Unknown fields are refused (marshmallow's default), so a typo is a 422, never silently ignored."""


# ---------------------------------------------------------------- input

class AcceptIn(Strict):
    start = fields.Date(required=True, metadata={"description": "Startdatum van het traject."})


class DeclineIn(Strict):
    reason = Text(required=True, min_length=1, metadata={"description": "Reden die de klantmanager leest."})


class PlanIn(Strict):
    text = Text(required=True, min_length=1, max_length=20000)


class PlanReturnIn(Strict):
    feedback = Text(required=True, min_length=1)


class EndIn(Strict):
    end = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(_codes(END_REASONS)))
    note = Text(allow_none=True, load_default=None)


class ClaimIn(Strict):
    """A milestone claim, sent as multipart/form-data with one or more `files`."""

    type = fields.String(required=True, metadata={"description": "Mijlpaal, bijvoorbeeld intake of plan."})
    happened = fields.Date(required=True, metadata={"description": "Datum waarop de mijlpaal is bereikt."})
    evidence_kind = fields.String(required=True, validate=validate.OneOf(_codes(EVIDENCE_KINDS)))
    note = Text(allow_none=True, load_default=None)
    placement_id = Id(allow_none=True, load_default=None,
                      metadata={"description": "Bij een duurzame plaatsing: de plaatsing waar hij bij hoort."})


class PlacementIn(Strict):
    """A placement with its facts, sent as multipart/form-data with one or more `files`."""

    employer_name = Text(required=True, min_length=1, max_length=200)
    employer_kvk = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=20))
    start_date = fields.Date(required=True)
    contract_type = fields.String(required=True, validate=validate.OneOf(_codes(CONTRACT_TYPES)))
    hours_per_week = fields.Decimal(required=True, places=2, metadata={"type": "string", "format": "decimal"},
                                    validate=_between(0, 168))
    gross_wage = fields.Decimal(required=True, places=2, metadata=MONEY, validate=_between(0, 10**8))
    benefit_ends = fields.String(required=True, validate=validate.OneOf(BENEFIT_ENDINGS))
    evidence_kind = fields.String(load_default="employment_contract", validate=validate.OneOf(_codes(EVIDENCE_KINDS)))
    note = Text(allow_none=True, load_default=None)


class ObjectionIn(Strict):
    settlement_line_id = Id(required=True)
    motivation = Text(required=True, min_length=1)


class BsnIn(Strict):
    bsn = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{8,9}$", error="Een BSN heeft 8 of 9 cijfers."),
                        metadata={"description": "Burgerservicenummer; alleen in de body, nooit in een adres."})


class ClientIn(BsnIn):
    first_name = Text(required=True, min_length=1, max_length=100)
    last_name = Text(required=True, min_length=1, max_length=100)
    birth_date = fields.Date(allow_none=True, load_default=None)
    target_group = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(TARGET_GROUPS))
    benefit = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(BENEFITS))


class ReferralIn(Strict):
    contract_id = Id(required=True)
    referred_on = fields.Date(required=True)
    note = Text(allow_none=True, load_default=None)
    profile = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=40),
                            metadata={"description": "Code van een cliëntprofiel."})
    ladder_rung = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=10),
                                metadata={"description": "Trede op de participatieladder bij de intake (1-6)."})
    confirm_over_volume = fields.Boolean(load_default=False,
                                         metadata={"description": "Bevestig een aanmelding boven het volume."})


class TrajectoryQuery(Strict):
    status = fields.String(validate=validate.OneOf(TRAJECTORY_STATES))
    segment = fields.String(validate=validate.OneOf(_codes(SEGMENTS)))
    q = Text(max_length=100, metadata={"description": "Trajectnummer, cliëntnummer of (deel van) de achternaam."})
    after = fields.String(validate=validate.Length(max=100), metadata={"description": "Cursor van de vorige pagina."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class PageQuery(Strict):
    after = fields.String(validate=validate.Length(max=100))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ResultsQuery(Strict):
    as_of = fields.Date(metadata={"description": "Peildatum (standaard vandaag)."})


# ---------------------------------------------------------------- output

class ReviewOut(Schema):
    decision = fields.String(required=True, metadata={"description": "approved, rejected, revoked, reinstated"})
    reason_code = fields.String(allow_none=True, required=True)
    reason_text = fields.String(allow_none=True, required=True)
    decided_on = fields.Date(required=True)


class EvidenceOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)


class ClaimOut(Schema):
    id = fields.Integer(required=True)
    ref = fields.String(required=True)
    trajectory_id = fields.Integer(required=True)
    type = fields.String(required=True)
    date = fields.Date(required=True)
    submitted = fields.Date(required=True)
    review = fields.String(required=True, metadata={"description": "pending, approved, rejected, revoked"})
    reviewed = fields.Date(allow_none=True, required=True)
    placement_id = fields.Integer(allow_none=True, required=True)
    note = fields.String(allow_none=True, required=True)
    reviews = fields.List(fields.Nested(ReviewOut), required=True)
    evidence = fields.List(fields.Nested(EvidenceOut), required=True)


class PlacementOut(Schema):
    id = fields.Integer(required=True)
    employer_name = fields.String(required=True)
    employer_kvk = fields.String(allow_none=True, required=True)
    start_date = fields.Date(required=True)
    contract_type = fields.String(required=True)
    hours_per_week = fields.Decimal(as_string=True, required=True, metadata={"type": "string"})
    gross_wage = Money(required=True)
    benefit_ends = fields.String(required=True)


class TrajectoryOut(Schema):
    id = fields.Integer(required=True)
    ref = fields.String(required=True)
    status = fields.String(required=True)
    segment = fields.String(required=True)
    contract_id = fields.Integer(required=True)
    municipality_id = fields.Integer(required=True)
    client_ref = fields.Function(lambda t: t.client.ref if t.client else None, allow_none=True, required=True,
                                 metadata={"type": "string"})
    referred_on = fields.Date(required=True)
    start = fields.Date(allow_none=True, required=True)
    end = fields.Date(allow_none=True, required=True)
    end_reason = fields.String(allow_none=True, required=True)
    plan_status = fields.String(required=True)
    decline_reason = fields.String(allow_none=True, required=True)


class TrajectoryDetailOut(TrajectoryOut):
    referral_note = fields.String(allow_none=True, required=True)
    plan_text = fields.String(allow_none=True, required=True)
    plan_feedback = fields.String(allow_none=True, required=True)
    placements = fields.List(fields.Nested(PlacementOut), required=True)
    claims = fields.List(fields.Nested(ClaimOut), required=True)


class TrajectoryPageOut(Schema):
    items = fields.List(fields.Nested(TrajectoryOut), required=True)
    next = fields.String(allow_none=True, required=True, metadata={"description": "Cursor voor ?after= (null: klaar)."})


class DocumentOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "invoice of credit_note"})
    display_number = fields.String(required=True)
    issue_date = fields.Date(required=True)
    subtotal = Money(required=True)
    vat = Money(required=True)
    total = Money(required=True)


class InvoiceOut(DocumentOut):
    run_id = fields.Integer(required=True)
    contract_id = fields.Integer(required=True)
    municipality_id = fields.Integer(required=True)
    due_date = fields.Date(required=True)
    pdf_sha256 = fields.String(required=True)
    ubl_sha256 = fields.String(required=True)


class StatementOut(Schema):
    id = fields.Integer(required=True)
    contract_id = fields.Integer(required=True)
    contract_code = fields.String(required=True)
    as_of = fields.Date(required=True)
    total_payable = Money(required=True)
    total_withheld = Money(required=True)
    total_pending = Money(required=True)
    documents = fields.List(fields.Nested(DocumentOut), required=True)


class LineOut(Schema):
    id = fields.Integer(required=True)
    claim_id = fields.Integer(allow_none=True, required=True)
    milestone_ref = fields.String(required=True)
    trajectory_ref = fields.String(required=True)
    tranche_code = fields.String(required=True)
    status = fields.String(required=True)
    reason = fields.String(allow_none=True, required=True)
    amount = Money(required=True)
    payable = Money(required=True)
    withheld = Money(required=True)
    pending = Money(required=True)
    delta = Money(required=True)
    objectable = fields.Boolean(required=True)


class StatementDetailOut(StatementOut):
    lines = fields.List(fields.Nested(LineOut), required=True)


class ObjectionOut(Schema):
    id = fields.Integer(required=True)
    settlement_line_id = fields.Integer(required=True)
    claim_id = fields.Integer(required=True)
    reason_objected = fields.String(required=True)
    motivation = fields.String(required=True)
    status = fields.String(required=True)
    decision_reason = fields.String(allow_none=True, required=True)


class ForecastOut(Schema):
    needed = fields.Integer(required=True, metadata={"description": "Resultaten nog nodig voor de norm."})
    can_deliver = fields.Integer(required=True)
    reachable = fields.Boolean(required=True)
    days_to_final = fields.Integer(required=True)
    pending = Money(required=True)
    pay_at_current = Money(required=True)
    pay_at_norm = Money(required=True)


class CohortOut(Schema):
    number = fields.Integer(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    final = fields.Boolean(required=True)
    status = fields.String(required=True, metadata={"description": "pending, met, not_met"})
    trajectories = fields.Integer(required=True)
    denominator = fields.Integer(required=True)
    numerator = fields.Integer(required=True)
    awaiting_review = fields.Integer(required=True)
    rate = fields.Decimal(as_string=True, allow_none=True, required=True, metadata={"type": ["string", "null"]})
    norm = fields.Decimal(as_string=True, required=True, metadata={"type": "string"})
    forecast = fields.Nested(ForecastOut, allow_none=True, required=True)


class ContractResultsOut(Schema):
    contract_id = fields.Integer(required=True)
    contract_code = fields.String(required=True)
    as_of = fields.Date(required=True)
    payable = Money(required=True)
    pending = Money(required=True)
    cohorts = fields.List(fields.Nested(CohortOut), required=True)


class EventOut(Schema):
    cursor = fields.String(required=True)
    type = fields.String(required=True, metadata={"description": "bijvoorbeeld trajectory.referred, claim.approved, "
                                                                 "invoice.issued"})
    occurred_at = fields.DateTime(required=True)
    object_type = fields.String(required=True)
    object_id = fields.Integer(required=True)
    data = fields.Dict(keys=fields.String(), required=True)


class EventPageOut(Schema):
    items = fields.List(fields.Nested(EventOut), required=True)
    next = fields.String(required=True, metadata={"description": "Geef deze cursor mee als ?after= bij de volgende keer."})


class ClientOut(Schema):
    id = fields.Integer(required=True)
    ref = fields.String(required=True)
    bsn_last4 = fields.String(required=True)
    first_name = fields.String(allow_none=True, required=True)
    last_name = fields.String(allow_none=True, required=True)
    birth_date = fields.Date(allow_none=True, required=True)


class ClientLookupOut(Schema):
    found = fields.Boolean(required=True)
    client = fields.Nested(ClientOut, allow_none=True, required=True)


class ContractOut(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    segment = fields.String(required=True)
    provider = fields.Function(lambda c: c.provider.name, required=True, metadata={"type": "string"})
    start = fields.Date(required=True)
    end = fields.Date(required=True)


class ProblemOut(Schema):
    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "Machineleesbare code van de fout."})
    detail = fields.String(required=True, metadata={"description": "Uitleg in het Nederlands."})
    instance = fields.String()
    errors = fields.List(fields.Dict(), metadata={"description": "Per veld (pad met punten) de meldingen."})


# ---------------------------------------------------------------- bulk import


class ImportIn(Strict):
    """A bulk import, sent as multipart/form-data: the CSV (one file named *.csv) and its evidence in `files`."""


class StoredRowOut(Schema):
    line = fields.Integer(metadata={"description": "Regel in het CSV-bestand (de kopregel is 1)."})
    trajectory = fields.String()
    type = fields.String()
    claim = fields.String(metadata={"description": "Referentie van de opgeslagen declaratie."})


class ImportOut(Schema):
    rows = fields.Integer(metadata={"description": "Aantal regels met gegevens."})
    saved = fields.Boolean(metadata={"description": "Of de regels zijn opgeslagen (alles of niets)."})
    stored = fields.List(fields.Nested(StoredRowOut), metadata={"description": "De opgeslagen regels (leeg bij "
                                                                               "alleen controleren)."})
