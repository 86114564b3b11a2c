"""The province view of a results store: a few small tables, every one a GROUP BY run inside DuckDB.

Nothing here loads a store's rows into Python: each query returns at most
:data:`TOP` rows (or one row per grade, code or year), so a summary costs the
same few pages for a thousand tables or a million.  A table that repeats an
earlier submission (``duplicate_of``) and a draft (绩效目标申报表) are left out
of every figure.

Across years a project is matched by its 实施单位, its 主管部门 and its name
with the year words and punctuation taken out (``project_key``, as
:func:`scoring.pipeline.last_year` matches last year's table); a project whose
name and unit match while its 主管部门 differs is an uncertain match, listed
for a reviewer rather than joined.

Targets are compared across years from the stored indicator rows: the same
indicator (its name without whitespace) of the same project in two
consecutive years.  A target left unchanged (the same text, whitespace
aside) while the earlier year's actual beat it by the table's rule set's
overshoot ratio or more (actual / target for ≥ >, target / actual for ≤ <:
what L210 says of one table); a target lowered (raised, for ≤ <) after the
earlier year missed it.  Only ≥ > ≤ < indicators with figures are compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indicators.vocabulary import GRADES, SEVERITIES
from scoring.rules import RuleSetError, load_ruleset
from scoring.store import open_store, sql_text

TOP = 20  # rows listed in a ranking or a list: a province's summary stays a few pages
NO_GRADE = "无等级"
HISTOGRAM_WIDTHS = (0.5, 1, 2, 5, 10, 20, 50)
HISTOGRAM_BINS = 40  # at most
DIRECTED = ("'>='", "'>'", "'<='", "'<'")  # natures with a direction: what a target can be raised or lowered in
REVERSE = "nature IN ('<=', '<')"  # lower is better: the ratio and the direction the other way round

Rows = list[tuple[Any, ...]]


@dataclass
class ProvinceSummary:
    year: int | None  # the --year asked for, or None: every year
    years: list[int]
    counts: dict[str, float]
    matrix: Rows  # stated, recomputed, tables, 万元
    unchanged_points: int  # tables whose total the rescoring leaves as stated
    histogram: Rows  # low, high, tables (total moved, zero left out)
    by_year: Rows  # year, tables, stated 优, 优 kept, grade changes, lowered, 万元 in changed tables
    units: Rows  # unit, authority, tables, changed, Σ|Δ|, ΣΔ, 万元 changed, 万元 with errors
    authorities: Rows  # authority, units, tables, changed, Σ|Δ|, ΣΔ, 万元 changed, 万元 with errors
    codes: Rows  # code, severity, findings, tables, Σ points, Σ 万元
    changed: Rows  # year, unit, authority, name, source, table, stated, grade, recomputed, grade, Δ, 万元, errors
    repeats: Rows  # unit, authority, name, code, years, findings
    repeats_total: int
    targets: Rows  # unit, authority, name, indicator, target, years, actual (earlier year), ratio
    targets_total: int
    lowered: Rows  # unit, authority, name, indicator, years, target (earlier), actual (earlier), target (later)
    lowered_total: int
    top: int = TOP
    notes: list[str] = field(default_factory=list)


def _tables(year: int | None) -> str:
    """The tables a summary counts, as a subquery: no repeated submission, no draft, the year asked for."""
    where = "duplicate_of IS NULL AND coalesce(status, '') <> 'draft'"
    if year is not None:
        where += f" AND year = {int(year)}"
    return f"(SELECT * FROM assessments WHERE {where})"


def _findings(year: int | None) -> str:
    """The findings of those tables (and of their documents), as a subquery."""
    where = (
        "NOT EXISTS (SELECT 1 FROM assessments a WHERE a.path = f.path AND a.id = f.assessment "
        "AND (a.duplicate_of IS NOT NULL OR a.status = 'draft'))"
    )
    if year is not None:
        where += f" AND f.year = {int(year)}"
    return f"(SELECT * FROM findings f WHERE {where})"


def _grade_sql(column: str) -> str:
    return f"coalesce({column}, '{NO_GRADE}')"


def _rank_sql(column: str) -> str:
    """优 1 … 差 4: a higher number is a lower grade."""
    grades = ", ".join(f"'{g}'" for g in GRADES)
    return f"list_position([{grades}], {column})"


def _histogram(con: Any, tables: str) -> Rows:
    low, high = con.execute(
        f"SELECT min(points_moved), max(points_moved) FROM {tables} WHERE points_moved <> 0"
    ).fetchone()
    if low is None:
        return []
    width = next((w for w in HISTOGRAM_WIDTHS if (high - low) / w < HISTOGRAM_BINS), HISTOGRAM_WIDTHS[-1])
    rows = con.execute(
        f"SELECT floor(points_moved / {width}) AS bin, count(*) FROM {tables} WHERE points_moved <> 0 "
        "GROUP BY bin ORDER BY bin"
    ).fetchall()
    return [(b * width, (b + 1) * width, n) for b, n in rows]


def _ranking(group: str, tables: str, top: int) -> str:
    moved = "sum(abs(points_moved))"
    return f"""SELECT {group}, count(*) AS tables, count(*) FILTER (WHERE grade_changed) AS changed,
        {moved} AS moved, sum(points_moved) AS net,
        sum(budget_wan) FILTER (WHERE grade_changed) AS money_changed,
        sum(budget_wan) FILTER (WHERE findings_error > 0) AS money_errors
      FROM {tables} GROUP BY ALL
      HAVING {moved} > 0 OR count(*) FILTER (WHERE findings_error > 0) > 0
      ORDER BY moved DESC NULLS LAST, money_changed DESC NULLS LAST, money_errors DESC NULLS LAST, 1
      LIMIT {top}"""


def _repeats(year: int | None, top: int, severities: tuple[str, ...]) -> str:
    """Findings of one code on one project in two years or more (up to ``year``, and in it), the count of all last."""
    allowed = ", ".join(f"'{s}'" for s in severities)
    upto = f"AND f.year <= {int(year)}" if year is not None else ""
    seen_in = f"AND bool_or(f.year = {int(year)})" if year is not None else ""
    grouped = f"""SELECT a.unit, a.authority, max_by(a.name, a.year) AS name, f.code,
          list(DISTINCT f.year ORDER BY f.year) AS years, count(*) AS findings
        FROM findings f JOIN assessments a ON f.path = a.path AND f.assessment = a.id
        WHERE f.severity IN ({allowed}) AND a.duplicate_of IS NULL AND f.year IS NOT NULL {upto}
        GROUP BY a.unit, a.authority, a.project_key, f.code
        HAVING count(DISTINCT f.year) >= 2 {seen_in}"""
    return f"""SELECT *, count(*) OVER () FROM ({grouped})
      ORDER BY len(years) DESC, findings DESC, unit, name, code LIMIT {top}"""


def _squash_sql(column: str) -> str:
    """A text without its whitespace (an indicator's name, a target), as the checks compare them."""
    return f"regexp_replace(coalesce({column}, ''), '\\s+', '', 'g')"


def overshoot_sql(con: Any, column: str) -> str:
    """The overshoot ratio of the rule set named in ``column`` (RuleSet.overshoot_ratio), as SQL.

    Read from each rule set the store names; one that cannot be loaded here (a file since moved) has the
    default rule set's.
    """
    default = load_ruleset().overshoot_ratio
    names = [r[0] for r in con.execute("SELECT DISTINCT ruleset FROM assessments WHERE ruleset IS NOT NULL").fetchall()]
    whens = []
    for name in sorted(names):
        try:
            ratio = load_ruleset(name).overshoot_ratio
        except RuleSetError:
            ratio = default
        whens.append(f"WHEN {sql_text(name)} THEN {float(ratio)!r}")
    return f"(CASE {column} {' '.join(whens)} ELSE {float(default)!r} END)"


def _pairs(where: str, year: int | None) -> str:
    """The same indicator of one project in two consecutive years (``e`` the earlier, ``l`` the later), as a query.

    Their figures are compared only in the same unit: a target set in 万元 one year and in 元 the next is not paired.

    ``where``: the tables compared (of ``assessments``); ``year``: the later year, when one is asked for.
    """
    later = f"AND l.year = {int(year)}" if year is not None else ""
    rows = f"""SELECT t.unit, t.authority, t.project_key, t.name AS project, t.year, t.ruleset,
          {_squash_sql("x.name")} AS key, x.name AS indicator, x.target, x.actual, x.target_value, x.actual_value,
          x.comparison_unit AS figures_unit, x.met, {REVERSE} AS reverse
        FROM indicators x JOIN (SELECT * FROM assessments WHERE {where}) t ON x.path = t.path AND x.assessment = t.id
        WHERE x.nature IN ({", ".join(DIRECTED)}) AND x.name IS NOT NULL"""
    return f"""WITH r AS ({rows})
      SELECT e.unit, e.authority, l.project, e.indicator, e.year AS before, l.year AS after, e.ruleset,
        e.reverse, e.met, e.target AS target_before, l.target AS target_after, e.actual AS actual_before,
        e.target_value AS value_before, l.target_value AS value_after, e.actual_value AS achieved_before
      FROM r e JOIN r l ON coalesce(e.unit, '') = coalesce(l.unit, '')
        AND coalesce(e.authority, '') = coalesce(l.authority, '') AND e.project_key = l.project_key
        AND e.key = l.key AND l.year = e.year + 1 AND e.reverse = l.reverse
        AND e.figures_unit IS NOT DISTINCT FROM l.figures_unit {later}"""


def _unchanged(con: Any, where: str, year: int | None, top: int) -> str:
    """Targets kept as they were after the earlier year's actual beat them by the overshoot ratio; the count last."""
    ratio = "(CASE WHEN reverse THEN value_before / achieved_before ELSE achieved_before / value_before END)"
    found = f"""SELECT DISTINCT unit, authority, project, indicator, target_after AS target, [before, after] AS years,
          actual_before, round({ratio}, 2) AS ratio
        FROM ({_pairs(where, year)})
        WHERE {_squash_sql("target_before")} = {_squash_sql("target_after")}
          AND value_before > 0 AND achieved_before > 0 AND {ratio} >= {overshoot_sql(con, "ruleset")}"""
    return f"""SELECT *, count(*) OVER () FROM ({found})
      ORDER BY ratio DESC, years[2] DESC, unit, project, indicator LIMIT {top}"""


def _lowered(where: str, year: int | None, top: int) -> str:
    """Targets lowered (raised, for ≤ <) after the earlier year missed them; the count last."""
    found = f"""SELECT DISTINCT unit, authority, project, indicator, [before, after] AS years,
          target_before, actual_before, target_after, abs(value_after - value_before) / value_before AS change
        FROM ({_pairs(where, year)})
        WHERE met = false AND value_before > 0 AND value_after IS NOT NULL
          AND CASE WHEN reverse THEN value_after > value_before ELSE value_after < value_before END"""
    return f"""SELECT * EXCLUDE (change), count(*) OVER () FROM ({found})
      ORDER BY change DESC, years[2] DESC, unit, project, indicator LIMIT {top}"""


def summarise(store: Path, year: int | None = None, top: int = TOP) -> ProvinceSummary:
    """The province view of ``store`` (one year, or all), each figure counted in DuckDB."""
    with open_store(store) as con:
        t, f = _tables(year), _findings(year)
        years = [
            row[0]
            for row in con.execute("SELECT DISTINCT year FROM assessments WHERE year IS NOT NULL ORDER BY 1").fetchall()
        ]
        lowered = f"{_rank_sql('recomputed_grade')} > {_rank_sql('grade_stated')}"
        row = con.execute(
            f"""SELECT count(*), count(*) FILTER (WHERE status IN ('scored', 'scored_by_criteria')),
                count(*) FILTER (WHERE grade_changed), count(*) FILTER (WHERE grade_changed AND {lowered}),
                coalesce(sum(budget_wan), 0), coalesce(sum(budget_wan) FILTER (WHERE grade_changed), 0),
                coalesce(sum(budget_wan) FILTER (WHERE findings_error > 0), 0),
                count(DISTINCT path), count(*) FILTER (WHERE findings_error > 0)
              FROM {t}"""
        ).fetchone()
        keys = (
            "tables",
            "scored",
            "changed",
            "lowered",
            "money",
            "money_changed",
            "money_errors",
            "files",
            "with_errors",
        )
        counts: dict[str, float] = dict(zip(keys, row, strict=True))
        and_year = f"AND year = {int(year)}" if year is not None else ""
        counts["duplicates"] = con.execute(
            f"SELECT count(*) FROM assessments WHERE duplicate_of IS NOT NULL {and_year}"
        ).fetchone()[0]
        # an unreadable file has no table and so no year: counted with the runs that stored the year's tables
        runs = f"AND run_id IN (SELECT run_id FROM assessments WHERE year = {int(year)})" if year is not None else ""
        counts["unreadable"] = con.execute(
            f"SELECT count(DISTINCT path) FROM errors WHERE severity = 'error' {runs}"
        ).fetchone()[0]
        by_severity = dict(con.execute(f"SELECT severity, count(*) FROM {f} GROUP BY severity").fetchall())
        counts |= {severity: by_severity.get(severity, 0) for severity in SEVERITIES}
        matrix = con.execute(
            f"""SELECT {_grade_sql("grade_stated")}, {_grade_sql("recomputed_grade")}, count(*), sum(budget_wan)
              FROM {t} GROUP BY ALL"""
        ).fetchall()
        unchanged = con.execute(f"SELECT count(*) FROM {t} WHERE points_moved = 0").fetchone()[0]
        by_year = con.execute(
            f"""SELECT year, count(*), count(*) FILTER (WHERE grade_stated = '优'),
                count(*) FILTER (WHERE grade_stated = '优' AND recomputed_grade = '优'),
                count(*) FILTER (WHERE grade_changed), count(*) FILTER (WHERE grade_changed AND {lowered}),
                sum(budget_wan) FILTER (WHERE grade_changed)
              FROM {t} GROUP BY year ORDER BY year NULLS LAST"""
        ).fetchall()
        units = con.execute(_ranking("unit, authority", t, top)).fetchall()
        authorities = con.execute(
            _ranking("authority, count(DISTINCT unit) AS units", t, top).replace("GROUP BY ALL", "GROUP BY authority")
        ).fetchall()
        severity_rank = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(SEVERITIES))
        codes = con.execute(
            f"""SELECT code, severity, count(*) AS n, count(DISTINCT path || '#' || coalesce(assessment, '')),
                sum(points), sum(money)
              FROM {f} GROUP BY code, severity ORDER BY CASE severity {severity_rank} END, n DESC, code"""
        ).fetchall()
        changed = con.execute(
            f"""SELECT year, unit, authority, name, source, "table", stated_total, stated_grade, recomputed_total,
                recomputed_grade, points_moved, budget_wan, findings_error
              FROM {t} WHERE grade_changed
              ORDER BY abs(points_moved) DESC NULLS LAST, budget_wan DESC NULLS LAST, year, unit, name LIMIT {top}"""
        ).fetchall()
        repeats = con.execute(_repeats(year, top, ("error",))).fetchall()
        compared = "duplicate_of IS NULL AND year IS NOT NULL AND coalesce(status, '') <> 'draft'"
        targets = con.execute(_unchanged(con, compared, year, top)).fetchall()
        lowered_targets = con.execute(_lowered(compared, year, top)).fetchall()
        return ProvinceSummary(
            year=year,
            years=years,
            counts=counts,
            matrix=matrix,
            unchanged_points=unchanged,
            histogram=_histogram(con, t),
            by_year=by_year,
            units=units,
            authorities=authorities,
            codes=codes,
            changed=changed,
            repeats=[row[:-1] for row in repeats],
            repeats_total=repeats[0][-1] if repeats else 0,
            targets=[row[:-1] for row in targets],
            targets_total=targets[0][-1] if targets else 0,
            lowered=[row[:-1] for row in lowered_targets],
            lowered_total=lowered_targets[0][-1] if lowered_targets else 0,
            top=top,
        )


