"""The README's layout section names every package and module of the tree, so that it stays true."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("indicators", "scoring", "cli")


def layout_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]


def test_every_module_and_subpackage_is_named() -> None:
    section = layout_section()
    named = set(re.findall(r"[\w]+(?:\.py|/)", section))
    missing = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).iterdir()):
            if path.name.startswith(("_", ".")):
                continue
            if path.suffix == ".py" and path.name not in named:
                missing.append(str(path.relative_to(ROOT)))
            elif path.is_dir() and f"{path.name}/" not in named:
                missing.append(f"{path.relative_to(ROOT)}/")
    for module in (ROOT / "cli" / "render").glob("*.py"):
        if not module.name.startswith("_") and module.stem not in section:
            missing.append(str(module.relative_to(ROOT)))
    assert missing == []


def test_nothing_named_that_is_gone() -> None:
    files = {p.name for package in PACKAGES for p in (ROOT / package).rglob("*.py")} | {
        p.name for p in (ROOT / "tests").glob("*.py")
    }
    named = set(re.findall(r"\b\w+\.py\b", layout_section()))
    assert named - files == set()
