from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from ..formatting import label
from ..hardening import database_id
from ..models.enums import ROLES

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Geen geldig e-mailadres.")


class ProviderForm(FlaskForm):
    name = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=200)])
    street = StringField("Straat en huisnummer", validators=[Optional(), Length(max=200)])
    postcode = StringField("Postcode", validators=[Optional(), Length(max=10)])
    city = StringField("Plaats", validators=[Optional(), Length(max=100)])
    email = StringField("E-mailadres administratie", validators=[Optional(), EMAIL, Length(max=200)])
    kvk = StringField("KvK-nummer", validators=[Optional()])
    vat_id = StringField("Btw-id", validators=[Optional()])
    iban = StringField("IBAN", validators=[Optional()])


class MunicipalityForm(FlaskForm):
    name = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=100)])
    street = StringField("Straat en huisnummer of postbus", validators=[Optional(), Length(max=200)])
    postcode = StringField("Postcode", validators=[Optional(), Length(max=10)])
    city = StringField("Plaats", validators=[Optional(), Length(max=100)])
    kvk = StringField("KvK-nummer", validators=[Optional()])
    oin = StringField("OIN", validators=[Optional()])


class UserForm(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul het e-mailadres in."), EMAIL])
    name = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=200)])
    password = PasswordField("Eerste wachtwoord", validators=[
        DataRequired("Vul een wachtwoord in."), Length(min=12, message="Minimaal 12 tekens.")])
    roles = SelectMultipleField("Rollen", choices=[SelectChoice(r, label(r)) for r in ROLES],
                                option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
                                validators=[DataRequired("Kies minstens één rol.")])
    provider_id = SelectField("Re-integratiebedrijf (voor de rol re-integratiebedrijf)", coerce=int,
                              validators=[Optional()])
    municipality_id = SelectField("Gemeente (voor de rol klantmanager)", coerce=int, validators=[Optional()])


class NewProviderForm(ProviderForm):
    code = StringField("Code (kort, uniek; zo heet het bureau in scenario's)", validators=[Optional(), Length(max=20)])


class NewMunicipalityForm(MunicipalityForm):
    consortium_id = SelectField("Consortium", coerce=database_id, validate_choice=False)
    cbs_code = StringField("CBS-gemeentecode (4 cijfers)", validators=[Optional()])
