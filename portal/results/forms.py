"""The admin's budget form: municipality, year and amount, with Dutch messages naming the field."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import DataRequired, InputRequired, NumberRange, ValidationError

from ..trajectories.forms import NlDecimalField, optional_int


class BudgetForm(FlaskForm):
    municipality_id = SelectField("Gemeente", coerce=optional_int,
                                  validators=[DataRequired("Gemeente: kies een gemeente.")])
    year = IntegerField("Jaar", validators=[InputRequired("Jaar: vul een jaar in, bijvoorbeeld 2026."),
                                            NumberRange(2000, 2100, "Jaar: kies een jaar van 2000 tot en met 2100.")])
    amount = NlDecimalField("Budget (excl. btw)", validators=[InputRequired("Budget: vul een bedrag in.")])

    def validate_amount(self, field) -> None:
        if field.data is None:
            return
        if field.data < 0:
            raise ValidationError("Budget: het bedrag mag niet negatief zijn.")
        if field.data.as_tuple().exponent < -2:
            raise ValidationError("Budget: gebruik hoogstens twee decimalen.")
        if field.data >= 10**10:
            raise ValidationError("Budget: het bedrag is te groot.")
