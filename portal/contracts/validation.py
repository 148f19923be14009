"""Validate contract terms from a form exactly as the scenario import does, and name the form field at fault.

The form's values become the scenario-shaped `contracts[]` entry; the engine's own parser
(`settlement.parse_scenario`) checks it with the rules of scenario-format.md, and each problem's
JSON path is mapped back onto the form field it came from, with its Dutch label and the rule in Dutch.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import settlement
from settlement.validation import join

from .terms import scenario_document

_INTEGER = re.compile(r"-?[0-9]+")
_LARGEST_INTEGER = 2_147_483_647  # an INTEGER column

SCALARS = {
    "code": "Contractcode", "provider": "Re-integratiebedrijf", "segment": "Segment", "start": "Begindatum",
    "end": "Einddatum", "price": "Prijs per traject (€)", "vat_rate": "Btw-tarief (%)",
    "max_trajectories": "Maximaal aantal trajecten", "submission_deadline_days": "Indientermijn (dagen)",
}
NORM_SCALARS = {
    "milestone": ("norm_milestone", "Prestatienorm: resultaat"), "rate": ("norm_rate", "Prestatienorm: norm (%)"),
    "measurement_months": ("norm_measurement_months", "Meetperiode (maanden)"),
    "window_months": ("norm_window_months", "Resultaattermijn (maanden)"),
    "excluded_end_reasons": ("excluded_end_reasons", "Neutrale uitstroom"),
}
TRANCHE_LABELS = {"code": "code", "milestone": "mijlpaal", "share": "aandeel (%)", "amount": "bedrag (€)",
                  "result": "resultaatafhankelijk"}

# The engine's rule texts (English, as in scenario-format.md) said in Dutch; the first match wins.
RULES_IN_DUTCH = [
    (r"required key missing|required, must not be null", "is verplicht"),
    (r"must not be empty.*", "mag niet leeg zijn"),
    (r"must not be negative", "mag niet negatief zijn"),
    (r"must be at least (\d+)", r"moet minstens \1 zijn"),
    (r"expected an integer, got .*", "moet een geheel getal zijn"),
    (r"expected a decimal as a string.*", "moet een getal zijn"),
    (r"not a decimal number: (.*)", r"is geen getal: \1 (gebruik cijfers en hooguit één decimaalteken)"),
    (r"expected a date .*|not a real date in the form YYYY-MM-DD: .*", "is geen geldige datum (JJJJ-MM-DD)"),
    (r"unknown segment (.*) \(expected one of: (.*)\)", r"onbekend segment \1 (kies uit: \2)"),
    (r"unknown milestone type (.*) \(expected one of: (.*)\)", r"onbekende mijlpaal \1 (kies uit: \2)"),
    (r"unknown provider (.*)", r"onbekend re-integratiebedrijf \1"),
    (r"unknown municipality (.*)", r"\1 is geen gemeente van dit consortium"),
    (r"unknown end reason (.*)", r"onbekende reden van beëindiging \1"),
    (r"contract ends \((.*)\) before it starts \((.*)\)", r"het contract eindigt (\1) voordat het begint (\2)"),
    (r"duplicate min_ratio (\S+) \(first at .*\)", r"ondergrens \1 komt twee keer voor"),
    (r"duplicate (tranche code|funding source|contract code) (.*) \(first at .*\)", r"\2 komt twee keer voor"),
    (r"duplicate (?:municipality|provider) code (.*) \(first at .*\)", r"code \1 is al in gebruik"),
    (r"a second tranche for milestone type (.*) \(first at .*\)",
     r"een tweede tranche voor mijlpaal \1 (één tranche per mijlpaal)"),
    (r"has both share and amount.*", "heeft zowel een aandeel als een bedrag (precies één van beide is toegestaan)"),
    (r"needs share or amount", "heeft een aandeel of een bedrag nodig (precies één van beide)"),
    (r"must be above 0 and at most 100", "moet boven 0 en ten hoogste 100 zijn"),
    (r"must be between 0 and 1", "moet tussen 0 en 1 liggen"),
    (r"needs an entry with min_ratio 0", "heeft een trede met ondergrens 0 nodig"),
    (r"shares add up to (.*), not exactly 100", r"de aandelen tellen op tot \1, niet precies 100"),
    (r"expected true or false.*", "moet ja of nee zijn"),
    (r"expected a string.*", "moet tekst zijn"),
]
_RULES = [(re.compile(pattern), dutch) for pattern, dutch in RULES_IN_DUTCH]


def in_dutch(message: str) -> str:
    """Say one of the engine's validation messages in Dutch (unknown ones stay as they are)."""
    for pattern, dutch in _RULES:
        if pattern.fullmatch(message):
            return pattern.sub(dutch, message)
    return message


