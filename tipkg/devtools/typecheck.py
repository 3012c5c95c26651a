"""Run mypy on the checkout as it installs: ``python -m tipkg.devtools.typecheck [MYPY ARGS]``.

mypy cannot follow the editable install's import hook, and it names a module after its folders
(``store/sparql.py`` would be ``store.sparql``), so this builds a tree of links with the installed
layout (``var/typecheck/tipkg/store`` links to ``store/``), checks it with the settings of
pyproject.toml, and prints mypy's messages with the checkout's paths.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tipkg.devtools.layout import ROOT, package_dirs

TREE = ROOT / "var" / "typecheck"


def link_tree() -> Path:
    """The installed layout as links under ``var/typecheck``; returns the ``tipkg`` folder in it."""
    shutil.rmtree(TREE, ignore_errors=True)
    for name, folder in sorted(package_dirs().items()):
        target = TREE.joinpath(*name.split("."))
        if name == "tipkg":  # its subpackages come from other folders: link its entries one by one
            target.mkdir(parents=True)
            for entry in folder.iterdir():
                if entry.name not in ("__pycache__", "_vendor"):
                    (target / entry.name).symlink_to(entry)
        else:
            target.symlink_to(folder, target_is_directory=True)
    return TREE / "tipkg"


def main(argv: list[str]) -> int:
    package = link_tree()
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--config-file",
        str(ROOT / "pyproject.toml"),
        *argv,
        str(package),
        str(ROOT / "bench"),
    ]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    text = out.stdout + out.stderr
    # Longest names first, so that tipkg/store/ is rewritten as store/ and not as tipkg/store/.
    for name, folder in sorted(package_dirs().items(), key=lambda item: -len(item[0])):
        linked = TREE.joinpath(*name.split("."))
        text = text.replace(str(linked.relative_to(ROOT)) + "/", str(folder.relative_to(ROOT)) + "/")
    print(text, end="")
    return out.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
