"""Forms of the client facts; every label and message is Dutch and names its field."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from ..models.client_enums import (ACTIVATION_KINDS, EXIT_RESULTS, FACT_KINDS, GENDERS, ISCED_LEVELS, LABOUR_STATUSES,
                                   LADDER_RUNGS, LANGUAGE_LEVELS, PLACEMENT_CHANGES)
from ..models.enums import BENEFITS, TARGET_GROUPS
from ..trajectories.forms import NlDateField, NlDecimalField, choices
from .labels import fact_label, isced_label

RUNG_CHOICES = [(str(r), fact_label(r)) for r in LADDER_RUNGS]


def _codes(codes, empty: str | None = None, labeller=fact_label):
    return choices(((c, labeller(c)) for c in codes), empty)


def value_choices(profiles) -> list:
    """All values of all kinds, grouped by kind in the label (the service checks the pair)."""
    groups = [("target_group", TARGET_GROUPS), ("benefit", BENEFITS), ("language_level", LANGUAGE_LEVELS)]
    pairs = [(v, f"{fact_label(kind)}: {fact_label(v)}") for kind, values in groups for v in values]
    pairs += [(p.code, f"Cliëntprofiel: {p.name}") for p in profiles]
    return choices(pairs, "Kies een waarde")


class FactForm(FlaskForm):
    kind = SelectField("Soort gegeven", choices=_codes(FACT_KINDS, "Kies wat u vastlegt"),
                       validators=[DataRequired("Soort gegeven: kies wat u vastlegt.")])
    value = SelectField("Waarde", validators=[DataRequired("Waarde: kies een waarde.")], validate_choice=False)
    valid_from = NlDateField("Geldig vanaf", validators=[InputRequired("Geldig vanaf: vul een datum in.")])
    ends = BooleanField("De cliënt hoort vanaf deze datum niet meer bij deze doelgroep")


class LadderForm(FlaskForm):
    rung = SelectField("Trede", choices=choices(RUNG_CHOICES, "Kies een trede"),
                       validators=[DataRequired("Trede: kies een trede.")])
    measured_on = NlDateField("Datum meting", validators=[InputRequired("Datum meting: vul een datum in.")])
    at_intake = BooleanField("Dit is de meting bij intake")
    note = TextAreaField("Toelichting", validators=[Optional(), Length(max=2000, message="Hoogstens 2000 tekens.")])


class DecisionForm(FlaskForm):
    decision = SelectField("Besluit", choices=choices([("confirm", "Bevestigen"), ("reject", "Afwijzen")]),
                           validators=[DataRequired("Besluit: kies bevestigen of afwijzen.")])


class ActivationForm(FlaskForm):
    kind = SelectField("Soort resultaat", choices=_codes(ACTIVATION_KINDS, "Kies een soort"),
                       validators=[DataRequired("Soort resultaat: kies een soort.")])
    start = NlDateField("Startdatum", validators=[InputRequired("Startdatum: vul een datum in.")])
    end = NlDateField("Einddatum (leeg als het doorloopt)", validators=[Optional()])
    note = TextAreaField("Toelichting", validators=[Optional(), Length(max=2000, message="Hoogstens 2000 tekens.")])


class PlacementChangeForm(FlaskForm):
    kind = SelectField("Soort wijziging", choices=_codes(PLACEMENT_CHANGES, "Kies een soort"),
                       validators=[DataRequired("Soort wijziging: kies een soort.")])
    changed_on = NlDateField("Datum wijziging", validators=[InputRequired("Datum wijziging: vul een datum in.")])
    hours_per_week = NlDecimalField("Nieuwe uren per week (bij minder uren)", validators=[Optional()])
    note = TextAreaField("Toelichting", validators=[Optional(), Length(max=2000, message="Hoogstens 2000 tekens.")])


class EsfForm(FlaskForm):
    gender = SelectField("Geslacht", choices=_codes(GENDERS, "Kies"), validators=[DataRequired("Geslacht: kies.")])
    isced = SelectField("Opleidingsniveau (ISCED)", choices=_codes(ISCED_LEVELS, "Kies", isced_label),
                        validators=[DataRequired("Opleidingsniveau (ISCED): kies.")])
    labour_status = SelectField("Arbeidsmarktstatus bij start", choices=_codes(LABOUR_STATUSES, "Kies"),
                                validators=[DataRequired("Arbeidsmarktstatus bij start: kies.")])
    exit_result = SelectField("Resultaat bij uitstroom", choices=_codes(EXIT_RESULTS, "Nog niet bekend"),
                              validators=[Optional()])


class ProfileForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired("Code: vul een korte code in."),
                                           Length(max=30, message="Code: hoogstens 30 tekens.")])
    name = StringField("Naam", validators=[DataRequired("Naam: vul een naam in."),
                                           Length(max=100, message="Naam: hoogstens 100 tekens.")])
    description = TextAreaField("Omschrijving", validators=[Optional(), Length(max=2000)])
    position = IntegerField("Volgorde", validators=[Optional()])


class DurableTermsForm(FlaskForm):
    months = IntegerField("Maanden aan het werk", validators=[InputRequired("Maanden aan het werk: vul een getal in.")])
    benefit_must_end = BooleanField("De uitkering moet volledig stoppen")



class ClientDetailsForm(FlaskForm):
    """Name and contact details; the BSN is not on this form (it cannot be changed)."""

    first_name = StringField("Voornaam", validators=[DataRequired("Voornaam: vul de voornaam in."),
                                                    Length(max=100, message="Voornaam: hoogstens 100 tekens.")])
    last_name = StringField("Achternaam", validators=[DataRequired("Achternaam: vul de achternaam in."),
                                                     Length(max=100, message="Achternaam: hoogstens 100 tekens.")])
    phone = StringField("Telefoonnummer", validators=[Optional(), Regexp(r"^\+?[0-9 ()-]{6,20}$", message=(
        "Telefoonnummer: alleen cijfers, spaties, haakjes, streepjes en een + vooraan (6 tot 20 tekens)."))],
        render_kw={"autocomplete": "off", "inputmode": "tel"})
    email = StringField("E-mailadres", validators=[Optional(), Length(max=200, message="E-mailadres: te lang."),
                                                   Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                                          message="E-mailadres: dit is geen geldig e-mailadres.")],
                        render_kw={"autocomplete": "off", "inputmode": "email"})
