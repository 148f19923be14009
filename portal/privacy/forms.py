"""Forms of the functioneel beheerder's client pages; Dutch labels and messages that name their field."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length


class ClientNumberForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search

    nummer = StringField("Cliëntnummer", validators=[DataRequired("Cliëntnummer: vul een nummer in, bijv. C000123."),
                                                     Length(max=40, message="Cliëntnummer: hoogstens 40 tekens.")])


class TransferForm(FlaskForm):
    # Checked by the service (same consortium, not the current one): a Dutch message for any posted value.
    municipality_id = SelectField("Nieuwe gemeente", validate_choice=False,
                                  validators=[DataRequired("Nieuwe gemeente: kies een gemeente.")])

    def chosen_id(self) -> int | None:
        value = (self.municipality_id.data or "").strip()
        return int(value) if value.isdigit() and len(value) < 10 else None