# --------------------------------------------------------------------------- one project over the years


@dataclass
class Trends:
    years: Rows  # unit, authority, name, year, stated total, stated grade, recomputed total, grade, error codes
    repeated: Rows  # unit, authority, name, code, severity, years
    uncertain: Rows  # unit, name, authorities (years): the same unit and name under different 主管部门
    projects: int  # projects matched in two years or more (before the limit)
    targets: Rows = field(default_factory=list)  # as ProvinceSummary.targets: unchanged after an overshoot
    lowered: Rows = field(default_factory=list)  # as ProvinceSummary.lowered: lowered after a miss


def trends(store: Path, unit: str | None = None, authority: str | None = None, limit: int = 50) -> Trends:
    """Projects seen in two years or more (their unit or 主管部门 containing the words given), year by year."""
    params: list[Any] = []
    where = "duplicate_of IS NULL AND year IS NOT NULL AND coalesce(status, '') <> 'draft'"
    if unit:
        where += " AND contains(coalesce(unit, ''), ?)"
        params.append(unit)
    if authority:
        where += " AND contains(coalesce(authority, ''), ?)"
        params.append(authority)
    projects = f"""SELECT unit, authority, project_key FROM assessments WHERE {where}
        GROUP BY ALL HAVING count(DISTINCT year) >= 2"""
    chosen = f"SELECT * FROM ({projects}) ORDER BY unit, authority, project_key LIMIT {int(limit)}"
    with open_store(store) as con:
        total = con.execute(f"SELECT count(*) FROM ({projects})", params).fetchone()[0]
        years = con.execute(
            f"""WITH p AS ({chosen}),
                t AS (SELECT a.* FROM assessments a JOIN p USING (unit, authority, project_key) WHERE {where})
              SELECT t.unit, t.authority, any_value(t.name), t.year, any_value(t.stated_total),
                any_value(t.stated_grade), any_value(t.recomputed_total), any_value(t.recomputed_grade),
                (SELECT string_agg(DISTINCT f.code, ' ' ORDER BY f.code) FROM findings f
                   WHERE f.path = any_value(t.path) AND f.assessment = any_value(t.id) AND f.severity = 'error')
              FROM t GROUP BY t.unit, t.authority, t.project_key, t.year
              ORDER BY t.unit, t.authority, t.project_key, t.year""",
            params * 2,
        ).fetchall()
        repeated = con.execute(
            f"""WITH p AS ({chosen}),
                t AS (SELECT a.* FROM assessments a JOIN p USING (unit, authority, project_key) WHERE {where})
              SELECT t.unit, t.authority, max_by(t.name, t.year), f.code, f.severity,
                list(DISTINCT f.year ORDER BY f.year) AS years
              FROM t JOIN findings f ON f.path = t.path AND f.assessment = t.id
              GROUP BY t.unit, t.authority, t.project_key, f.code, f.severity
              HAVING count(DISTINCT f.year) >= 2
              ORDER BY t.unit, t.authority, t.project_key, CASE f.severity WHEN 'error' THEN 0
                WHEN 'warning' THEN 1 ELSE 2 END, f.code""",
            params * 2,
        ).fetchall()
        uncertain = con.execute(
            f"""SELECT unit, max_by(name, year),
                string_agg(DISTINCT coalesce(authority, '—') || '（' || year || '）', '、'
                  ORDER BY coalesce(authority, '—') || '（' || year || '）')
              FROM assessments WHERE {where} GROUP BY unit, project_key
              HAVING count(DISTINCT coalesce(authority, '')) >= 2 ORDER BY 1, 2 LIMIT {int(limit)}""",
            params,
        ).fetchall()
        targets = con.execute(_unchanged(con, where, None, limit), params).fetchall()
        lowered = con.execute(_lowered(where, None, limit), params).fetchall()
    return Trends(years, repeated, uncertain, total, [r[:-1] for r in targets], [r[:-1] for r in lowered])


