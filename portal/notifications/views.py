"""The user's notifications (`/meldingen`), marking them read, and the e-mail choice (`/account/meldingen`)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select, update
from wtforms import RadioField
from wtforms.validators import InputRequired

from .. import clock
from ..audit import record
from ..db import get_session
from ..models import Notification, NotificationPreference
from ..trajectories.forms import choices

bp = Blueprint("notifications", __name__)

MAIL_LABELS = {"immediate": "Elke melding meteen per e-mail",
               "digest": "Eén overzicht per dag (rond 7 uur)",
               "none": "Geen e-mail; alleen in het portaal"}
SHOWN = 100


class MailChoiceForm(FlaskForm):
    mail = RadioField("E-mail over meldingen", choices=choices(MAIL_LABELS.items()),
                      validators=[InputRequired("E-mail over meldingen: kies een van de mogelijkheden.")])


class MarkForm(FlaskForm):
    """Only the CSRF token: marking read is a change."""


def unread_count(user_id: int) -> int:
    """One count on the (user_id, read_at) index; the navigation shows it on every page."""
    return get_session().scalar(select(func.count(Notification.id)).where(Notification.user_id == user_id,
                                                                           Notification.read_at.is_(None)))


@bp.app_context_processor
def _unread():
    if not current_user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(current_user.id)}


@bp.get("/meldingen")
@login_required
def index():
    notices = get_session().scalars(select(Notification).where(Notification.user_id == current_user.id)
                                    .order_by(Notification.id.desc()).limit(SHOWN)).all()
    return render_template("notifications/index.html", notices=notices, form=MarkForm())


def _own(session, notification_id: int) -> Notification:
    notice = session.scalar(select(Notification).where(Notification.id == notification_id,
                                                       Notification.user_id == current_user.id))
    if notice is None:
        abort(404)  # another user's notice: it does not exist for you
    return notice


@bp.post("/meldingen/<int:notification_id>/gelezen")
@login_required
def mark_read(notification_id: int):
    session = get_session()
    notice = _own(session, notification_id)
    if not MarkForm().validate_on_submit():
        abort(400)
    notice.read_at = notice.read_at or clock.now()
    session.commit()
    # The stored link is always a path inside the portal (the service writes it).
    return redirect(notice.url if notice.url.startswith("/") and not notice.url.startswith("//")
                    else url_for("notifications.index"))


@bp.post("/meldingen/alles-gelezen")
@login_required
def mark_all_read():
    session = get_session()
    if not MarkForm().validate_on_submit():
        abort(400)
    session.execute(update(Notification).where(Notification.user_id == current_user.id,
                                               Notification.read_at.is_(None)).values(read_at=clock.now()))
    session.commit()
    flash("Alle meldingen zijn gelezen.", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/account/meldingen", methods=["GET", "POST"])
@login_required
def settings():
    session = get_session()
    preference = session.get(NotificationPreference, current_user.id)
    form = MailChoiceForm(data={"mail": preference.mail if preference else "immediate"})
    if form.validate_on_submit():
        before = {"mail": preference.mail if preference else "immediate"}
        if preference is None:
            preference = NotificationPreference(user_id=current_user.id)
            session.add(preference)
        preference.mail = form.mail.data
        session.flush()
        record(session, current_user, "notification_preference.changed", "user", current_user.id,
               before=before, after={"mail": preference.mail})
        session.commit()
        flash("Uw keuze is bewaard.", "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form), 200 if not form.errors else 400