@dataclass(frozen=True)
class FieldProblem:
    """One problem, on the form field `field` (a WTForms name such as `tranches-1-share`)."""

    field: str
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}: {self.message}"


class TermsInvalid(ValueError):
    def __init__(self, problems: list[FieldProblem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _text(value) -> str | None:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    return text or None



def _table_rows(fields: dict, values: dict, key: str, base: str, label: str, columns: dict) -> list[dict]:
    """Read a repeating form table (staffel steps, funding shares) into scenario rows, skipping empty rows,
    and map each row's JSON path (`base`.n.column) onto its form field and a Dutch label."""
    rows = []
    for i, row in enumerate(values.get(key) or []):
        parsed = {column: parse(row.get(column)) for column, (parse, _) in columns.items()}
        if not any(parsed.values()):
            continue
        path = join(base, len(rows))
        first = next(iter(columns))
        fields[path] = (f"{key}-{i}-{first}", f"{label} {i + 1}")
        for column, (_, text) in columns.items():
            fields[join(path, column)] = (f"{key}-{i}-{column}", f"{label} {i + 1}: {text}")
        rows.append(parsed)
    return rows

def _decimal(value) -> str | None:
    # Dutch users write 4.250,00: with a decimal comma, dots group thousands. The format's rules
    # then apply to the number itself.
    text = _text(value)
    if not text:
        return None
    text = text.replace(" ", "")
    return text.replace(".", "").replace(",", ".") if "," in text else text


def _integer(value):
    # A number that is not a whole number stays text, so the engine's rule names it.
    text = _text(value)
    return int(text) if text and _INTEGER.fullmatch(text) else text


@dataclass
class TermsDocument:
    terms: dict
    fields: dict[str, tuple[str, str]]  # JSON path -> (form field name, Dutch label)


def terms_document(values: dict, cap_names: dict[str, str]) -> TermsDocument:
    """Build a scenario `contracts[]` entry from form values; remember which field each path came from."""
    fields: dict[str, tuple[str, str]] = {"": ("code", "Contract")}
    terms: dict = {}
    for key, label in SCALARS.items():
        fields[key] = (key, label)
    terms["code"] = _text(values.get("code"))
    terms["provider"] = _text(values.get("provider"))
    terms["segment"] = _text(values.get("segment"))
    terms["start"], terms["end"] = _text(values.get("start")), _text(values.get("end"))
    terms["price"], terms["vat_rate"] = _decimal(values.get("price")), _decimal(values.get("vat_rate"))
    terms["max_trajectories"] = _integer(values.get("max_trajectories"))
    terms["submission_deadline_days"] = _integer(values.get("submission_deadline_days"))

    caps: dict = {}
    fields["municipality_caps"] = ("caps", "Plafonds per gemeente")
    for i, row in enumerate(values.get("caps") or []):
        code, cap = _text(row.get("municipality")), _integer(row.get("cap"))
        if code and cap is not None:
            caps[code] = cap
            name = f"{cap_names[code]} ({code})" if code in cap_names else code
            fields[join("municipality_caps", code)] = (f"caps-{i}-cap", f"Plafond {name}")
    terms["municipality_caps"] = caps or None

    tranches = []
    fields["tranches"] = ("tranches", "Betaalschema")
    for i, row in enumerate(values.get("tranches") or []):
        entry = {"code": _text(row.get("code")), "milestone": _text(row.get("milestone")),
                 "share": _decimal(row.get("share")), "amount": _decimal(row.get("amount"))}
        if not any(entry.values()):
            continue
        path = join("tranches", len(tranches))
        fields[path] = (f"tranches-{i}-share", f"Tranche {i + 1}")
        for key, label in TRANCHE_LABELS.items():
            fields[join(path, key)] = (f"tranches-{i}-{key}", f"Tranche {i + 1}: {label}")
        entry["result"] = bool(row.get("result"))
        tranches.append(entry)
    terms["tranches"] = tranches

    if values.get("has_norm"):
        norm: dict = {"milestone": _text(values.get("norm_milestone")), "rate": _decimal(values.get("norm_rate")),
                      "measurement_months": _integer(values.get("norm_measurement_months")),
                      "window_months": _integer(values.get("norm_window_months")),
                      "excluded_end_reasons": list(values.get("excluded_end_reasons") or [])}
        fields["norm"] = ("has_norm", "Prestatienorm")
        for key, (name, label) in NORM_SCALARS.items():
            fields[join("norm", key)] = (name, label)
        for k in range(len(norm["excluded_end_reasons"])):
            fields[join(join("norm", "excluded_end_reasons"), k)] = ("excluded_end_reasons", "Neutrale uitstroom")
        fields["norm.staffel"] = ("staffel", "Staffel")
        norm["staffel"] = _table_rows(fields, values, "staffel", "norm.staffel", "Staffel trede",
                                      {"min_ratio": (_decimal, "vanaf realisatie"), "pay": (_decimal, "uitbetaling")})
        terms["norm"] = norm

    fields["funding"] = ("funding", "Financiering")
    funding = _table_rows(fields, values, "funding", "funding", "Financiering",
                          {"source": (_text, "bron"), "share": (_decimal, "aandeel (%)")})
    if funding:
        terms["funding"] = funding
    return TermsDocument({k: v for k, v in terms.items() if v is not None}, fields)


def _field_for(path: str, fields: dict[str, tuple[str, str]]) -> tuple[str, str]:
    while path not in fields:
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return fields[path]


def validate_terms(values: dict, *, municipalities: dict[str, str], providers: dict[str, str],
                   consortium: tuple[str, str]) -> settlement.Contract:
    """Return the engine's Contract for valid form values, or raise TermsInvalid naming each field."""
    document = terms_document(values, municipalities)
    prefix = "contracts[0]"
    try:
        contract = settlement.parse_scenario(
            scenario_document(document.terms, municipalities, providers, consortium)).contracts[0]
        problems = list(_portal_rules(contract))
    except settlement.ScenarioError as invalid:
        problems = [settlement.Problem(p.path[len(prefix):].lstrip("."), p.message)
                    for p in invalid.problems if p.path.startswith(prefix)]
        problems += [p for p in invalid.problems if not p.path.startswith(prefix)]
    if problems:
        raise TermsInvalid([FieldProblem(*_field_for(p.path, document.fields), in_dutch(p.message))
                            for p in problems])
    return contract


def _decimals(value: Decimal | None, places: int) -> bool:
    return value is not None and value != value.quantize(Decimal(1).scaleb(-places))


def _portal_rules(contract: settlement.Contract):
    """What the database holds on top of the format's rules (column sizes, money in cents)."""
    whole_numbers = {"max_trajectories": contract.max_trajectories,
                     "submission_deadline_days": contract.submission_deadline_days}
    whole_numbers.update({join("municipality_caps", code): cap
                          for code, cap in (contract.municipality_caps or {}).items()})
    if contract.norm is not None:
        whole_numbers.update({"norm.measurement_months": contract.norm.measurement_months,
                              "norm.window_months": contract.norm.window_months})
    for path, number in whole_numbers.items():
        if number is not None and number > _LARGEST_INTEGER:
            yield settlement.Problem(path, f"is te groot (hooguit {_LARGEST_INTEGER})")
    if len(contract.code) > 40:
        yield settlement.Problem("code", "is te lang (hooguit 40 tekens)")
    if _decimals(contract.price, 2):
        yield settlement.Problem("price", "moet een bedrag in hele centen zijn (hooguit 2 decimalen)")
    elif contract.price >= 10 ** 10:
        yield settlement.Problem("price", "is te groot (hooguit 9999999999.99)")
    if _decimals(contract.vat_rate, 4):
        yield settlement.Problem("vat_rate", "heeft te veel decimalen (hooguit 4)")
    for j, tranche in enumerate(contract.tranches):
        if len(tranche.code) > 40:
            yield settlement.Problem(f"tranches[{j}].code", "is te lang (hooguit 40 tekens)")
        if _decimals(tranche.amount, 2):
            yield settlement.Problem(f"tranches[{j}].amount",
                                     "moet een bedrag in hele centen zijn (hooguit 2 decimalen)")
        if _decimals(tranche.share, 4):
            yield settlement.Problem(f"tranches[{j}].share", "heeft te veel decimalen (hooguit 4)")
    if contract.norm is not None:
        if _decimals(contract.norm.rate, 4):
            yield settlement.Problem("norm.rate", "heeft te veel decimalen (hooguit 4)")
        for k, step in enumerate(contract.norm.staffel):
            for key in ("min_ratio", "pay"):
                if _decimals(getattr(step, key), 4):
                    yield settlement.Problem(f"norm.staffel[{k}].{key}", "heeft te veel decimalen (hooguit 4)")
    for k, share in enumerate(contract.funding):
        if len(share.source) > 30:
            yield settlement.Problem(f"funding[{k}].source", "is te lang (hooguit 30 tekens)")
        if share.share == 0:
            yield settlement.Problem(f"funding[{k}].share", "moet groter dan 0 zijn (laat een bron zonder aandeel weg)")
        elif _decimals(share.share, 4):
            yield settlement.Problem(f"funding[{k}].share", "heeft te veel decimalen (hooguit 4)")
