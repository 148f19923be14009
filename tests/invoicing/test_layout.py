"""The invoice PDF's layout: no text runs past the page's margins, and no page that only says there is nothing.

Read with `pdftotext -bbox` (poppler): every word with its box in points. A4 is 595.28 pt wide and the
stylesheet's side margins are 16 mm (45.35 pt), so every word must end before 549.9 pt.
"""
from __future__ import annotations

import re
import subprocess
from decimal import Decimal as D
from html import unescape

from portal.invoicing import render_invoice_pdf

from .factories import create_annex_line, create_document, create_line

PAGE_WIDTH = 595.28
MARGIN = 16 / 25.4 * 72
TOLERANCE = 1.0
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')


def boxes(pdf: bytes, tmp_path) -> list[list[tuple[float, float, float, str]]]:
    """The words of each page as (xMin, xMax, yMin, text)."""
    path = tmp_path / "layout.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True).stdout.decode()
    return [[(float(a), float(b), float(y), unescape(text)) for a, y, b, text in WORD.findall(page)]
            for page in html.split("<page ")[1:]]


def words(pdf: bytes, tmp_path) -> list[list[tuple[float, float, str]]]:
    """The words of each page as (xMin, xMax, text)."""
    return [[(left, right, text) for left, right, _, text in page] for page in boxes(pdf, tmp_path)]


def widest_document():
    """Amounts as wide as they get (≥ € 100 million), long references and reasons, every column filled."""
    lines = [create_line(n, D("-123456789.99") if n % 2 else D("98765432.10"), reason="CORRECTION" if n % 2 else None,
                         description="Correctie op NK2026C-000123: Duurzame plaatsing — traject T000123456 (duurzaam)",
                         milestone_ref=f"M{n:09d}", trajectory_ref=f"T{n:09d}", client_label=f"C{n:09d}",
                         corrects="NK2026C-000123" if n % 2 else None, funding={})
             for n in range(1, 13)]
    annex = tuple(create_annex_line(milestone_ref=f"M{n:09d}", trajectory_ref=f"T{n:09d}",
                                    reason="OUTSIDE_CONTRACT_PERIOD",
                                    reason_text="Traject gestart buiten de looptijd van het contract",
                                    amount=D("223456789.99"), withheld=D("123456789.99"), pending=D("98765432.10"))
                  for n in range(1, 30))
    return create_document(lines, annex=annex, kind="credit_note")


def test_no_word_runs_past_the_right_margin(tmp_path):
    pages = words(render_invoice_pdf(widest_document()), tmp_path)
    assert len(pages) >= 2
    limit = PAGE_WIDTH - MARGIN + TOLERANCE
    outside = [(number, text, round(right, 1)) for number, page in enumerate(pages, 1)
               for left, right, text in page if right > limit or left < MARGIN - TOLERANCE]
    assert outside == [], f"past the margins (page, word, right edge; limit {limit:.1f} pt): {outside[:10]}"


def test_no_two_words_on_a_line_touch(tmp_path):
    """A column too narrow for its longest word lets it run into the next column: no gap between them."""
    touching = []
    for number, page in enumerate(boxes(render_invoice_pdf(widest_document()), tmp_path), 1):
        lines: dict[float, list] = {}
        for left, right, top, text in page:
            lines.setdefault(round(top), []).append((left, right, text))
        for row in lines.values():
            row.sort()
            touching += [(number, a[2], b[2]) for a, b in zip(row, row[1:]) if a[1] > b[0] - 1.5]
    assert touching == [], f"words without a gap (page, left word, right word): {touching[:10]}"


def test_a_document_without_withheld_lines_has_no_specification_page(tmp_path):
    pages = words(render_invoice_pdf(create_document(annex=())), tmp_path)
    text = " ".join(word for page in pages for _, _, word in page)
    assert "Specificatie" not in text and len(pages) == 1


def test_a_correction_line_names_the_invoice_it_corrects_and_the_client_by_number(tmp_path):
    document = create_document([create_line(1, D("-500.00"), reason="CORRECTION", client_label="C000042",
                                            description="Correctie op NK2026-000007: Plaatsing — traject T0001",
                                            corrects="NK2026-000007")], kind="credit_note")
    text = " ".join(word for page in words(render_invoice_pdf(document), tmp_path) for _, _, word in page)
    assert "Correctie op NK2026-000007:" in text and "C000042" in text
