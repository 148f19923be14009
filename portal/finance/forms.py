"""Finance forms: choosing a run, the four-eyes actions, filters, payments and the ESF export; all Dutch."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from .. import clock
from ..formatting import label
from ..hardening import database_id
from ..models.enums import DOCUMENT_KINDS, RUN_STATES
from ..trajectories.forms import NlDateField, NlDecimalField, choices
from .payments import REFERENCE_MAX


class _GetForm(FlaskForm):
    """A form read from the query string: no CSRF token (nothing changes on a GET)."""

    class Meta:
        csrf = False


def _not_in_future(_form, field) -> None:
    if field.data is not None and field.data > clock.today():
        raise ValidationError(f"{field.label.text}: de datum ligt in de toekomst.")


class PreviewForm(_GetForm):
    """Which contract, as of which date: the preview is shown, nothing is saved."""

    contract = SelectField("Contract", validators=[DataRequired("Kies een contract.")], validate_choice=False)
    peildatum = NlDateField("Peildatum", validators=[InputRequired("Vul de peildatum in."), _not_in_future])

    def validate_contract(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in self.contract.choices}:
            raise ValidationError("Kies een contract uit de lijst.")


class StartRunForm(FlaskForm):
    """Save the previewed run as a draft; contract and peildatum come along as hidden fields."""

    contract = HiddenField("Contract", validators=[DataRequired("Kies een contract.")])
    peildatum = NlDateField("Peildatum", validators=[InputRequired("Vul de peildatum in."), _not_in_future])


class RunActionForm(FlaskForm):
    """Submit, approve or discard: nothing to fill in but the CSRF token."""


class ReturnForm(FlaskForm):
    reason = TextAreaField("Reden van terugsturen",
                           validators=[DataRequired("Geef de reden waarom u de afrekening terugstuurt."),
                                       Length(max=2000, message="Gebruik hoogstens 2000 tekens.")])


def _optional_int(value):
    if value in (None, ""):
        return None
    try:
        return database_id(value)
    except (TypeError, ValueError):
        raise ValueError("Kies een waarde uit de lijst.") from None


class RunFilterForm(_GetForm):
    contract = SelectField("Contract", coerce=_optional_int, validate_choice=False)
    status = SelectField("Status", choices=choices(((s, label(s)) for s in RUN_STATES), "Alle statussen"),
                         validators=[Optional()])
    mine = BooleanField("Door mij voorbereid")


class InvoiceFilterForm(_GetForm):
    contract = SelectField("Contract", coerce=_optional_int, validate_choice=False)
    municipality = SelectField("Gemeente", coerce=_optional_int, validate_choice=False)
    bureau = SelectField("Re-integratiebedrijf", coerce=_optional_int, validate_choice=False)
    kind = SelectField("Soort", choices=choices(((k, label(k)) for k in DOCUMENT_KINDS), "Facturen en creditnota's"),
                       validators=[Optional()])
    open = SelectField("Betaling", choices=choices((("open", "Nog niet (volledig) betaald"),
                                                    ("overdue", "Vervallen en niet (volledig) betaald"),
                                                    ("paid", "Volledig betaald")), "Alle"),
                       validators=[Optional()])


class PaymentForm(FlaskForm):
    # One key per form shown: submitting the same form twice records the payment once.
    submission_key = HiddenField(validators=[Optional(), Length(max=36)])
    paid_on = NlDateField("Betaaldatum", validators=[InputRequired("Vul de betaaldatum in."), _not_in_future])
    amount = NlDecimalField("Bedrag", validators=[InputRequired("Vul het bedrag in.")])
    reference = StringField("Betalingskenmerk",
                            validators=[DataRequired("Vul het betalingskenmerk in."),
                                        Length(max=REFERENCE_MAX, message=f"Gebruik hoogstens {REFERENCE_MAX} "
                                                                          f"tekens.")])


class EsfExportForm(_GetForm):
    contract = SelectField("Contract", validators=[DataRequired("Kies een contract.")], validate_choice=False)
    van = NlDateField("Periode vanaf", validators=[Optional()])
    tot = NlDateField("Periode tot en met", validators=[Optional()])

    def validate_contract(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in self.contract.choices}:
            raise ValidationError("Kies een contract uit de lijst.")

    def validate_tot(self, field) -> None:
        if field.data and self.van.data and field.data < self.van.data:
            raise ValidationError("Periode tot en met: deze datum ligt vóór de begindatum.")


class StatementUploadForm(FlaskForm):
    file = FileField("Bankafschrift (CAMT.053, XML)", validators=[FileRequired("Kies het bestand van het afschrift.")])


class BookEntryForm(FlaskForm):
    invoice_number = StringField("Factuurnummer", validators=[InputRequired("Vul het factuurnummer in."),
                                                               Length(max=30, message="Hoogstens 30 tekens.")])


class IgnoreEntryForm(FlaskForm):
    reason = TextAreaField("Waarom is dit geen betaling op een factuur?",
                           validators=[InputRequired("Geef een reden."), Length(max=300, message="Hoogstens 300 tekens.")])
