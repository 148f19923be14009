"""Login, logout, changing one's own password and resetting a forgotten one."""
from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from .. import clock
from ..db import get_session
from ..mail import MailNotSent, send
from ..models import LoginAttempt, User
from . import devices, two_factor
from .resets import InvalidLink, create_reset, reset_password, user_for_link
from .policy import MAX_LENGTH, WeakPassword
from .service import TooManyAttempts, authenticate, change_password, normalise_email
from .sessions import end_all_sessions, end_this_session, start_session

bp = Blueprint("auth", __name__)

WRONG_CREDENTIALS = "E-mailadres of wachtwoord onjuist."
#: Session keys of the half-way login (password right, second factor still to come) and of enrolment.
PENDING_USER, PENDING_SINCE, PENDING_NEXT, PENDING_FAILURES = "2fa_user", "2fa_since", "2fa_next", "2fa_failures"
PENDING_SECONDS = 300
MAX_CODE_FAILURES = 5
MUST_ENROL, TOTP_SETUP = "must_enrol", "totp_setup"


class LoginForm(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul uw e-mailadres in."),
                                                  Length(max=200, message="Een e-mailadres heeft hoogstens 200 tekens.")])
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul uw wachtwoord in."),
                                                       Length(max=MAX_LENGTH, message="Dit wachtwoord is te lang.")])


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Huidig wachtwoord", validators=[DataRequired("Vul uw huidige wachtwoord in.")])
    new = PasswordField("Nieuw wachtwoord", validators=[DataRequired("Vul een nieuw wachtwoord in.")])
    repeat = PasswordField("Herhaal het nieuwe wachtwoord", validators=[
        DataRequired("Herhaal het nieuwe wachtwoord."), EqualTo("new", "De twee nieuwe wachtwoorden verschillen.")])


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        session = get_session()
        config = current_app.config
        email = normalise_email(form.email.data)
        try:
            user = authenticate(session, email, form.password.data, request.remote_addr or "-",
                                max_per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
                                max_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                                window_minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"],
                                device=devices.device_for(request, email))
        except TooManyAttempts:
            session.rollback()
            flash(f"Te veel mislukte pogingen. Probeer het over {config['LOGIN_FAILURE_WINDOW_MINUTES']} "
                  "minuten opnieuw.", "error")
            return render_template("auth/login.html", form=form), 429
        if user is not None:
            target = _safe_next(request.args.get("next")) or url_for("home.index")
            if two_factor.enrolled(user):
                session.commit()
                await_second_factor(user, target)
                return redirect(url_for("auth.second_factor"))
            start_session(user)
            if two_factor.required_for(user):
                flask_session[MUST_ENROL] = True
            session.commit()
            response = redirect(url_for("auth.enrol_second_factor") if two_factor.required_for(user) else target)
            devices.issue(response, email)
            return response
        session.commit()
        flash(WRONG_CREDENTIALS, "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    session = get_session()
    # Logging out ends every session of this account, also a copied cookie and other nodes.
    end_all_sessions(current_user)
    session.commit()
    end_this_session()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        session = get_session()
        user = current_user._get_current_object()
        try:
            change_password(session, user, current=form.current.data, new=form.new.data)
        except WeakPassword as problem:
            session.rollback()
            getattr(form, problem.field).errors.append(str(problem))
        else:
            start_session(user)  # this browser goes on with the new token; every other session has ended
            session.commit()
            flash("Uw wachtwoord is gewijzigd. Uw andere sessies zijn beëindigd.", "success")
            return redirect(url_for("home.index"))
    status = 400 if form.errors else 200
    return render_template("auth/password.html", form=form), status


class CodeForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired("Vul de code uit uw app in."),
                                           Length(max=20, message="Deze code is te lang.")])


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor():
    """The second step of logging in: a code from the authenticator app, or a recovery code."""
    session = get_session()
    user = pending_user(session)
    if user is None:
        flash("Log opnieuw in.", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if two_factor.verify(session, user, form.code.data):
            target = flask_session.get(PENDING_NEXT) or url_for("home.index")
            start_session(user)
            session.commit()
            response = redirect(target)
            devices.issue(response, user.email)
            return response
        session.add(LoginAttempt(email=user.email, ip=(request.remote_addr or "-")[:45], at=clock.now(),
                                 device=devices.device_for(request, user.email)))
        session.commit()
        flask_session[PENDING_FAILURES] = flask_session.get(PENDING_FAILURES, 0) + 1
        if flask_session[PENDING_FAILURES] >= MAX_CODE_FAILURES:
            flask_session.clear()
            flash("Te veel onjuiste codes. Log opnieuw in.", "error")
            return redirect(url_for("auth.login"))
        form.code.errors.append("Deze code klopt niet (of is al gebruikt). Gebruik de code die uw app nu toont.")
    return render_template("auth/second_factor.html", form=form), 400 if form.errors else 200


@bp.route("/account/tweestaps", methods=["GET", "POST"])
@login_required
def enrol_second_factor():
    """Set up the authenticator app: scan, confirm with a code, keep the recovery codes."""
    secret = flask_session.get(TOTP_SETUP) or two_factor.new_secret()
    flask_session[TOTP_SETUP] = secret
    form = CodeForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        session = get_session()
        codes = two_factor.confirm_enrolment(session, user, secret, form.code.data)
        if codes is not None:
            session.commit()
            flask_session.pop(TOTP_SETUP, None)
            flask_session.pop(MUST_ENROL, None)
            return render_template("auth/recovery_codes.html", codes=codes)
        form.code.errors.append("Deze code klopt niet. Controleer of de tijd op uw telefoon goed staat.")
    return render_template("auth/enrol.html", form=form, secret=secret, qr=two_factor.provisioning_qr(user, secret),
                           required=flask_session.get(MUST_ENROL, False)), 400 if form.errors else 200


def await_second_factor(user: User, target: str) -> None:
    flask_session.clear()
    flask_session.update({PENDING_USER: user.id, PENDING_SINCE: int(time.time()), PENDING_NEXT: target})


def pending_user(session) -> User | None:
    user_id, since = flask_session.get(PENDING_USER), flask_session.get(PENDING_SINCE)
    if not isinstance(user_id, int) or not isinstance(since, int) or time.time() - since > PENDING_SECONDS:
        return None
    user = session.get(User, user_id)
    return user if user is not None and user.active else None


class ForgotForm(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul uw e-mailadres in."),
                                                  Length(max=200, message="Een e-mailadres heeft hoogstens 200 tekens.")])


