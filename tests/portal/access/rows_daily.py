"""Grid rows of daily work (issue 14): notifications are each user's own; another user's notice is a 404."""
from sqlalchemy import select

from portal.models import Notification
from portal.notifications.service import notify

from .rows import EVERYONE, Row
from .world import SETUP

OWNER = frozenset({"provider_a"})


def _notice_for_provider_a(world, db) -> None:
    owner = world.users["provider_a"]
    notify(db, [owner], "referral", "Nieuwe aanmelding.", f"/trajecten/{world.trajectory_a.id}")
    world.extra["notice_a"] = db.scalar(select(Notification.id).where(Notification.user_id == owner.id))


def _notice(w) -> str:
    return f"/meldingen/{w.extra['notice_a']}/gelezen"


SETUP.append(_notice_for_provider_a)

ROWS = [
    Row("notifications.index", "GET", lambda w: "/meldingen", EVERYONE),
    Row("notifications.mark_read", "POST", _notice, OWNER, hidden=EVERYONE - OWNER),
    Row("notifications.mark_all_read", "POST", lambda w: "/meldingen/alles-gelezen", EVERYONE),
    Row("notifications.settings", "GET", lambda w: "/account/meldingen", EVERYONE),
    Row("notifications.settings", "POST", lambda w: "/account/meldingen", EVERYONE, data=lambda w: {"mail": "digest"}),
]

ROWS += [
    Row("clients.details", "GET", lambda w: f"/clienten/{w.trajectory_a.client_id}/gegevens",
        frozenset({"klantmanager_a"}), hidden=frozenset({"klantmanager_b"})),
    Row("clients.details", "POST", lambda w: f"/clienten/{w.trajectory_a.client_id}/gegevens",
        frozenset({"klantmanager_a"}), hidden=frozenset({"klantmanager_b"}),
        data=lambda w: {"first_name": "Anna", "last_name": "Jansen", "phone": "06 12345678"}),
]
