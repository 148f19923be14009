"""Reading a bureau's CSV as Excel writes it: `;` or `,`, UTF-8 with or without BOM, Dutch dates and decimals."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ..formatting import label
from ..models.enums import BENEFIT_ENDINGS, CONTRACT_TYPES, EVIDENCE_KINDS, MILESTONE_TYPES

#: The columns in template order, with what they hold (shown on the import page).
COLUMNS = (
    ("traject", "Trajectnummer in het portaal, bijvoorbeeld T000123 (verplicht)."),
    ("soort", "Soort mijlpaal: de code of de naam op het scherm, bijvoorbeeld placement of Plaatsing (verplicht)."),
    ("datum", "Datum van de mijlpaal; bij een plaatsing de eerste werkdag (dd-mm-jjjj of jjjj-mm-dd, verplicht)."),
    ("werkgever", "Plaatsing: naam van de werkgever."),
    ("kvk_werkgever", "Plaatsing: KvK-nummer van de werkgever (8 cijfers, mag leeg)."),
    ("contractsoort", "Plaatsing: vast, bepaalde_tijd, uitzend, oproep of proefplaatsing."),
    ("uren_per_week", "Plaatsing: uren per week, bijvoorbeeld 32 of 24,5."),
    ("bruto_maandloon", "Plaatsing: bruto maandloon in euro, bijvoorbeeld 2.400,00."),
    ("uitkering_stopt", "Plaatsing: stopt de uitkering volledig, gedeeltelijk of niet."),
    ("plaatsing_start", "Duurzame plaatsing: de startdatum van de plaatsing waar zij bij hoort."),
    ("soort_bewijs", "Soort bewijsstuk: arbeidscontract, loonstrook, werkgeversverklaring, presentielijst, "
                     "plan of anders (verplicht)."),
    ("bewijsstukken", "Bestandsnamen van de bewijsstukken die u met het CSV-bestand meestuurt, gescheiden door | "
                      "(verplicht: elke declaratie heeft bewijs nodig)."),
    ("toelichting", "Toelichting voor de beoordelaar (mag leeg)."),
)
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)
REQUIRED = ("traject", "soort", "datum", "soort_bewijs", "bewijsstukken")
MAX_ROWS = 2000
EXAMPLE_ROW = ("T000123", "Plaatsing", "01-03-2026", "Bakkerij De Korenbloem", "12345678", "bepaalde_tijd", "32",
               "2.400,00", "volledig", "", "arbeidscontract", "contract-T000123.pdf", "Start als verkoopmedewerker")
BENEFIT_WORDS = {"volledig": "fully", "gedeeltelijk": "partly", "niet": "not"}


class FieldError(ValueError):
    """A value that cannot be read; the message is Dutch and names the column."""

    def __init__(self, column: str | None, message: str):
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class CsvRow:
    line: int              # the line in the file (the header is line 1)
    values: dict[str, str]


def read_rows(data: bytes) -> list[CsvRow]:
    """Decode and split the file; raise FieldError for a file that cannot be read as a whole."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FieldError(None, "Het bestand is geen UTF-8-tekst. Sla het in Excel op als ‘CSV UTF-8 "
                               "(gescheiden door lijstscheidingsteken)’.") from None
    if not text.strip():
        raise FieldError(None, "Het bestand is leeg.")
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    unknown = [h for h in header if h and h not in COLUMN_NAMES]
    if unknown:
        raise FieldError(None, "Onbekende kolom(men): " + ", ".join(unknown) + ". Gebruik de kolommen van het voorbeeld.")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FieldError(None, "Verplichte kolom(men) ontbreken: " + ", ".join(missing) + ".")
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise FieldError(None, f"Het bestand heeft meer dan {MAX_ROWS} regels. Splits het in kleinere bestanden.")
        if len(values) > len(header):
            raise FieldError(None, f"Regel {reader.line_num} heeft meer waarden dan er kolommen zijn.")
        rows.append(CsvRow(reader.line_num, {h: v.strip() for h, v in zip(header, values) if h}))
    if not rows:
        raise FieldError(None, "Het bestand heeft geen regels onder de kopregel.")
    return rows


def parse_date(value: str, column: str) -> date:
    for pattern in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise FieldError(column, f"‘{value}’ is geen datum; gebruik dd-mm-jjjj.")


def parse_decimal(value: str, column: str) -> Decimal:
    """Read 2.400,00 / 2400,00 / 2400.00 / 32 (Dutch Excel writes a decimal comma, maybe with dots for thousands)."""
    text = value.replace(" ", "").replace("€", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise FieldError(column, f"‘{value}’ is geen getal.") from None
    if not amount.is_finite():
        raise FieldError(column, f"‘{value}’ is geen getal.")
    return amount


def parse_code(value: str, column: str, codes: tuple[str, ...], words: dict[str, str] | None = None) -> str:
    """Accept a stored code or its Dutch label, in any case."""
    wanted = value.strip().lower()
    for code in codes:
        if wanted in (code.lower(), label(code).lower()):
            return code
    if words and wanted in words:
        return words[wanted]
    return _unknown(value, column, codes)


def _unknown(value: str, column: str, codes) -> str:
    raise FieldError(column, f"‘{value}’ is niet bekend; kies uit: " + ", ".join(label(c) for c in codes) + ".")


def milestone_type(value: str) -> str:
    return parse_code(value, "soort", MILESTONE_TYPES)


def contract_type(value: str) -> str:
    return parse_code(value, "contractsoort", CONTRACT_TYPES)


def benefit_ending(value: str) -> str:
    return parse_code(value, "uitkering_stopt", BENEFIT_ENDINGS, BENEFIT_WORDS)


def evidence_kind(value: str) -> str:
    return parse_code(value, "soort_bewijs", EVIDENCE_KINDS, {"anders": "other"})


def template_csv() -> bytes:
    """The template: a BOM (Excel then reads UTF-8), the header and one example row, `;`-separated."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerow(EXAMPLE_ROW)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
