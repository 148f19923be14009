"""Create a contract from validated terms: the contract row, its child tables and version 1 of its terms."""
from __future__ import annotations

import settlement
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import models as m
from ..audit import record
from .terms import apply_terms, record_first_version
from .validation import FieldProblem, TermsInvalid


def municipalities_of(session: Session, consortium_id: int) -> dict[str, str]:
    """CBS code -> name of a consortium's municipalities (what its contracts' caps may name)."""
    return dict(session.execute(select(m.Municipality.cbs_code, m.Municipality.name)
                                .where(m.Municipality.consortium_id == consortium_id)
                                .order_by(m.Municipality.cbs_code)).all())


def create_contract(session: Session, actor: m.User, consortium: m.Consortium,
                    terms: settlement.Contract) -> m.Contract:
    """Create a contract from terms the engine's rules accepted; raise TermsInvalid when the code is taken."""
    if session.scalar(select(m.Contract.id).where(m.Contract.code == terms.code)) is not None:
        raise TermsInvalid([FieldProblem("code", "Contractcode", f"er is al een contract met code {terms.code}")])
    provider = session.scalar(select(m.Provider).where(m.Provider.code == terms.provider))
    contract = m.Contract(code=terms.code, consortium_id=consortium.id, provider_id=provider.id,
                          segment=terms.segment, start=terms.start, end=terms.end, price=terms.price,
                          vat_rate=terms.vat_rate, sustained_after_months=6)
    session.add(contract)
    apply_terms(session, contract, terms)
    record(session, actor, "contract.created", "contract", contract.id,
           after={"code": contract.code, "source": "beheer"})
    record_first_version(session, contract, actor)
    return contract
