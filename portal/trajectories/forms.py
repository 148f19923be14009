"""Forms of the klantmanager and the bureau; every label and message is Dutch and names its field."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, Field, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from ..formatting import label
from ..hardening import database_id
from ..identifiers import InvalidIdentifier, clean_bsn, clean_kvk
from ..clients.labels import FACT_LABELS
from .worklists import WORKLISTS
from ..models.client_enums import ISCED_LEVELS, LADDER_RUNGS
from ..models.enums import (BENEFIT_ENDINGS, BENEFITS, CONTRACT_TYPES, END_REASONS, EVIDENCE_KINDS, SEGMENTS,
                            TARGET_GROUPS, TRAJECTORY_STATES)


def choices(pairs, empty: str | None = None) -> list[SelectChoice]:
    """Return select options from (value, label) pairs, with an empty first option when asked."""
    options = [SelectChoice(value, text) for value, text in pairs]
    return [SelectChoice("", empty)] + options if empty is not None else options


def _choices(codes, empty: str | None = None) -> list[SelectChoice]:
    return choices(((c, label(c)) for c in codes), empty)


#: Dates outside these years are typing errors (a birth in 9999, a run on 01-01-0001), never real facts.
PLAUSIBLE_YEARS = (1900, 2100)
#: Every amount, hour count and wage fits a NUMERIC(12, 2) well below this.
LARGEST_NUMBER = Decimal(10) ** 9


#: What a date field accepts: dd-mm-jjjj as people type it, and jjjj-mm-dd as older links and tools send it.
DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d")
DATE_PATTERN = r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}"


def parse_nl_date(text: str) -> date:
    """Parse dd-mm-jjjj (or jjjj-mm-dd); raise ValueError when it is neither."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class NlDateInput(TextInput):
    """A text input, not type=date: a browser set to English would show and expect mm/dd/yyyy there."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("inputmode", "numeric")
        kwargs.setdefault("pattern", DATE_PATTERN)
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("size", 10)
        return super().__call__(field, **kwargs)


class NlDateField(Field):
    """A date typed as dd-mm-jjjj, the same in every browser; the server parses it and the error names the field."""

    widget = NlDateInput()

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d-%m-%Y") if self.data else ""

    def process_formdata(self, valuelist):
        text = " ".join(valuelist).strip() if valuelist else ""
        self.data = None
        if not text:
            self.raw_data = []  # blank is empty: InputRequired then refuses it, as it does a missing field
            return
        try:
            parsed = parse_nl_date(text)
        except ValueError:
            raise ValueError(f"{self.label.text}: dit is geen geldige datum (dd-mm-jjjj).") from None
        if not PLAUSIBLE_YEARS[0] <= parsed.year <= PLAUSIBLE_YEARS[1]:
            raise ValueError(f"{self.label.text}: {parsed:%d-%m-%Y} kan niet kloppen; vul een datum tussen "
                             f"{PLAUSIBLE_YEARS[0]} en {PLAUSIBLE_YEARS[1]} in.")
        self.data = parsed


class NlDecimalField(Field):
    """A number with a Dutch decimal comma (36,5 or 2.150,00); the error names the field."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data}".replace(".", ",") if self.data is not None else ""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip().replace(" ", "").replace("€", "")
        self.data = None
        if not text:
            self.raw_data = []  # blank is empty: InputRequired then refuses it, as it does a missing field
            return
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            self.data = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{self.label.text}: vul een getal in, bijvoorbeeld 36,5.") from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError(f"{self.label.text}: vul een getal in, bijvoorbeeld 36,5.")
        if abs(self.data) >= LARGEST_NUMBER:
            self.data = None
            raise ValueError(f"{self.label.text}: dit getal is te groot.")


def optional_int(value) -> int | None:
    """Coerce a select's value to an id; the empty first option is None."""
    return database_id(value) if value not in ("", None) else None


def _required(message: str):
    return InputRequired(message=message)


def _valid_bsn(form, field):
    try:
        field.data = clean_bsn(field.data or "")
    except InvalidIdentifier as error:
        raise ValidationError(f"BSN: {error}") from None


def _valid_kvk(form, field):
    if field.data:
        try:
            field.data = clean_kvk(field.data)
        except InvalidIdentifier as error:
            raise ValidationError(f"KvK-nummer: {error}") from None


