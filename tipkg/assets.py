"""Where the front-end packages (YASGUI, Cytoscape, axe-core, reveal.js) are on this machine.

They come from npm, never from a CDN. In a source checkout ``./run`` installs them into
``webapp/frontend/node_modules``; every stage that needs one (the web app's ``/vendor/`` files, the
training slides) asks here, so no stage reads another's folders.
"""

from __future__ import annotations

from pathlib import Path

from tipkg.errors import ConfigError

_SOURCE_TREE = Path(__file__).resolve().parent.parent / "webapp" / "frontend" / "node_modules"
# Each package's distributable folder, relative to node_modules.
PACKAGES: dict[str, str] = {
    "yasgui": "@zazuko/yasgui/build",
    "cytoscape": "cytoscape/dist",
    "axe-core": "axe-core",
    "reveal.js": "reveal.js/dist",
}


def package_dir(name: str) -> Path:
    """The folder of front-end package ``name`` (it may not exist: see :func:`require`)."""
    if name not in PACKAGES:
        raise ConfigError(f"no front-end package {name!r}; known: {', '.join(PACKAGES)}")
    return _SOURCE_TREE / PACKAGES[name]


def require(name: str) -> Path:
    """The folder of front-end package ``name``, or a ConfigError that says how to install it."""
    folder = package_dir(name)
    if not folder.is_dir():
        raise ConfigError(
            f"the front-end package {name!r} is not installed ({folder}): run ./run serve or ./run test"
        )
    return folder
