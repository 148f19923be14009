"""The start page: per role, where work is waiting."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..db import get_session
from .worklist import work_waiting

bp = Blueprint("home", __name__)


@bp.route("/")
def root():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("home.index"))


@bp.route("/start")
@login_required
def index():
    from ..results.summary import bureau_summary
    session = get_session()
    return render_template("home/index.html", panels=work_waiting(session, current_user),
                           results_summary=bureau_summary(session, current_user))
