"""The contract terms form (new contract and amendment): plain text inputs, validated by the engine's rules."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, FieldList, Form, FormField, HiddenField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.widgets import CheckboxInput, ListWidget

from ..formatting import label
from ..models.enums import END_REASONS, MILESTONE_TYPES, SEGMENTS
from ..trajectories.forms import choices

TRANCHE_ROWS, STAFFEL_ROWS, FUNDING_ROWS = 5, 6, 3
MILESTONE_CHOICES = choices(((m, label(m)) for m in MILESTONE_TYPES), "—")
DATE = {"type": "date"}


class TrancheRow(Form):
    code = StringField("Code")
    milestone = SelectField("Mijlpaal", choices=MILESTONE_CHOICES, validate_choice=False)
    share = StringField("Aandeel (%)", render_kw={"inputmode": "decimal"})
    amount = StringField("Bedrag (€)", render_kw={"inputmode": "decimal"})
    result = BooleanField("Resultaatafhankelijk")


class StaffelRow(Form):
    min_ratio = StringField("Vanaf realisatie (0–1)", render_kw={"inputmode": "decimal"})
    pay = StringField("Uitbetaling (0–1)", render_kw={"inputmode": "decimal"})


class FundingRow(Form):
    source = StringField("Bron")
    share = StringField("Aandeel (%)", render_kw={"inputmode": "decimal"})


class CapRow(Form):
    municipality = HiddenField()
    cap = StringField("Plafond", render_kw={"inputmode": "numeric"})


class TermsForm(FlaskForm):
    """Everything the engine settles with; the field names follow the scenario format's keys."""

    start = StringField("Begindatum", render_kw=DATE)
    end = StringField("Einddatum", render_kw=DATE)
    price = StringField("Prijs per traject (€)", render_kw={"inputmode": "decimal"})
    vat_rate = StringField("Btw-tarief (%)", render_kw={"inputmode": "decimal"})
    max_trajectories = StringField("Maximaal aantal trajecten", render_kw={"inputmode": "numeric"})
    submission_deadline_days = StringField("Indientermijn (dagen)", render_kw={"inputmode": "numeric"})
    tranches = FieldList(FormField(TrancheRow), min_entries=TRANCHE_ROWS)
    has_norm = BooleanField("Dit contract heeft een prestatienorm")
    norm_milestone = SelectField("Prestatienorm: resultaat", choices=MILESTONE_CHOICES, validate_choice=False)
    norm_rate = StringField("Prestatienorm: norm (%)", render_kw={"inputmode": "decimal"})
    norm_measurement_months = StringField("Meetperiode (maanden)", render_kw={"inputmode": "numeric"})
    norm_window_months = StringField("Resultaattermijn (maanden)", render_kw={"inputmode": "numeric"})
    excluded_end_reasons = SelectMultipleField("Neutrale uitstroom (telt niet mee in de norm)",
                                               choices=choices((r, label(r)) for r in sorted(END_REASONS)),
                                               option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
                                               validate_choice=False)
    staffel = FieldList(FormField(StaffelRow), min_entries=STAFFEL_ROWS)
    funding = FieldList(FormField(FundingRow), min_entries=FUNDING_ROWS)
    caps = FieldList(FormField(CapRow))


class NewContractForm(TermsForm):
    consortium = SelectField("Consortium", coerce=str, validate_choice=False)
    code = StringField("Contractcode")
    provider = SelectField("Re-integratiebedrijf", validate_choice=False)
    segment = SelectField("Segment", choices=choices(((s, label(s)) for s in SEGMENTS), "—"), validate_choice=False)


class AmendmentForm(TermsForm):
    reason = TextAreaField("Reden van de wijziging")


class DecisionForm(FlaskForm):
    note = TextAreaField("Toelichting (verplicht bij afwijzen)")


def terms_form_data(terms: dict, municipalities: list[tuple[str, str]]) -> dict:
    """Turn a stored snapshot into the form's initial data (for an amendment: start from the current terms)."""
    norm = terms.get("norm")
    caps = terms.get("municipality_caps") or {}
    data = {key: terms.get(key) for key in ("start", "end", "price", "vat_rate", "max_trajectories",
                                            "submission_deadline_days")}
    data = {k: "" if v is None else str(v) for k, v in data.items()}
    data["tranches"] = [{"code": t["code"], "milestone": t["milestone"], "share": t.get("share", ""),
                         "amount": t.get("amount", ""), "result": t["result"]} for t in terms.get("tranches", [])]
    data["has_norm"] = norm is not None
    if norm is not None:
        data.update(norm_milestone=norm["milestone"], norm_rate=norm["rate"],
                    norm_measurement_months=str(norm["measurement_months"]),
                    norm_window_months=str(norm["window_months"]),
                    excluded_end_reasons=list(norm.get("excluded_end_reasons", [])),
                    staffel=[dict(s) for s in norm["staffel"]])
    data["funding"] = [dict(f) for f in terms.get("funding", [])]
    data["caps"] = [{"municipality": code, "cap": "" if code not in caps else str(caps[code])}
                    for code, _name in municipalities]
    return data


def cap_rows(municipalities: list[tuple[str, str]]) -> list[dict]:
    return [{"municipality": code, "cap": ""} for code, _name in municipalities]


def form_field(form, name: str):
    """Find a (possibly nested) field by its WTForms name, such as `tranches-1-share`."""
    parts = name.split("-")
    if parts[0] not in form:
        return None
    field = form[parts[0]]
    if len(parts) == 3:
        field = field[int(parts[1])][parts[2]]
    return field
