"""Where the documents' templates and assets live, and the URL scheme that names an asset (no WeasyPrint here)."""
from __future__ import annotations

from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates" / "documents"
ASSET_SCHEME = "resultaatportaal-asset"