class ResetForm(FlaskForm):
    new = PasswordField("Nieuw wachtwoord", validators=[DataRequired("Vul een nieuw wachtwoord in.")])
    repeat = PasswordField("Herhaal het nieuwe wachtwoord", validators=[
        DataRequired("Herhaal het nieuwe wachtwoord."), EqualTo("new", "De twee nieuwe wachtwoorden verschillen.")])


RESET_SENT = ("Als er een actief account bij dit e-mailadres hoort, is er een e-mail verstuurd met een link om een "
              "nieuw wachtwoord te kiezen. De link werkt één keer en verloopt na {minutes} minuten.")


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
def forgot_password():
    form = ForgotForm()
    if form.validate_on_submit():
        session = get_session()
        minutes = current_app.config["PASSWORD_RESET_MINUTES"]
        user = session.scalar(select(User).where(User.email == normalise_email(form.email.data)))
        token = create_reset(session, user, valid_minutes=minutes) if user is not None else None
        session.commit()
        if token is not None:
            mail_reset_link(user, token, minutes)
        # The same answer whether or not the account exists.
        flash(RESET_SENT.format(minutes=minutes), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
def reset_with_link(token: str):
    session = get_session()
    try:
        user_for_link(session, token)
    except InvalidLink as problem:
        flash(str(problem), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetForm()
    if form.validate_on_submit():
        try:
            reset_password(session, token, form.new.data)
        except WeakPassword as problem:
            session.rollback()
            form.new.errors.append(str(problem))
        else:
            session.commit()
            flash("Uw wachtwoord is ingesteld. Log in met het nieuwe wachtwoord.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 400 if form.errors else 200


def mail_reset_link(user: User, token: str, minutes: int) -> None:
    link = url_for("auth.reset_with_link", token=token, _external=True)
    body = (f"Beste {user.name},\n\nU (of iemand anders) vroeg een nieuw wachtwoord aan voor het Resultaatportaal. "
            f"Kies een nieuw wachtwoord via deze link; hij werkt één keer en verloopt na {minutes} minuten:\n\n"
            f"{link}\n\nVroeg u niets aan? Dan kunt u deze e-mail negeren; uw wachtwoord blijft zoals het is.\n")
    try:
        send(user.email, "Nieuw wachtwoord voor het Resultaatportaal", body)
    except MailNotSent as problem:
        # No address or name in the log: only that a mail failed, and why.
        current_app.logger.error("password reset mail not sent: %s", problem)


def _safe_next(target: str | None) -> str | None:
    """Only follow a local path after login (no open redirect, no header injection)."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and target.isprintable() and len(target) <= 2000):
        return target
    return None