# --------------------------------------------------------------------------- tables chosen for their detail

ONLY = ("grade-changed", "errors", "all")


def chosen_sources(
    store: Path,
    only: str = "grade-changed",
    unit: str | None = None,
    code: str | None = None,
    year: int | None = None,
    limit: int = 200,
) -> tuple[list[tuple[str, str | None]], int]:
    """The files holding the tables asked for (grade changed, with errors, or all; of a unit, with a code, of a
    year), as (path, sha256 when stored), at most ``limit`` of them; and how many files matched in all."""
    where = ["duplicate_of IS NULL"]
    params: list[Any] = []
    if only == "grade-changed":
        where.append("grade_changed")
    elif only == "errors":
        where.append("findings_error > 0")
    if unit:
        where.append("contains(coalesce(unit, ''), ?)")
        params.append(unit)
    if year is not None:
        where.append(f"year = {int(year)}")
    if code:
        where.append("EXISTS (SELECT 1 FROM findings f WHERE f.path = a.path AND f.assessment = a.id AND f.code = ?)")
        params.append(code)
    matched = f"SELECT path, any_value(sha256) AS sha256 FROM assessments a WHERE {' AND '.join(where)} GROUP BY path"
    with open_store(store) as con:
        total = con.execute(f"SELECT count(*) FROM ({matched})", params).fetchone()[0]
        rows = con.execute(f"SELECT * FROM ({matched}) ORDER BY path LIMIT {int(limit)}", params).fetchall()
    return [(path, sha) for path, sha in rows], total
