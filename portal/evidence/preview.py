"""Evidence previews: a PDF's first pages rendered to PNG on the server, so no PDF (nor its JavaScript) reaches
the browser; an image is shown as the checked image it is.

Rendering runs poppler's `pdftoppm` (a Debian package the install already needs) in a child process with a
time limit and memory and CPU limits, so a hostile or broken PDF costs at most that child, never the app.
"""
from __future__ import annotations

import resource
import subprocess
import tempfile
from pathlib import Path

#: Pages shown per PDF: the reviewer opens the file itself for the rest.
MAX_PAGES = 3
WIDTH = 900  # pixels: sharp at the page's width, small enough to send
TIMEOUT = 20  # seconds for one page
MEMORY = 768 * 1024 * 1024
IMAGE_TYPES = ("image/png", "image/jpeg")


class PreviewFailed(Exception):
    """The file could not be rendered (broken, hostile, or too heavy); the page says so and offers the download."""


def _limits() -> None:  # runs in the child before pdftoppm starts
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (TIMEOUT, TIMEOUT))


def page_count(data: bytes) -> int:
    """The number of pages of a PDF (pdfinfo), at most MAX_PAGES; 0 when it cannot be read."""
    with tempfile.TemporaryDirectory(prefix="preview-") as folder:
        path = Path(folder) / "in.pdf"
        path.write_bytes(data)
        try:
            result = subprocess.run(["pdfinfo", str(path)], capture_output=True, timeout=TIMEOUT,
                                    preexec_fn=_limits, check=False)
        except subprocess.TimeoutExpired:
            return 0
    for line in result.stdout.decode("latin-1").splitlines():
        if line.startswith("Pages:"):
            return min(MAX_PAGES, int(line.split(":", 1)[1]))
    return 0


def render_page(data: bytes, page: int) -> bytes:
    """Render one page (1-based, at most MAX_PAGES) of a PDF to PNG."""
    if not 1 <= page <= MAX_PAGES:
        raise PreviewFailed(f"Alleen de eerste {MAX_PAGES} pagina's hebben een voorbeeld.")
    with tempfile.TemporaryDirectory(prefix="preview-") as folder:
        source, target = Path(folder) / "in.pdf", Path(folder) / "page"
        source.write_bytes(data)
        try:
            subprocess.run(["pdftoppm", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                            "-scale-to-x", str(WIDTH), "-scale-to-y", "-1", str(source), str(target)],
                           capture_output=True, timeout=TIMEOUT, preexec_fn=_limits, check=True)
        except (subprocess.TimeoutExpired, subprocess.CalledProcessError):
            raise PreviewFailed("Van dit bestand kan geen voorbeeld worden gemaakt; download het.") from None
        rendered = target.with_suffix(".png")
        if not rendered.is_file():
            raise PreviewFailed("Deze pagina bestaat niet.")
        return rendered.read_bytes()
