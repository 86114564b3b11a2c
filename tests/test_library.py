"""The indicator library: its data holds to the drafting rules, every entry is cited, the CLI shows it."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from indicators import taxonomy, units
from indicators.draft import slot
from indicators.library import Entry, load_library

LIBRARY = load_library()
ENTRIES = LIBRARY.entries

# The minimum per category: what the library holds now, so that a row lost is noticed.
MINIMUM = {c: 8 for c in LIBRARY.categories} | {"common": 10, "department": 15, "petitions": 18}
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_FILE = re.compile(r"samples/([^\s,;:()）]+)")
# The parts a project draft needs (财预〔2020〕10号 / 〔2021〕101号; D401), as (一级, 二级) keys; None: any 二级.
DRAFT_PARTS = (("产出", "数量"), ("产出", "质量"), ("产出", "时效"), ("产出", "成本"), ("效益", None), ("满意度", None))
# Parts no published table read yet gives a category; a draft borrows them from common (see the README).
KNOWN_GAPS = {("meeting-training", ("效益", None))}
# Objects only some kinds of project have: a common entry naming one does not fit any project.
SPECIFIC_WORDS = re.compile(r"工程|施工|开工|完工|建设|农田|造林|苗木|脱贫|学生|学校|校舍|患者|疫苗|车辆|信访")
VAGUE = re.compile(r"显著提升|有所提高|进一步|逐步|较好|明显")
YEAR = re.compile(r"(19|20)\d{2}\s*年")
ACTIVITY = re.compile(r"^(开展|做好)")
NUMBER = re.compile(r"\d")


def _ids(entries: list[Entry]) -> list[str]:
    return [e.id for e in entries]


def _percent(target: str) -> float | None:
    match = re.search(r"(\d+(?:\.\d+)?)\s*%", target)
    return float(match.group(1)) if match else None


def test_the_library_holds_many_entries() -> None:
    assert len(ENTRIES) >= 250


@pytest.mark.parametrize("category", sorted(MINIMUM))
def test_each_category_has_its_minimum(category: str) -> None:
    count = sum(category in e.categories for e in ENTRIES)
    assert count >= MINIMUM[category], f"{category}: {count}"


def test_ids_are_unique() -> None:
    assert not [i for i, n in Counter(_ids(ENTRIES)).items() if n > 1]


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_every_entry_is_cited_with_an_address(entry: Entry) -> None:
    """An http address, or a note naming the copy under samples/ it was read in (a seed with no address)."""
    source = LIBRARY.sources[entry.source]
    assert source.title and source.issuer
    if source.url:
        assert source.url.startswith("http"), source.url
        return
    named = SAMPLE_FILE.search(source.note or "")
    assert named, f"{source.id}: no url and no samples/ file in its note"
    assert (SAMPLES / named.group(1).rstrip(".")).is_file(), named.group(0)


def _parts(category: str, template: str) -> set[tuple[str, str | None]]:
    found: set[tuple[str, str | None]] = set()
    for entry in ENTRIES:
        where = slot(entry, template) if category in entry.categories else None
        if where is None:
            continue
        key1, key2 = where
        found.add(("产出", "成本") if "成本" in (key1, key2) else (key1, key2))
        found.add((key1, None))
    return found


@pytest.mark.parametrize("template", ["T2020", "T2021"])
@pytest.mark.parametrize("category", sorted(c.id for c in LIBRARY.categories.values() if c.kind == "project"))
def test_each_project_category_drafts_from_its_own_entries(category: str, template: str) -> None:
    """数量, 质量, 时效, 成本, 效益 and 满意度 each have an entry of the category: a draft borrows nothing absurd."""
    missing = [p for p in DRAFT_PARTS if p not in _parts(category, template) and (category, p) not in KNOWN_GAPS]
    assert not missing, f"{category}: {missing}"


def test_known_gaps_are_still_gaps() -> None:
    """A gap filled is taken off KNOWN_GAPS, so the test above holds the category to it."""
    assert all(part not in _parts(category, "T2020") for category, part in KNOWN_GAPS)


@pytest.mark.parametrize("entry", [e for e in ENTRIES if "common" in e.categories], ids=lambda e: e.id)
def test_common_entries_name_no_specific_object(entry: Entry) -> None:
    assert not SPECIFIC_WORDS.search(entry.name), entry.name


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_levels_are_known_template_names(entry: Entry) -> None:
    assert taxonomy.is_known_level1(entry.level1), entry.level1
    assert taxonomy.level2_parents(entry.level2), entry.level2
    assert not taxonomy.is_misplaced(entry.level1, entry.level2)


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_quantitative_targets_carry_a_unit_and_a_number(entry: Entry) -> None:
    if entry.nature == "qualitative":
        return
    assert entry.unit
    assert NUMBER.search(entry.target), entry.target
    assert not VAGUE.search(entry.target), entry.target


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_direction_fits_the_sense(entry: Entry) -> None:
    """The same rule as the drafting lint: a complaint count is ≤, a satisfaction rate ≥."""
    unit = units.lookup(entry.unit)
    sense = taxonomy.expected_direction(entry.name, entry.level2, unit.family if unit else None)
    assert not (sense == "lower" and entry.direction == "higher")
    assert not (sense == "higher" and entry.direction == "lower")


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_targets_hold_no_fixed_year(entry: Entry) -> None:
    assert not YEAR.search(entry.target), entry.target


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_rates_stay_in_range(entry: Entry) -> None:
    value = _percent(entry.target)
    if value is None:
        return
    if "满意" in entry.name:
        assert 80 <= value <= 100
    if re.search(r"合格率|完成率", entry.name):
        assert value <= 100


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_timeliness_states_a_date_or_a_duration(entry: Entry) -> None:
    if taxonomy.normalise(entry.level2) != "时效":
        return
    assert re.search(r"\d|年底|月", entry.target), entry.target


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_outputs_are_results_not_activities(entry: Entry) -> None:
    if taxonomy.normalise(entry.level1) == "产出":
        assert not ACTIVITY.search(entry.name), entry.name


@pytest.mark.parametrize("category", sorted(LIBRARY.categories))
def test_no_two_entries_of_a_category_share_a_name(category: str) -> None:
    names = Counter(taxonomy.normalise(e.name) for e in ENTRIES if category in e.categories)
    assert not [n for n, k in names.items() if k > 1]


def test_search_finds_training_entries() -> None:
    found = _ids(LIBRARY.search("培训"))
    assert "training-main-class-trainees" in found
    assert "training-trainee-satisfaction" in found


def test_search_by_words_and_kind() -> None:
    assert _ids(LIBRARY.search("满意度", category="培训")) == ["training-trainee-satisfaction"]
    assert all(
        any(LIBRARY.categories[c].kind == "department" for c in e.categories) for e in LIBRARY.search(kind="department")
    )


def test_a_category_resolves_by_alias() -> None:
    category = LIBRARY.category("信息化")
    assert category is not None and category.id == "it"


def test_cli_search_json_holds_an_entry_with_its_source() -> None:
    result = CliRunner().invoke(cli, ["library", "search", "培训", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    row = next(r for r in rows if r["id"] == "training-main-class-trainees")
    assert row["target"] == "280人次"
    assert row["source"]["url"].startswith("http://czj.huangshi.gov.cn/")


def test_cli_search_text_table() -> None:
    result = CliRunner().invoke(cli, ["library", "search", "主体班"])
    assert result.exit_code == 0
    assert "主体班培训人次" in result.stdout and "280人次" in result.stdout


def test_cli_unknown_category_is_one_line_and_exit_2() -> None:
    result = CliRunner().invoke(cli, ["library", "search", "--category", "火星"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "火星" in lines[0] and "会议培训" in lines[0]


def test_cli_no_match_says_so_and_exits_0() -> None:
    result = CliRunner().invoke(cli, ["library", "search", "不存在的指标"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "没有" in result.stderr


def test_cli_categories_and_sources_list_counts() -> None:
    runner = CliRunner()
    categories = runner.invoke(cli, ["library", "categories"])
    assert categories.exit_code == 0 and "信息化建设与运维" in categories.stdout
    sources = runner.invoke(cli, ["library", "sources"])
    assert sources.exit_code == 0 and "huangshi-2022-party-school" in sources.stdout
