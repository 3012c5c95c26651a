"""``/training``: pick a training module and a format, and download it (the same material as
``tipkg training build``)."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from tipkg.training import build
from tipkg.training.base import DESCRIPTIONS
from tipkg.training.modules import get_module, module_names
from tipkg.training.render import FORMATS

bp = Blueprint("training_page", __name__)


@bp.get("/training")
def index() -> str:
    modules = [(name, get_module(name).title) for name in module_names()]
    formats = [(fmt, DESCRIPTIONS.get(fmt, fmt)) for fmt in FORMATS]
    return render_template("training.html", modules=modules, formats=formats)


@bp.get("/training/download")
def download() -> Response:
    from tipkg.webapp import current_store

    name, fmt = request.args.get("module", ""), request.args.get("format", "")
    if name not in module_names():
        abort(404, description=f"No training module {name!r}; see the list on /training.")
    if fmt not in FORMATS:
        abort(404, description=f"No format {fmt!r}; available: {', '.join(FORMATS)}.")
    try:
        seed = int(request.args.get("seed", "0"))
    except ValueError:
        abort(400, description="The seed must be a whole number.")
    base = current_app.config["TIPKG_SETTINGS"].base_iri
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        written = build(current_store(), [name], [fmt], out, seed=seed, base=base)
        files = [p for p in out.rglob("*") if p.is_file()]
        if len(files) == 1:
            data = files[0].read_bytes()
            return send_file(io.BytesIO(data), as_attachment=True, download_name=written[0].name)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(files):
                archive.write(path, path.relative_to(out).as_posix())
        buffer.seek(0)
        return send_file(
            buffer, as_attachment=True, download_name=f"{name}-{fmt}.zip", mimetype="application/zip"
        )
