"""Login and logout."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from ..db import get_session
from .service import TooManyAttempts, authenticate

bp = Blueprint("auth", __name__)

WRONG_CREDENTIALS = "E-mailadres of wachtwoord onjuist."


class LoginForm(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul uw e-mailadres in.")])
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul uw wachtwoord in.")])


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        session = get_session()
        config = current_app.config
        try:
            user = authenticate(session, form.email.data, form.password.data, request.remote_addr or "-",
                                max_per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
                                max_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                                window_minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
        except TooManyAttempts:
            session.rollback()
            flash(f"Te veel mislukte pogingen. Probeer het over {config['LOGIN_FAILURE_WINDOW_MINUTES']} "
                  "minuten opnieuw.", "error")
            return render_template("auth/login.html", form=form), 429
        session.commit()
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
        flash(WRONG_CREDENTIALS, "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str | None:
    """Only follow a local path after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None
