"""Demo data of the auditor's workspace: the consortium's accountant (issue 15)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from .auth.service import create_user

AUDITOR_EMAIL = "accountant@nk.example"


def add_auditor(session: Session, logins: dict, password: str) -> None:
    """Add the accountant who audits the consortium (role auditor: reads everything, changes nothing)."""
    logins[AUDITOR_EMAIL] = create_user(session, email=AUDITOR_EMAIL, name="Astrid Accountant", password=password,
                                        roles=["auditor"], provider_id=None, municipality_id=None,
                                        consortium_id=logins["beheer@nk.example"].consortium_id)
