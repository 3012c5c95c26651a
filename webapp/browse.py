"""(to be written)"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("browse", __name__)
