"""``/vendor/<package>/<file>``: front-end packages installed from npm at set-up (webapp/frontend),
served by the app itself so that pages need no network beyond it."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

bp = Blueprint("vendor", __name__)
NODE_MODULES = Path(__file__).resolve().parent / "frontend" / "node_modules"
PACKAGES = {
    "yasgui": NODE_MODULES / "@zazuko" / "yasgui" / "build",
    "cytoscape": NODE_MODULES / "cytoscape" / "dist",
    "axe-core": NODE_MODULES / "axe-core",
    "reveal.js": NODE_MODULES / "reveal.js" / "dist",
}


@bp.get("/vendor/<package>/<path:filename>")
def asset(package: str, filename: str):
    folder = PACKAGES.get(package)
    if folder is None:
        abort(404, description=f"No front-end package {package!r}; available: {', '.join(PACKAGES)}.")
    if not folder.is_dir():
        abort(
            404,
            description=f"The front-end package {package!r} is not installed: run ./run serve or ./run test.",
        )
    response = send_from_directory(folder, filename, max_age=86400)
    return response
