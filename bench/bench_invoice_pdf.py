"""Benchmark the invoice PDF against a bare WeasyPrint table of the same length.

    .venv/bin/python bench/bench_invoice_pdf.py [--repeat 5] [--lines 500] [--batch 100]

1. A 500-line invoice rendered the production way (render_ubl + render_invoice_pdf:
   locked fetcher, UBL attachment, PDF/A-3b) against a bare ``HTML(string).write_pdf()``
   of a plain HTML table with the same number of pages and the same font, measured
   in the same run. Target: ratio <= 1.5.
2. A run that issues 100 invoices of ~20 lines: UBL + PDF each, per-invoice ms.

Medians of --repeat runs after one warm-up; figures go to stdout.
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

from portal.invoicing import render_invoice_pdf, render_ubl  # noqa: E402
from tests.invoicing.factories import create_document, create_large_document, create_line  # noqa: E402

BARE_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 18mm 16mm; }}
html {{ font-family: "DejaVu Sans", sans-serif; font-size: 8.5pt; }}
table {{ width: 100%; }}
</style></head><body><table>
<thead><tr><th>Nr.</th><th>Omschrijving</th><th>Reden</th><th>Bedrag</th></tr></thead>
<tbody>{rows}</tbody></table></body></html>"""
BARE_ROW = ("<tr><td>{n}</td><td>Plaatsing op werk, traject T-{n} mijlpaal M-{n}</td>"
            "<td></td><td>€ 1.234,56</td></tr>")


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def bare_pdf(rows: int) -> bytes:
    html = BARE_PAGE.format(rows="".join(BARE_ROW.format(n=n) for n in range(1, rows + 1)))
    return HTML(string=html).write_pdf()


def rows_for_pages(target: int) -> int:
    """Return the largest number of bare rows that fills exactly `target` pages."""
    low, high = 1, 200  # rows on one page: bisect on cheap one-page renders
    while low < high:
        middle = (low + high + 1) // 2
        if pages(bare_pdf(middle)) <= 1:
            low = middle
        else:
            high = middle - 1
    rows = low * target  # every page repeats the header, so pages are alike
    while pages(bare_pdf(rows)) > target:
        rows -= 1
    return rows


def interleaved_seconds(functions: dict, repeat: int) -> dict[str, list[float]]:
    """Time each function `repeat` times, taking turns, so all see the same machine load."""
    for function in functions.values():
        function()  # warm-up: fontconfig, template and schema caches
    timings: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            timings[name].append(time.perf_counter() - start)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()

    doc = create_large_document(args.lines)
    xml = render_ubl(doc)
    invoice_pdf = render_invoice_pdf(doc, ubl_xml=xml)
    invoice_pages = pages(invoice_pdf)
    rows = rows_for_pages(invoice_pages)
    assert pages(bare_pdf(rows)) == invoice_pages

    timings = interleaved_seconds({
        "invoice": lambda: render_invoice_pdf(doc, ubl_xml=render_ubl(doc)),
        "bare": lambda: bare_pdf(rows),
        "bare_same_rows": lambda: bare_pdf(args.lines),
    }, args.repeat)
    invoice_s, bare_s, same_rows_s = (statistics.median(timings[name]) for name in timings)
    ratio = invoice_s / bare_s
    best_ratio = min(timings["invoice"]) / min(timings["bare"])
    print(f"{args.lines}-line invoice: {invoice_pages} pages, median {invoice_s * 1000:.0f} ms, "
          f"best {min(timings['invoice']) * 1000:.0f} ms (UBL + PDF/A-3b with attachment)")
    print(f"bare table, {rows} rows, {invoice_pages} pages: median {bare_s * 1000:.0f} ms, "
          f"best {min(timings['bare']) * 1000:.0f} ms")
    print(f"ratio invoice / bare (same pages): median {ratio:.2f}, best {best_ratio:.2f} "
          f"(target <= 1.50) {'OK' if ratio <= 1.5 else 'TOO SLOW'}")
    # For comparison only: the bare table with as many rows as the invoice has lines
    # (fewer pages, as its rows are one text line high and the invoice's two).
    print(f"bare table, {args.lines} rows ({pages(bare_pdf(args.lines))} pages): median "
          f"{same_rows_s * 1000:.0f} ms; ratio invoice / same-rows bare: {invoice_s / same_rows_s:.2f}")

    batch = [
        create_document(
            [create_line(n, Decimal(900 + 13 * n) + Decimal("0.50")) for n in range(1, 21)],
            number=f"2026-{index:06d}")
        for index in range(1, args.batch + 1)
    ]
    render_invoice_pdf(batch[0], ubl_xml=render_ubl(batch[0]))  # warm-up
    start = time.perf_counter()
    for document in batch:
        render_invoice_pdf(document, ubl_xml=render_ubl(document))
    elapsed = time.perf_counter() - start
    print(f"{args.batch} invoices of 20 lines: {elapsed:.2f} s, "
          f"{elapsed * 1000 / args.batch:.0f} ms per invoice (UBL + PDF)")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
