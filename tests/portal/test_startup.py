"""The app starts without the libraries only some pages need: WeasyPrint (PDFs) and SciPy (audit samples)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_app_loads_neither_weasyprint_nor_scipy():
    code = "import sys, wsgi; print(sorted({m.split('.')[0] for m in sys.modules} & {'weasyprint', 'scipy'}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                          env=dict(os.environ, PORTAL_DEMO="1", DATABASE_URL="sqlite://"))
    assert done.stdout.strip() == "[]"


def test_making_a_pdf_still_loads_weasyprint():
    code = ("import sys; from portal.invoicing import render_invoice_pdf; assert 'weasyprint' not in sys.modules; "
            "from portal.invoicing.pdf import AssetFetcher; print('weasyprint' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "True"


def test_the_dummy_hash_has_the_parameters_of_a_real_one():
    # In a fresh process: the test session swaps in fast hashing (and its own dummy hash).
    code = ("from argon2 import PasswordHasher; from portal.auth.passwords import _DUMMY_HASH as h; "
            "p = PasswordHasher(); print(p.verify(h, 'not-a-real-password') and not p.check_needs_rehash(h))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "True"  # it costs what a stored hash costs
