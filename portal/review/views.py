"""The reviewer's pages: the queue of pending claims and one claim with its evidence and decision forms."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from werkzeug.datastructures import MultiDict

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import clock
from ..access import contract_choices, get_claim, requires_role
from ..hardening import database_id
from ..clients.panels import review_panel
from ..db import get_session
from ..finance.exports import LINE_STATUS
from ..finance.presenters import COHORT_STATUS
from ..models import MilestoneClaim, Review, User
from ..models.enums import MILESTONE_TYPES
from .forms import ApproveForm, RejectForm, RevokeForm
from .outlook import claim_outlook
from ..evidence.preview import IMAGE_TYPES, page_count
from ..evidence.views import evidence_bytes
from .queue import OVERDUE_AFTER_WORKING_DAYS, QueueFilter, municipality_choices, next_pending, pending_claims
from .service import REJECTION_REASONS, ReviewError, approve_claim, reject_claim, revoke_approval
from .states import allowed_actions

bp = Blueprint("review", __name__)


@bp.get("/beoordelen")
@requires_role("reviewer")
def queue():
    session = get_session()
    wanted = QueueFilter.from_args(request.args)
    filters = {"contract": wanted.contract_id, "bureau": wanted.provider_id, "overdue": 1 if wanted.overdue else None}
    page = pending_claims(session, current_user, today=clock.today(), wanted=wanted,
                          page=request.args.get("page", 1, type=database_id),
                          per_page=current_app.config["PAGE_SIZE"])
    contracts, providers = contract_choices(session, current_user)
    args = wanted.args()
    here = url_for("review.queue", **args, **({"page": page.number} if page.number > 1 else {}))
    return render_template("review/queue.html", page=page, filters=filters, wanted=wanted, contracts=contracts,
                           providers=providers, municipalities=municipality_choices(session, current_user),
                           milestone_types=MILESTONE_TYPES, args=args, here=here,
                           overdue_after=OVERDUE_AFTER_WORKING_DAYS)


@bp.get("/beoordelen/<int:claim_id>")
@requires_role("reviewer")
def claim(claim_id: int):
    session = get_session()
    return _render_claim(session, get_claim(session, current_user, claim_id))


@bp.post("/beoordelen/<int:claim_id>/goedkeuren")
@requires_role("reviewer")
def approve(claim_id: int):
    form = ApproveForm()
    return _decide(claim_id, form, "approve_form",
                   lambda session, claim: approve_claim(session, current_user, claim),
                   "Declaratie {ref} is goedgekeurd.")


@bp.post("/beoordelen/<int:claim_id>/afkeuren")
@requires_role("reviewer")
def reject(claim_id: int):
    form = RejectForm()
    return _decide(claim_id, form, "reject_form",
                   lambda session, claim: reject_claim(session, current_user, claim,
                                                       reason_code=form.reason_code.data,
                                                       reason_text=form.reason_text.data),
                   "Declaratie {ref} is afgekeurd.")


@bp.post("/beoordelen/<int:claim_id>/intrekken")
@requires_role("reviewer")
def revoke(claim_id: int):
    form = RevokeForm()
    return _decide(claim_id, form, "revoke_form",
                   lambda session, claim: revoke_approval(session, current_user, claim,
                                                          reason_text=form.revoke_reason.data),
                   "De goedkeuring van declaratie {ref} is ingetrokken; de declaratie telt nu als afgekeurd.")


def _decide(claim_id: int, form, form_name: str, action, done: str):
    """Validate, act through the service, commit once; on a refusal roll back and show the page again."""
    session = get_session()
    claim = get_claim(session, current_user, claim_id)
    if not form.validate_on_submit():
        return _render_claim(session, claim, **{form_name: form}), 400
    try:
        action(session, claim)
    except ReviewError as error:
        session.rollback()
        flash(str(error), "error")
        return _render_claim(session, claim, **{form_name: form}), error.status
    session.commit()
    back = _back_to_queue()
    keep = {"next": back} if back != url_for("review.queue") else {}
    if form_name == "revoke_form":
        flash(done.format(ref=claim.ref), "success")
        return redirect(url_for("review.claim", claim_id=claim.id, **keep))
    # On to the next claim of the same (filtered) queue, so a reviewer works through it without going back.
    following = next_pending(session, current_user, QueueFilter.from_args(_queue_args(back)), claim, clock.today())
    if following is None:
        flash(done.format(ref=claim.ref) + " Er wachten geen declaraties meer in deze lijst.", "success")
        return redirect(back)
    flash(done.format(ref=claim.ref) + " Hieronder de volgende declaratie uit de lijst.", "success")
    return redirect(url_for("review.claim", claim_id=following, **keep))


def _render_claim(session: Session, claim: MilestoneClaim, **forms):
    trajectory = claim.trajectory
    history = session.execute(select(Review, User.name).outerjoin(User, User.id == Review.reviewer_id)
                              .where(Review.claim_id == claim.id).order_by(Review.decided_at, Review.id)).all()
    others = session.scalars(select(MilestoneClaim).options(selectinload(MilestoneClaim.reviews))
                             .where(MilestoneClaim.trajectory_id == trajectory.id,
                                    MilestoneClaim.type == claim.type, MilestoneClaim.id != claim.id)
                             .order_by(MilestoneClaim.submitted, MilestoneClaim.id)).all()
    names = _user_names(session, {claim.submitted_by_id, claim.reviewed_by_id})
    forms.setdefault("approve_form", ApproveForm(formdata=None))
    forms.setdefault("reject_form", RejectForm(formdata=None))
    forms.setdefault("revoke_form", RevokeForm(formdata=None))
    return render_template(
        "review/claim.html", claim=claim, trajectory=trajectory, contract=trajectory.contract,
        placement=claim.placement, evidence=claim.evidence, previews=_previews(session, claim.evidence),
        history=history, others=others, names=names,
        actions=allowed_actions(claim.review), own_claim=claim.submitted_by_id == current_user.id,
        revoked=bool(history) and history[-1][0].decision == "revoked",
        reasons=REJECTION_REASONS, can_download="evidence.download" in current_app.view_functions,
        trajectory_url=_trajectory_url(trajectory.id), filesize=filesize, back=_back_to_queue(),
        client_facts=review_panel(session, claim), outlook=claim_outlook(session, claim, clock.today()),
        line_status=LINE_STATUS, cohort_status=COHORT_STATUS, **forms)


def _previews(session: Session, evidence) -> dict[int, int]:
    """Per evidence file, how many preview pages the claim page shows (0: none, download it)."""
    pages = {}
    for file in evidence:
        if file.content_type in IMAGE_TYPES:
            pages[file.id] = 1
        elif file.content_type == "application/pdf":
            data = evidence_bytes(session, file)
            pages[file.id] = page_count(data) if data else 0
    return pages


def _back_to_queue() -> str:
    """Return to the queue page (with its filter) the reviewer came from; only ever a page of the queue."""
    target = request.values.get("next", "")
    queue_url = url_for("review.queue")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path != queue_url or "\\" in target:
        return queue_url
    return target


def _queue_args(queue_url: str) -> MultiDict:
    """The filter arguments of a queue URL (from `_back_to_queue`, so only ever the queue's own)."""
    return MultiDict([(key, value) for key, values in parse_qs(urlsplit(queue_url).query).items()
                      for value in values])


def _user_names(session: Session, ids: set) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _trajectory_url(trajectory_id: int) -> str | None:
    """Link to the trajectory page once the trajectories area provides one."""
    if "trajectories.show" not in current_app.view_functions:
        return None
    return url_for("trajectories.show", trajectory_id=trajectory_id)


def filesize(size: int) -> str:
    """Format a byte count as 12 kB or 1,4 MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
