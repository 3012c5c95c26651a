"""``/vendor/<package>/<file>``: the front-end packages from npm (located by :mod:`tipkg.assets`),
served by the app itself so that pages need no network beyond it."""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_from_directory

from tipkg import assets

bp = Blueprint("vendor", __name__)


@bp.get("/vendor/<package>/<path:filename>")
def asset(package: str, filename: str) -> Response:
    if package not in assets.PACKAGES:
        abort(404, description=f"No front-end package {package!r}; available: {', '.join(assets.PACKAGES)}.")
    folder = assets.package_dir(package)
    if not folder.is_dir():
        abort(
            404,
            description=f"The front-end package {package!r} is not installed: run ./run serve or ./run test.",
        )
    return send_from_directory(folder, filename, max_age=86400)
