"""What `flask notifications send-due` does: the time-based notices, then the e-mail (at once or as a daily digest).

Idempotent: a time-based notice has a key (unique per user), a mailed notice a `mailed_at`;
running the command twice, or every ten minutes, never repeats either.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from .. import clock
from ..models import Contract, MilestoneClaim, Notification, NotificationPreference, Placement, Trajectory, User
from ..review.queue import OVERDUE_AFTER_WORKING_DAYS, overdue_cutoff
from .service import notify, recipients

#: The bureau hears this many days before a claim's submission deadline runs out.
DEADLINE_WARNING_DAYS = 14
#: The digest goes out with the first run on or after this hour (Europe/Amsterdam).
DIGEST_HOUR = 7


def deadline_notices(session: Session, today: date) -> int:
    """Warn the bureau when the deadline to claim a placement's sustained placement comes near and it is unclaimed.

    The milestone falls `sustained_after_months` after the placement's start; the contract's
    `submission_deadline_days` after that, a claim is late (settlement.md) and is not paid.
    """
    claim = aliased(MilestoneClaim)
    unclaimed = ~exists().where(claim.trajectory_id == Trajectory.id, claim.type == "sustained_placement")
    rows = session.execute(
        select(Placement, Trajectory, Contract).join(Trajectory, Trajectory.id == Placement.trajectory_id)
        .join(Contract, Contract.id == Trajectory.contract_id)
        .where(Contract.submission_deadline_days.is_not(None), Trajectory.status != "declined", unclaimed,
               Placement.start_date <= today, Placement.start_date >= today - relativedelta(years=5))).all()
    added = 0
    for placement, trajectory, contract in rows:
        due = placement.start_date + relativedelta(months=contract.sustained_after_months)
        deadline = due + timedelta(days=contract.submission_deadline_days)
        if due <= today <= deadline and (deadline - today).days <= DEADLINE_WARNING_DAYS:
            added += notify(session, recipients(session, "provider", provider_id=trajectory.provider_id), "deadline",
                            f"Declareer de duurzame plaatsing van traject {trajectory.ref} uiterlijk "
                            f"{deadline:%d-%m-%Y}; een latere declaratie wordt niet betaald.",
                            f"/trajecten/{trajectory.id}", key=f"deadline:{placement.id}")
    return added


def review_notices(session: Session, today: date) -> int:
    """Tell the contract managers about each claim waiting longer than the allowed working days, once."""
    waiting = session.execute(select(MilestoneClaim.id, MilestoneClaim.ref, MilestoneClaim.submitted,
                                     Contract.consortium_id)
                              .join(Trajectory, Trajectory.id == MilestoneClaim.trajectory_id)
                              .join(Contract, Contract.id == Trajectory.contract_id)
                              .where(MilestoneClaim.review == "pending",
                                     MilestoneClaim.submitted <= overdue_cutoff(today))
                              .order_by(MilestoneClaim.submitted, MilestoneClaim.id)).all()
    reviewers: dict[int, list[User]] = {}  # per consortium: its own contract managers only
    for consortium_id in {row.consortium_id for row in waiting}:
        reviewers[consortium_id] = recipients(session, "reviewer", consortium_id=consortium_id)
    return sum(notify(session, reviewers[consortium_id], "review_waiting",
                      f"Declaratie {ref} wacht sinds {submitted:%d-%m-%Y} op beoordeling, langer dan "
                      f"{OVERDUE_AFTER_WORKING_DAYS} werkdagen.", f"/beoordelen/{claim_id}",
                      key=f"review_waiting:{claim_id}")
               for claim_id, ref, submitted, consortium_id in waiting)


def mails_due(session: Session, now) -> list[tuple[User, list[Notification]]]:
    """Return per user the notices to mail now: at once for most, once a day for digest users, never for 'none'."""
    local = now.astimezone(clock.AMSTERDAM)
    unmailed = session.execute(select(Notification, User).join(User, User.id == Notification.user_id)
                               .where(Notification.mailed_at.is_(None), User.active)
                               .order_by(Notification.user_id, Notification.id)).all()
    preferences = {p.user_id: p for p in session.scalars(select(NotificationPreference).where(
        NotificationPreference.user_id.in_({n.user_id for n, _ in unmailed})))} if unmailed else {}
    grouped: dict[int, tuple[User, list[Notification]]] = defaultdict(lambda: (None, []))
    for notice, user in unmailed:
        grouped[user.id] = (user, grouped[user.id][1] + [notice])
    due = []
    for user_id, (user, notices) in grouped.items():
        choice = preferences[user_id].mail if user_id in preferences else "immediate"
        if choice == "none":
            continue
        if choice == "digest":
            last = preferences[user_id].last_digest_on
            if local.hour < DIGEST_HOUR or (last is not None and last >= local.date()):
                continue
        due.append((user, notices))
    return due


def mail_text(notices: list[Notification], base_url: str) -> tuple[str, str]:
    """Return the subject and body of one mail with these notices."""
    subject = (f"Resultaatportaal: {notices[0].text}" if len(notices) == 1
               else f"Resultaatportaal: {len(notices)} nieuwe meldingen")
    lines = [f"- {n.text}\n  {base_url}{n.url}" for n in notices]
    body = ("Er is werk voor u in het Resultaatportaal:\n\n" + "\n".join(lines) +
            f"\n\nAlle meldingen: {base_url}/meldingen\n"
            f"Wilt u minder e-mail (één overzicht per dag, of geen)? Kies dat op {base_url}/account/meldingen\n")
    return subject, body


def mark_mailed(session: Session, user: User, notices: list[Notification], now) -> None:
    """Record that these notices went out (and, for a digest user, that today's digest did)."""
    for notice in notices:
        notice.mailed_at = now
    preference = session.get(NotificationPreference, user.id)
    if preference is not None and preference.mail == "digest":
        preference.last_digest_on = now.astimezone(clock.AMSTERDAM).date()
    session.flush()
