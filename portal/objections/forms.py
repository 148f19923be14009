"""The bureau's objection form and the contract manager's decision form."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..trajectories.forms import NlDateField
from .service import MAX_TEXT, MIN_MOTIVATION

DECISIONS = {"uphold": "Gegrond", "reject": "Ongegrond"}


class ObjectionForm(FlaskForm):
    motivation = TextAreaField(
        "Motivering van uw bezwaar",
        validators=[DataRequired("Motiveer uw bezwaar."),
                    Length(min=MIN_MOTIVATION, max=MAX_TEXT,
                           message=f"Gebruik ten minste {MIN_MOTIVATION} en hoogstens {MAX_TEXT} tekens.")])
    attachments = MultipleFileField("Bijlagen (optioneel: PDF, PNG of JPEG, elk hoogstens 10 MB)")


class DecisionForm(FlaskForm):
    decision = RadioField("Is het bezwaar gegrond?",
                          choices=[SelectChoice(value, text) for value, text in DECISIONS.items()],
                          validators=[DataRequired("Kies gegrond of ongegrond.")], validate_choice=True)
    reason = TextAreaField("Reden van het besluit",
                           validators=[DataRequired("Geef de reden van het besluit."),
                                       Length(max=MAX_TEXT, message=f"Gebruik hoogstens {MAX_TEXT} tekens.")])
    # Only for LATE_SUBMISSION (indieningsdatum) and OUTSIDE_WINDOW (datum mijlpaal); the page relabels it.
    corrected_date = NlDateField("Gecorrigeerde datum")
    # For NORM_NOT_MET, DUPLICATE_CLAIM and REVOKED: one of the corrections the page offers (checked by the service).
    correction = RadioField("Correctie", choices=[], validate_choice=False)

    @property
    def uphold(self) -> bool:
        return self.decision.data == "uphold"
