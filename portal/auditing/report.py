"""The PDF report of a sample: parameters, items, findings and the evaluation, with the invoices' locked-down
WeasyPrint (its AssetFetcher refuses every URL but the project's own document assets; the report names none)."""
from __future__ import annotations

from functools import lru_cache

import jinja2

from .. import clock
from ..invoicing.format import euro, nl_date
from ..invoicing.assets import TEMPLATE_DIR
from ..models import AuditSample
from .sampling import FINDING_LABELS, METHOD_LABELS, POPULATION_LABELS, Evaluation


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(euro=euro, nl_date=nl_date)
    return env


def render_sample_html(sample: AuditSample, evaluation: Evaluation) -> str:
    """Return the report's HTML (plain data in, autoescaped)."""
    return _environment().get_template("audit_sample.html").render(
        sample=sample, evaluation=evaluation, findings=FINDING_LABELS, populations=POPULATION_LABELS,
        methods=METHOD_LABELS, contract=sample.contract.code if sample.contract else None,
        drawn=sample.created_at.astimezone(clock.AMSTERDAM).date(), printed=clock.today())


def render_sample_pdf(sample: AuditSample, evaluation: Evaluation) -> bytes:
    """Render the sample report to PDF."""
    from weasyprint import HTML  # loaded only when a PDF is made (it takes seconds)

    from ..invoicing.pdf import AssetFetcher
    return HTML(string=render_sample_html(sample, evaluation), base_url=None,
                url_fetcher=AssetFetcher()).write_pdf()
