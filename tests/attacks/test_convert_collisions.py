"""``convert -o DIR/`` never writes one file twice (issue 10, defect 5).

``a/上报.yaml`` and ``b/上报.yaml`` both used to become ``DIR/上报_01_….yaml``:
"已写入" was said twice and one table was lost.  Each table now goes under
its input's folder relative to the folder the inputs share, a name met
twice in one run gets ``-2``, and every file written is said once.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from cli_tools import invoke, stderr_lines, write_cars


def written(result: object) -> list[str]:
    lines = stderr_lines(result)  # type: ignore[arg-type]
    assert all(line.startswith("已写入 ") for line in lines), lines
    return [line.removeprefix("已写入 ") for line in lines]


def names_in(folder: Path) -> dict[str, str]:
    """Each file under the folder (relative path) → the name of the table in it."""
    return {
        str(p.relative_to(folder)): yaml.safe_load(p.read_text(encoding="utf-8"))["name"]
        for p in sorted(folder.rglob("*.yaml"))
    }


def test_two_inputs_with_one_file_name_keep_their_folders(tmp_path: Path) -> None:
    (a,) = write_cars(tmp_path / "a", "甲表", file_name="上报.yaml")
    (b,) = write_cars(tmp_path / "b", "甲表", file_name="上报.yaml")  # the same table name, too
    out = tmp_path / "out"
    result = invoke(["convert", a, b, "-o", f"{out}/"])
    assert result.exit_code == 0
    assert names_in(out) == {"a/上报_01_甲表.yaml": "甲表", "b/上报_01_甲表.yaml": "甲表"}
    assert sorted(written(result)) == sorted(str(out / name) for name in names_in(out))  # each said once


def test_a_directory_tree_is_kept(tmp_path: Path) -> None:
    folder = tmp_path / "上报"
    write_cars(folder / "甲县", "甲表", file_name="表.yaml")
    write_cars(folder / "乙县", "乙表", file_name="表.yaml")
    write_cars(folder, "市表", file_name="表.yaml")
    out = tmp_path / "out"
    result = invoke(["convert", folder, "-o", f"{out}/"])
    assert result.exit_code == 0
    assert names_in(out) == {"表_01_市表.yaml": "市表", "甲县/表_01_甲表.yaml": "甲表", "乙县/表_01_乙表.yaml": "乙表"}
    assert len(written(result)) == 3


def test_one_input_named_twice_is_written_under_two_names(tmp_path: Path) -> None:
    (source,) = write_cars(tmp_path, "甲表", file_name="上报.yaml")
    out = tmp_path / "out"
    result = invoke(["convert", source, source, "-o", f"{out}/"])
    assert result.exit_code == 0
    assert names_in(out) == {"上报_01_甲表.yaml": "甲表", "上报_01_甲表-2.yaml": "甲表"}
    said = written(result)
    assert len(said) == len(set(said)) == 2


def test_standard_input_and_a_file(tmp_path: Path) -> None:
    (source,) = write_cars(tmp_path / "in", "甲表", file_name="stdin.yaml")
    out = tmp_path / "out"
    stdin = (tmp_path / "in" / "stdin.yaml").read_text(encoding="utf-8")
    result = invoke(["convert", "-", source, "-o", f"{out}/"], input=stdin)
    assert result.exit_code == 0
    assert names_in(out) == {"stdin_01_甲表.yaml": "甲表", "stdin_01_甲表-2.yaml": "甲表"}
