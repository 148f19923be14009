"""Export one contract's facts as a `reintegratie-scenario/1` document (round trip with the importer)."""
from __future__ import annotations

from datetime import date

import settlement
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import models as m
from ..audit import record
from ..bsn_vault import decrypt_bsn
from ..clients.scenario import exported_facts
from ..finance.facts import load_facts


class AnonymisedClients(ValueError):
    """Some clients of the contract were anonymised (portal.privacy): they have no BSN left to export."""

    def __init__(self, refs: list[str]):
        super().__init__(f"--with-clients: {len(refs)} clients are anonymised and have no BSN "
                         f"({', '.join(refs[:5])}{', ...' if len(refs) > 5 else ''}); export without --with-clients")


def export_scenario(session: Session, contract: m.Contract, as_of: date, *, with_clients: bool = False,
                    actor: m.User | None = None) -> settlement.Scenario:
    """Return the contract as a scenario; BSNs are included only `with_clients` (and that is audited)."""
    facts = load_facts(session, contract)
    consortium = session.get(m.Consortium, contract.consortium_id)
    municipalities = session.scalars(select(m.Municipality).where(m.Municipality.consortium_id == consortium.id)
                                     .order_by(m.Municipality.cbs_code)).all()
    provider = contract.provider
    clients = None
    if with_clients:
        refs = {t.client for t in facts.trajectories if t.client is not None}
        rows = session.execute(select(m.Client, m.Municipality.cbs_code)
                               .join(m.Municipality, m.Municipality.id == m.Client.municipality_id)
                               .where(m.Client.ref.in_(refs)).order_by(m.Client.ref)).all()
        anonymised = [c.ref for c, _ in rows if c.anonymised_at is not None]
        if anonymised:
            raise AnonymisedClients(anonymised)
        client_facts = exported_facts(session, [c.id for c, _ in rows])
        clients = tuple(settlement.Client(ref=c.ref, bsn=decrypt_bsn(c.bsn_encrypted), municipality=cbs,
                                          target_group=c.target_group, benefit=c.benefit, facts=client_facts[c.id])
                        for c, cbs in rows)
        record(session, actor, "scenario.exported_with_bsn", "contract", contract.id, after={"clients": len(clients)})
    return settlement.Scenario(
        as_of=as_of,
        consortium=settlement.Consortium(code=consortium.code, name=consortium.name,
                                         lead_municipality=consortium.lead_municipality_code),
        municipalities=tuple(settlement.Municipality(code=mu.cbs_code, name=mu.name) for mu in municipalities),
        providers=(settlement.Provider(code=provider.code, name=provider.name, kvk=provider.kvk,
                                       vat_id=provider.vat_id, iban=provider.iban),),
        contracts=(facts.contract,),
        trajectories=tuple(sorted(facts.trajectories, key=lambda t: t.ref)),
        milestones=tuple(sorted(facts.milestones, key=lambda ms: ms.ref)),
        clients=clients)
