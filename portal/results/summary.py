"""The bureau's start-page summary: per contract its open cohorts against the norm and what they still need."""
from __future__ import annotations

from sqlalchemy.orm import Session

from .. import clock
from ..access import scope_bureau_contracts
from ..models import User
from .bureau import ContractView, bureau_results


def bureau_summary(session: Session, user: User) -> list[ContractView]:
    """Return the bureau's contracts with a norm, as of today (empty for other users)."""
    if not user.has_role("provider") or user.provider_id is None:
        return []
    own = set(session.scalars(scope_bureau_contracts(user)))
    return [view for view in bureau_results(session, own, clock.today()) if view.cohorts]
