"""Read a CAMT.053 bank statement (ISO 20022 BankToCustomerStatement, any version) into plain entries.

Only what matching needs is read: the account, the statement's id, and per booked entry its date,
signed amount, counterparty, remittance text and the bank's reference. The XML parser resolves no
entities, loads no DTD and fetches nothing from the network (no XXE, no billion laughs); a file that
is not a CAMT.053 statement is refused with a Dutch message.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

MAX_BYTES = 10 * 1024 * 1024


class StatementError(ValueError):
    """The file is not a readable CAMT.053 statement; the message is Dutch."""


@dataclass(frozen=True)
class Entry:
    booked_on: date
    amount: Decimal  # credit positive, debit negative
    counterparty: str
    remittance: str
    bank_reference: str
    key: str  # identifies the entry across statement files (see BankEntry.entry_key)


@dataclass(frozen=True)
class Statement:
    account_iban: str
    statement_ref: str
    entries: list[Entry]
    sha256: str


def parse_statement(data: bytes) -> Statement:
    if not data:
        raise StatementError("Het bestand is leeg.")
    if len(data) > MAX_BYTES:
        raise StatementError("Het bestand is groter dan 10 MB; lees het afschrift in delen in.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise StatementError(f"Het bestand is geen geldige XML: {error.msg}.") from None
    namespace = etree.QName(root).namespace or ""
    if not namespace.startswith("urn:iso:std:iso:20022:tech:xsd:camt.053"):
        raise StatementError("Dit is geen CAMT.053-bankafschrift (verwacht: urn:iso:std:iso:20022:tech:xsd:camt.053…).")
    ns = {"c": namespace}
    statement = root.find("c:BkToCstmrStmt/c:Stmt", ns)
    if statement is None:
        raise StatementError("Het afschrift bevat geen <Stmt>.")
    iban = _text(statement, "c:Acct/c:Id/c:IBAN", ns)
    if not iban:
        raise StatementError("Het afschrift noemt geen IBAN van de rekening (<Acct><Id><IBAN>).")
    statement_ref = _text(statement, "c:Id", ns)[:35]
    entries = [_entry(entry, position, iban, ns) for position, entry in enumerate(statement.findall("c:Ntry", ns), 1)]
    return Statement(account_iban=iban, statement_ref=statement_ref, entries=[e for e in entries if e is not None],
                     sha256=hashlib.sha256(data).hexdigest())


def _entry(entry, position: int, iban: str, ns: dict) -> Entry | None:
    status = _text(entry, "c:Sts/c:Cd", ns) or _text(entry, "c:Sts", ns)
    if status and status.upper() not in ("BOOK", ""):
        return None  # pending or informational entries are not money yet
    amount_text = _text(entry, "c:Amt", ns)
    try:
        amount = Decimal(amount_text)
    except InvalidOperation:
        raise StatementError(f"Boeking {position}: het bedrag '{amount_text[:20]}' is geen getal.") from None
    if not amount.is_finite() or amount <= 0 or amount >= 10**9 or amount != amount.quantize(Decimal("0.01")):
        raise StatementError(f"Boeking {position}: het bedrag '{amount_text[:20]}' is geen geldig bedrag.")
    direction = _text(entry, "c:CdtDbtInd", ns)
    if direction not in ("CRDT", "DBIT"):
        raise StatementError(f"Boeking {position}: bij- of afschrijving (CdtDbtInd) ontbreekt.")
    day_text = _text(entry, "c:BookgDt/c:Dt", ns) or _text(entry, "c:BookgDt/c:DtTm", ns)[:10]
    try:
        booked_on = date.fromisoformat(day_text)
    except ValueError:
        raise StatementError(f"Boeking {position}: de boekdatum '{day_text[:20]}' is geen datum.") from None
    details = entry.find("c:NtryDtls/c:TxDtls", ns)
    counterparty_path = "c:RltdPties/c:Cdtr/c:Nm" if direction == "DBIT" else "c:RltdPties/c:Dbtr/c:Nm"
    counterparty = _text(details, counterparty_path, ns) if details is not None else ""
    remittance = " ".join(filter(None, (
        " ".join(t.strip() for t in entry.xpath(".//c:RmtInf/c:Ustrd/text()", namespaces=ns)),
        " ".join(t.strip() for t in entry.xpath(".//c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref/text()", namespaces=ns)),
        _text(entry, "c:AddtlNtryInf", ns))))
    reference = (_text(entry, "c:AcctSvcrRef", ns)
                 or (_text(details, "c:Refs/c:AcctSvcrRef", ns) if details is not None else "")
                 or (_text(details, "c:Refs/c:EndToEndId", ns) if details is not None else ""))
    signed = amount if direction == "CRDT" else -amount
    if reference and reference != "NOTPROVIDED":
        identity = f"{iban}|{reference}"
    else:  # no reference from the bank: the entry's own facts identify it
        identity = f"{iban}|{booked_on}|{signed}|{counterparty}|{remittance}"
    return Entry(booked_on=booked_on, amount=signed, counterparty=counterparty[:140], remittance=remittance[:500],
                 bank_reference=reference[:100], key=hashlib.sha256(identity.encode()).hexdigest())


def _text(element, path: str, ns: dict) -> str:
    found = element.find(path, ns)
    return (found.text or "").strip() if found is not None else ""
