"""The reviewer's forms: approve, reject with a reason, revoke an approval."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from .service import REJECTION_REASONS


class ApproveForm(FlaskForm):
    """Approve: nothing to fill in but the CSRF token."""


class RejectForm(FlaskForm):
    reason_code = SelectField("Reden van afkeuring",
                              choices=[SelectChoice("", "Kies een reden")]
                              + [SelectChoice(code, text) for code, text in REJECTION_REASONS.items()],
                              validators=[DataRequired("Kies een reden van afkeuring.")],
                              validate_choice=False)
    reason_text = TextAreaField("Toelichting voor het bureau",
                                validators=[DataRequired("Geef een toelichting bij de afkeuring."),
                                            Length(max=2000, message="Gebruik hoogstens 2000 tekens.")])

    def validate_reason_code(self, field) -> None:
        if field.data and field.data not in REJECTION_REASONS:
            raise ValidationError("Kies een reden uit de lijst.")


class RevokeForm(FlaskForm):
    revoke_reason = TextAreaField("Reden van intrekking",
                                  validators=[DataRequired("Geef de reden van de intrekking op."),
                                              Length(max=2000, message="Gebruik hoogstens 2000 tekens.")])