class BsnSearchForm(FlaskForm):
    bsn = StringField("BSN", validators=[DataRequired("Vul het BSN van de cliënt in."), _valid_bsn],
                      render_kw={"autocomplete": "off", "inputmode": "numeric"})


class ClientForm(FlaskForm):
    bsn = StringField("BSN", validators=[DataRequired("Vul het BSN van de cliënt in."), _valid_bsn],
                      render_kw={"autocomplete": "off", "inputmode": "numeric"})
    first_name = StringField("Voornaam", validators=[DataRequired("Vul de voornaam in."),
                                                    Length(max=100, message="Voornaam: hoogstens 100 tekens.")])
    last_name = StringField("Achternaam", validators=[DataRequired("Vul de achternaam in."),
                                                     Length(max=100, message="Achternaam: hoogstens 100 tekens.")])
    birth_date = NlDateField("Geboortedatum", validators=[_required("Vul de geboortedatum in.")])
    target_group = SelectField("Doelgroep", choices=choices(((g, FACT_LABELS[g]) for g in TARGET_GROUPS),
                                                           "Kies een doelgroep"),
                               validators=[DataRequired("Kies een doelgroep.")])
    benefit = SelectField("Uitkering", choices=choices(((b, FACT_LABELS[b]) for b in BENEFITS), "Kies een uitkering"),
                          validators=[DataRequired("Kies de uitkering.")])


class ReferralForm(FlaskForm):
    contract_id = SelectField("Contract (segment en re-integratiebedrijf)", coerce=optional_int,
                              validators=[InputRequired("Kies een contract.")])
    referred_on = NlDateField("Datum aanmelding", validators=[_required("Vul de datum van aanmelding in.")])
    note = TextAreaField("Toelichting voor het re-integratiebedrijf", validators=[Optional(), Length(
        max=2000, message="Toelichting: hoogstens 2000 tekens.")])
    confirm_over_volume = BooleanField("Ik weet dat het volume bereikt is en meld toch aan")
    # Client facts recorded at referral (issue 9); portal.clients.referral checks them.
    profile = SelectField("Cliëntprofiel", validators=[Optional()], validate_choice=False)
    ladder_rung = SelectField("Trede op de participatieladder bij intake", validators=[Optional()],
                              choices=choices([(str(r), f"{r} — {n}") for r, n in LADDER_RUNGS.items()], "Niet gemeten"))
    gender = SelectField("Geslacht (ESF)", choices=choices([("man", "Man"), ("vrouw", "Vrouw"), ("x", "X")], "Kies"),
                         validators=[Optional()])
    isced = SelectField("Opleidingsniveau (ISCED, ESF)", choices=choices(((i, f"ISCED {i}") for i in ISCED_LEVELS), "Kies"),
                        validators=[Optional()])
    labour_status = SelectField("Arbeidsmarktstatus bij start (ESF)", validators=[Optional()],
                                choices=choices([("unemployed", "Werkloos"), ("long_term_unemployed",
                                                 "Langdurig werkloos"), ("inactive", "Inactief")], "Kies"))


class AcceptForm(FlaskForm):
    start = NlDateField("Startdatum", validators=[_required("Vul de startdatum van het traject in.")])


class DeclineForm(FlaskForm):
    reason = TextAreaField("Reden van weigering", validators=[DataRequired("Geef een reden van weigering."),
                                                             Length(max=2000, message="Reden: hoogstens 2000 tekens.")])


class PlanForm(FlaskForm):
    text = TextAreaField("Trajectplan", validators=[DataRequired("Schrijf het trajectplan."), Length(
        min=20, max=20000, message="Trajectplan: tussen 20 en 20.000 tekens.")], render_kw={"rows": 12})


class PlanApproveForm(FlaskForm):
    pass


class PlanReturnForm(FlaskForm):
    feedback = TextAreaField("Wat moet er anders", validators=[DataRequired("Schrijf wat er aan het plan moet veranderen."),
                                                               Length(max=4000, message="Hoogstens 4000 tekens.")])


class EndForm(FlaskForm):
    end = NlDateField("Einddatum", validators=[_required("Vul de einddatum in.")])
    reason = SelectField("Reden van beëindiging", choices=_choices(END_REASONS, "Kies een reden"),
                         validators=[DataRequired("Kies een reden van beëindiging.")])
    note = TextAreaField("Toelichting", validators=[Optional(), Length(max=2000, message="Hoogstens 2000 tekens.")])


