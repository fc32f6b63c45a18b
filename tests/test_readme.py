"""The README is the front door: its settings table lists every var with its default."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _settings_rows() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\| `(\w+)` \| ([^|]+) \|", line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    return rows


def test_the_settings_table_lists_every_var_once_with_its_default():
    declared = yaml.safe_load((ROOT / "dbt_project.yml").read_text())["vars"]
    rows = _settings_rows()
    assert sorted(rows) == sorted(declared)
    for name, default in declared.items():
        written = rows[name]
        if default is None:
            assert written.startswith("null"), (name, written)
        elif isinstance(default, list):
            assert all(str(item) in written for item in default), (name, written)
        elif isinstance(default, bool):
            assert written == str(default).lower(), (name, written)
        else:
            assert str(default) in written, (name, written)


def test_the_readme_stays_a_front_door():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 220, len(lines)
    text = "\n".join(lines)
    for command in ("make demo", "make test"):
        assert command in text


def test_the_layout_table_covers_every_folder():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`([\w./-]+)/`", section))
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.splitlines()
    top = {name.split("/")[0] for name in tracked if "/" in name}
    model_folders = {name.rsplit("/", 1)[0] for name in tracked if name.startswith("models/")}
    # a folder of models/ is covered when it or a subfolder is listed
    missing = sorted(
        name for name in top if not any(e == name or e.startswith(name + "/") for e in listed)
    ) + sorted(
        folder
        for folder in model_folders
        if not any(entry == folder or entry.startswith(folder + "/") for entry in listed)
    )
    assert missing == []
