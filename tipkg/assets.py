"""Where the front-end packages (YASGUI, Cytoscape, axe-core, reveal.js, uPlot) are on this machine.

They come from npm, never from a CDN. A wheel carries them as package data in ``tipkg/_vendor/<name>``
(``setup.py`` runs ``npm ci`` when the wheel is built); in a source checkout ``./run`` installs them
into ``webapp/frontend/node_modules``. Every stage that needs one (the web app's ``/vendor/`` files,
the training slides) asks here, so no stage reads another's folders.

>>> sorted(PACKAGES)
['axe-core', 'cytoscape', 'reveal.js', 'uplot', 'yasgui']
>>> package_dir("jquery")
Traceback (most recent call last):
...
tipkg.errors.ConfigError: no front-end package 'jquery'; known: yasgui, cytoscape, axe-core, reveal.js, uplot
"""

from __future__ import annotations

from pathlib import Path

from tipkg.errors import ConfigError

_INSTALLED = Path(__file__).resolve().parent / "_vendor"
_SOURCE_TREE = Path(__file__).resolve().parent.parent / "webapp" / "frontend" / "node_modules"
# Each package's distributable folder, relative to node_modules (setup.py reads this table too).
PACKAGES: dict[str, str] = {
    "yasgui": "@zazuko/yasgui/build",
    "cytoscape": "cytoscape/dist",
    "axe-core": "axe-core",
    "reveal.js": "reveal.js/dist",
    "uplot": "uplot/dist",
}


def package_dir(name: str) -> Path:
    """The folder of front-end package ``name``: the installed package's copy if there is one, else
    the source tree's (which may not exist either: see :func:`require`)."""
    if name not in PACKAGES:
        raise ConfigError(f"no front-end package {name!r}; known: {', '.join(PACKAGES)}")
    installed = _INSTALLED / name
    return installed if installed.is_dir() else _SOURCE_TREE / PACKAGES[name]


def require(name: str) -> Path:
    """The folder of front-end package ``name``, or a ConfigError that says how to install it."""
    folder = package_dir(name)
    if not folder.is_dir():
        raise ConfigError(
            f"the front-end package {name!r} is not installed ({folder}): run ./run serve or ./run test"
            " in a checkout, or install TIPKG from a wheel, which carries it"
        )
    return folder