class _EvidenceFields(FlaskForm):
    evidence_kind = SelectField("Soort bewijsstuk", choices=_choices(EVIDENCE_KINDS, "Kies een soort"),
                                validators=[DataRequired("Kies wat voor bewijsstuk u meestuurt.")])
    files = MultipleFileField("Bewijsstukken (PDF, PNG of JPEG, elk hoogstens 10 MB)")
    note = TextAreaField("Toelichting", validators=[Optional(), Length(max=2000, message="Hoogstens 2000 tekens.")])


class ClaimForm(_EvidenceFields):
    type = SelectField("Mijlpaal", validators=[DataRequired("Kies de mijlpaal.")])
    happened = NlDateField("Datum van de mijlpaal", validators=[_required("Vul de datum van de mijlpaal in.")])
    placement_id = SelectField("Bij plaatsing (alleen voor duurzame plaatsing)", coerce=optional_int,
                               validators=[Optional()])


class PlacementForm(_EvidenceFields):
    employer_name = StringField("Naam werkgever", validators=[DataRequired("Vul de naam van de werkgever in."),
                                                             Length(max=200, message="Hoogstens 200 tekens.")])
    employer_kvk = StringField("KvK-nummer werkgever", validators=[Optional(), _valid_kvk],
                               render_kw={"inputmode": "numeric"})
    start_date = NlDateField("Eerste werkdag", validators=[_required("Vul de eerste werkdag in.")])
    contract_type = SelectField("Soort contract", choices=_choices(CONTRACT_TYPES, "Kies een soort"),
                                validators=[DataRequired("Kies het soort arbeidscontract.")])
    hours_per_week = NlDecimalField("Uren per week", validators=[_required("Vul het aantal uren per week in.")])
    gross_wage = NlDecimalField("Bruto maandloon (€)", validators=[_required("Vul het bruto maandloon in.")])
    benefit_ends = SelectField("Uitkering stopt", choices=_choices(BENEFIT_ENDINGS, "Kies"),
                               validators=[DataRequired("Geef aan of de uitkering stopt.")])

    def validate_hours_per_week(self, field):
        if field.data is not None and not Decimal(0) < field.data <= Decimal(60):
            raise ValidationError("Uren per week: meer dan 0 en hoogstens 60.")

    def validate_gross_wage(self, field):
        if field.data is not None and field.data < 0:
            raise ValidationError("Bruto maandloon: mag niet negatief zijn.")


class ListFilterForm(FlaskForm):
    """The filters of the trajectory list (a GET form: no CSRF, nothing changes)."""

    class Meta:
        csrf = False

    q = StringField("Zoeken", validators=[Optional(), Length(max=100)],
                    description="Trajectnummer, cliëntnummer of achternaam")
    status = SelectField("Status", choices=_choices(TRAJECTORY_STATES, "Alle"), validators=[Optional()])
    segment = SelectField("Segment", choices=_choices(SEGMENTS, "Alle"), validators=[Optional()])
    municipality = SelectField("Gemeente", coerce=optional_int, validators=[Optional()])
    target_group = SelectField("Doelgroep (vandaag)", choices=choices(
        ((g, FACT_LABELS[g]) for g in TARGET_GROUPS), "Alle"), validators=[Optional()])
    benefit = SelectField("Uitkering (vandaag)", choices=choices(((b, FACT_LABELS[b]) for b in BENEFITS), "Alle"),
                          validators=[Optional()])
    profile = SelectField("Cliëntprofiel (vandaag)", validators=[Optional()])  # choices: the admin's list
    waiting = BooleanField("Wacht op mij")
    work = SelectField("Werklijst", choices=choices(WORKLISTS.items(), "Geen"), validators=[Optional()])
    sort = SelectField("Sorteren op", choices=choices([("ref", "Trajectnummer"), ("start", "Startdatum"),
                                                       ("status", "Status"), ("municipality", "Gemeente")]),
                       validators=[Optional()])
    direction = SelectField("Volgorde", choices=choices([("asc", "Oplopend"), ("desc", "Aflopend")]),
                            validators=[Optional()])
