"""`make help` lists every target of the Makefile and make/*.mk with its description."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = re.compile(r"^([a-zA-Z0-9_-]+):(?!=)(.*)$")


def _targets() -> dict[str, bool]:
    """Every target name, and whether one of its rule lines has a `## ` description."""
    targets: dict[str, bool] = {}
    for path in [ROOT / "Makefile", *sorted((ROOT / "make").glob("*.mk"))]:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = TARGET.match(line)
            if match:
                name = match.group(1)
                targets[name] = targets.get(name, False) or "## " in match.group(2)
    return targets


def test_every_target_has_a_description():
    targets = _targets()
    assert len(targets) > 25, targets
    assert [name for name, described in targets.items() if not described] == []


def test_make_help_lists_every_target():
    out = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    listed = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert sorted(listed) == sorted(_targets())
