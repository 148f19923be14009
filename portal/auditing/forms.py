"""The auditor's forms: the trail's search, a new sample, a finding; every message names its field in Dutch."""
from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..trajectories.forms import NlDateField, NlDecimalField, choices
from .sampling import CONFIDENCE_LEVELS, FINDING_LABELS, METHOD_LABELS, POPULATION_LABELS


class EventSearchForm(FlaskForm):
    """Search the audit trail (a GET form: nothing changes, no CSRF token)."""

    class Meta:
        csrf = False

    type = StringField("Soort object", validators=[Optional(), Length(max=40, message="Soort object: te lang.")])
    object = StringField("Object-id", validators=[Optional(), Length(max=40, message="Object-id: te lang.")])
    gebruiker = StringField("Gebruiker (e-mailadres of ‘system’)",
                            validators=[Optional(), Length(max=200, message="Gebruiker: te lang.")])
    actie = StringField("Actie", validators=[Optional(), Length(max=60, message="Actie: te lang.")])
    van = NlDateField("Van (datum)", validators=[Optional()])
    tot = NlDateField("Tot en met (datum)", validators=[Optional()])

    def validate_tot(self, field) -> None:
        if field.data and self.van.data and field.data < self.van.data:
            raise ValidationError("Tot en met: de einddatum ligt vóór de begindatum.")


def _positive_or_zero(_form, field) -> None:
    if field.data is not None and field.data < 0:
        raise ValidationError(f"{field.label.text}: vul nul of meer in.")


class SampleForm(FlaskForm):
    contract = SelectField("Contract", validate_choice=False)
    segment = SelectField("Of alle contracten van segment", validate_choice=False)
    van = NlDateField("Periode van", validators=[InputRequired("Periode van: vul een datum in.")])
    tot = NlDateField("Periode tot en met", validators=[InputRequired("Periode tot en met: vul een datum in.")])
    populatie = SelectField("Populatie", choices=choices(POPULATION_LABELS.items()), default="paid_lines")
    methode = SelectField("Methode", choices=choices(METHOD_LABELS.items()), default="mus")
    betrouwbaarheid = SelectField("Betrouwbaarheid", default="95",
                                  choices=choices((str(c), f"{c} %") for c in CONFIDENCE_LEVELS))
    toelaatbaar = NlDecimalField("Toelaatbare afwijking (euro bij MUS, procent bij attribute sampling)",
                                 validators=[InputRequired("Toelaatbare afwijking: vul een waarde in."),
                                             _positive_or_zero])
    verwacht = NlDecimalField("Verwachte afwijking (euro bij MUS, procent bij attribute sampling)",
                              validators=[InputRequired("Verwachte afwijking: vul een waarde in (0 mag)."),
                                          _positive_or_zero])
    startwaarde = StringField("Startwaarde (leeg: het portaal kiest er een)",
                              validators=[Optional(), Length(max=40, message="Startwaarde: hoogstens 40 tekens.")])

    def validate_contract(self, field) -> None:
        valid = {c.value for c in field.choices}
        if field.data and field.data not in valid:
            raise ValidationError("Contract: kies een contract uit de lijst.")
        if not field.data and not self.segment.data:
            raise ValidationError("Contract: kies een contract of een segment.")

    def validate_segment(self, field) -> None:
        if field.data and field.data not in {c.value for c in field.choices}:
            raise ValidationError("Segment: kies een segment uit de lijst.")

    def validate_tot(self, field) -> None:
        if field.data and self.van.data and field.data < self.van.data:
            raise ValidationError("Periode tot en met: de einddatum ligt vóór de begindatum.")

    def confidence(self) -> Decimal:
        return Decimal(self.betrouwbaarheid.data)


class FindingForm(FlaskForm):
    bevinding = SelectField("Bevinding", choices=choices(FINDING_LABELS.items(), "Kies…"),
                            validators=[DataRequired("Bevinding: kies juist, fout of niet controleerbaar.")])
    afwijking = NlDecimalField("Ten onrechte betaald bedrag (bij een fout)", validators=[Optional()])
    toelichting = TextAreaField("Toelichting", validators=[Length(max=2000, message="Toelichting: hoogstens 2000 "
                                                                                    "tekens.")])


class HandOverForm(FlaskForm):
    """Hand a finding to the contract managers: nothing to fill in but the CSRF token."""
