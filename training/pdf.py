"""The PDF handout: the HTML handout printed by headless Chromium, its clock-dependent dates and
document id then fixed so that the same module gives the same bytes."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from tipkg.training.base import RenderError

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--no-pdf-header-footer",
]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RenderError("the pdf format needs Debian's chromium (apt-get install chromium)")
    return found


def write_pdf(html: str, path: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="tipkg-pdf-") as tmp:
        source = Path(tmp) / "module.html"
        source.write_text(html, encoding="utf-8")
        target = Path(tmp) / "module.pdf"
        command = [
            chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp}/profile",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        env = {**os.environ, "TZ": "UTC"}
        done = subprocess.run(command, capture_output=True, text=True, timeout=180, env=env)
        if done.returncode != 0 or not target.is_file():
            raise RenderError(f"chromium could not print {path.name}: {done.stderr.strip()[-500:]}")
        path.write_bytes(fix_pdf(target.read_bytes()))


_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) \(D:)[0-9]{14}")
_PDF_ID = re.compile(rb"/ID \[<([0-9A-Fa-f]+)> <([0-9A-Fa-f]+)>\]")


def fix_pdf(data: bytes) -> bytes:
    """Replace the clock-dependent dates and the document id with fixed values of the same length,
    so that the cross-reference offsets stay right."""

    data = _PDF_DATE.sub(rb"\g<1>20000101000000", data)
    digest = hashlib.sha256(_PDF_ID.sub(b"", data)).hexdigest().upper().encode()

    def ident(match: re.Match) -> bytes:
        a, b = match.group(1), match.group(2)
        return (
            b"/ID [<"
            + digest[: len(a)].ljust(len(a), b"0")
            + b"> <"
            + digest[: len(b)].ljust(len(b), b"0")
            + b">]"
        )

    return _PDF_ID.sub(ident, data)
