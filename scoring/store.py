"""The results store: every batch run's tables in one DuckDB file, across runs and years.

``jixiao batch … --store results.duckdb`` appends a run here after its output
folder is written: its assessments, findings and read errors, read straight
from the run's parquet and CSV files by DuckDB (no Python loop over rows),
each row tagged with the run, the source file's absolute path and SHA-256,
the table's year and the rule set.  A file already in the store (the same
path, or the same bytes under another path) has its old rows deleted in the
same transaction, so re-running a year replaces it instead of doubling it.

The schema is versioned (``meta.schema_version``); a store written by a newer
jixiao is refused rather than misread, one of an older schema is upgraded in
place when a run is next stored in it (the tables it lacks are created, empty:
its old runs simply have no indicator rows) and read as such until then.  Reading a store needs nothing but
DuckDB (or pandas through it): the tables are plain, documented in the README.

DuckDB is imported here only: no other command pays for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indicators.units import MONEY_SCALE
from indicators.vocabulary import GRADE_ALIASES, GRADES, VERSION, YEAR
from scoring.batch import ASSESSMENT_COLUMNS, ERROR_COLUMNS, FINDING_COLUMNS, INDICATOR_COLUMNS

SCHEMA_VERSION = 2  # 2: the indicators table
DUCKDB_MAGIC = b"DUCK"  # bytes 8–11 of every DuckDB database file
SQL_TYPES = {"string": "VARCHAR", "int32": "INTEGER", "float64": "DOUBLE", "bool": "BOOLEAN"}
HASH_CHUNK = 1 << 20

# What every stored row carries beside the batch's own columns.
RUN_COLUMNS = (
    ("run_id", "VARCHAR"),  # the run that wrote the row (runs.run_id)
    ("run_time", "TIMESTAMP"),  # when that run was stored, UTC
    ("path", "VARCHAR"),  # the source file's absolute path
    ("sha256", "VARCHAR"),  # of the source file's bytes when stored (NULL: the file was gone)
)
# Derived at ingest, in SQL, so that every query agrees on them.
ASSESSMENT_DERIVED = (
    ("project_key", "VARCHAR"),  # the name without year words and punctuation (scoring.pipeline._project_key)
    ("grade_stated", "VARCHAR"),  # the stated grade as 优/良/中/差 (优秀 → 优), NULL when none
    ("budget_wan", "DOUBLE"),  # budget_full_year in 万元, whatever the table's money unit
    ("points_moved", "DOUBLE"),  # recomputed_total − stated_total
    ("grade_changed", "BOOLEAN"),  # both grades known and different
)
ERROR_TYPES = {"line": "INTEGER"}  # errors.csv columns that are not text


class StoreError(Exception):
    """A store that cannot be used as asked: the message is one Chinese line for the user."""


# --------------------------------------------------------------------------- schema


def _columns(columns: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, SQL_TYPES[kind]) for name, kind in columns]


def table_columns() -> dict[str, list[tuple[str, str]]]:
    """Every stored table's columns (name, SQL type), in order."""
    errors = [(name, ERROR_TYPES.get(name, "VARCHAR")) for name in ERROR_COLUMNS]
    return {
        "runs": [
            ("run_id", "VARCHAR"),
            ("run_time", "TIMESTAMP"),
            ("version", "VARCHAR"),  # jixiao's
            ("ruleset", "VARCHAR"),
            ("inputs", "VARCHAR"),  # JSON list, as given to batch
            ("files", "INTEGER"),
            ("summary", "VARCHAR"),  # the run's summary.json
        ],
        "files": [*RUN_COLUMNS, ("source", "VARCHAR"), ("bytes", "BIGINT")],
        "assessments": [*RUN_COLUMNS, *_columns(ASSESSMENT_COLUMNS), *ASSESSMENT_DERIVED],
        "findings": [*RUN_COLUMNS, ("year", "INTEGER"), *_columns(FINDING_COLUMNS)],
        "indicators": [*RUN_COLUMNS, ("year", "INTEGER"), *_columns(INDICATOR_COLUMNS), ASSESSMENT_DERIVED[0]],
        "errors": [*RUN_COLUMNS, ("year", "INTEGER"), ("ruleset", "VARCHAR"), *errors],
    }


# keyed by path: replaced when their file is re-run
ROW_TABLES = ("files", "assessments", "findings", "indicators", "errors")


def _create(con: Any) -> None:
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', ?), ('created_by', ?)", [str(SCHEMA_VERSION), VERSION])
    _create_missing(con, set())


def _tables(con: Any) -> set[str]:
    return {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def _create_missing(con: Any, existing: set[str], temp: bool = False) -> None:
    """Every stored table not in ``existing``, empty (``temp``: for this connection only, as a read-only one may)."""
    for name, columns in table_columns().items():
        if name not in existing:
            body = ", ".join(f'"{column}" {kind}' for column, kind in columns)
            con.execute(f"CREATE {'TEMP ' if temp else ''}TABLE {name} ({body})")


def _upgrade(con: Any, path: Path, version: int) -> None:
    """A store of an older schema brought to this one, in place and in one transaction.

    Version 1 → 2: the ``indicators`` table is created, empty (the runs stored before have no indicator rows).
    """
    import duckdb

    try:
        con.execute("BEGIN TRANSACTION")
        _create_missing(con, _tables(con))
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        con.execute("COMMIT")
    except duckdb.Error as exc:
        _rollback(con)
        reason = str(exc).splitlines()[0]
        raise StoreError(
            f"无法把结果库 {path} 的结构从版本 {version} 升级到 {SCHEMA_VERSION}（结果库未改动）：{reason}"
        ) from None


# --------------------------------------------------------------------------- opening


def _looks_like_duckdb(path: Path) -> bool:
    with open(path, "rb") as stream:
        head = stream.read(12)
    return head[8:12] == DUCKDB_MAGIC


def _connect(path: Path, read_only: bool) -> Any:
    import duckdb  # here: only the store's commands load it

    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "lock" in reason.lower():
            raise StoreError(f"结果库 {path} 正被另一个进程使用，请稍后再试（{reason}）") from None
        raise StoreError(f"无法打开结果库 {path}：{reason}") from None


def _schema_version(con: Any, path: Path) -> int | None:
    """The store's schema version; None for an empty database; refused when it is not a jixiao store."""
    tables = _tables(con)
    if not tables:
        return None
    if "meta" not in tables:
        raise StoreError(f"{path} 是 DuckDB 数据库，但不是 jixiao 结果库（没有 meta 表）")
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None or not str(row[0]).isdigit():
        raise StoreError(f"{path} 不是 jixiao 结果库（meta 表中没有 schema_version）")
    return int(row[0])


@contextmanager
def open_store(path: Path, *, create: bool = False) -> Iterator[Any]:
    """A connection to the store at ``path`` (made, with its schema, when ``create`` and it does not exist).

    Refused with a :class:`StoreError`: a missing store (unless ``create``),
    a file that is not DuckDB, a DuckDB database that is not a jixiao store,
    and a store of a newer schema than this jixiao knows.  A store of an older
    schema is upgraded in place when opened to write (``create``); opened to
    read, it is read as upgraded: the tables it lacks are empty ones of this
    connection only, the file is left as it is.
    """
    path = Path(path)
    exists = path.exists()
    if not exists and not create:
        raise StoreError(f"结果库 {path} 不存在（用 jixiao batch … --store {path} 建立）")
    if exists and path.is_dir():
        raise StoreError(f"结果库 {path} 是一个目录，应是 DuckDB 文件")
    if exists and not _looks_like_duckdb(path):
        raise StoreError(f"{path} 不是 DuckDB 文件，不能用作结果库")
    if not exists:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"无法创建结果库 {path}：{exc.strerror or exc}") from None
    con = _connect(path, read_only=not create)
    try:
        version = _schema_version(con, path)
        if version is None:
            if not create:
                raise StoreError(f"{path} 是空的 DuckDB 数据库，不是 jixiao 结果库")
            _create(con)
        elif version > SCHEMA_VERSION:
            raise StoreError(
                f"结果库 {path} 的结构版本为 {version}，本版 jixiao 只认识到 {SCHEMA_VERSION}：请升级 jixiao 后再打开"
            )
        elif version < SCHEMA_VERSION and create:
            _upgrade(con, path, version)
        elif version < SCHEMA_VERSION:
            _create_missing(con, _tables(con), temp=True)
        yield con
    finally:
        con.close()


# --------------------------------------------------------------------------- ingest


def sha256_of(path: Path) -> str | None:
    """The file's SHA-256, or None when it cannot be read any more."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(HASH_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def sql_text(value: str) -> str:
    """A text as an SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def grade_sql(column: str) -> str:
    """A published grade cell as 优/良/中/差 in SQL (indicators.vocabulary.normalise_grade's table)."""
    cleaned = f"trim(trim({column}), '“”\"''()（）')"
    pairs = [(g, g) for g in GRADES] + list(GRADE_ALIASES.items())
    whens = " ".join(f"WHEN {sql_text(word)} THEN {sql_text(grade)}" for word, grade in pairs)
    return f"(CASE {cleaned} {whens} END)"


def money_wan_sql(amount: str, unit: str) -> str:
    """An amount in its money unit as 万元 in SQL (indicators.units.MONEY_SCALE); NULL for an unknown unit."""
    wan = MONEY_SCALE["万元"]
    whens = " ".join(f"WHEN {sql_text(u)} THEN {float(scale / wan)!r}" for u, scale in MONEY_SCALE.items())
    return f"({amount} * (CASE {unit} {whens} END))"


def project_key_sql(column: str) -> str:
    """scoring.pipeline._project_key in SQL: year words out, then everything but letters and digits."""
    year_words = sql_text(YEAR + r"\s*年度?")
    without_years = f"regexp_replace(coalesce({column}, ''), {year_words}, '', 'g')"
    return f"regexp_replace({without_years}, '[^\\p{{L}}\\p{{N}}]+', '', 'g')"


@dataclass(frozen=True)
class Ingested:
    run_id: str
    files: int
    assessments: int
    findings: int
    indicators: int
    errors: int
    replaced_files: int  # files of earlier runs whose rows this run replaced


def _run_sources(con: Any, folder: Path) -> list[str]:
    """Every source a run's outputs name, when the caller does not give the run's inputs."""
    rows = con.execute(
        "SELECT source FROM read_parquet(?) UNION SELECT source FROM read_parquet(?) "
        "UNION SELECT file FROM read_csv(?, header=true, all_varchar=true)",
        [str(folder / "assessments.parquet"), str(folder / "findings.parquet"), str(folder / "errors.csv")],
    ).fetchall()
    return sorted(row[0] for row in rows if row[0] is not None)


def _new_files(con: Any, sources: Sequence[str]) -> None:
    """A temporary table of the run's files: the source as the outputs name it, absolute path, hash, size."""
    import pyarrow as pa

    paths = [Path(os.path.abspath(s)) for s in sources]
    sizes = [p.stat().st_size if p.is_file() else None for p in paths]
    table = pa.table(
        {
            "source": pa.array(list(sources), pa.string()),
            "path": pa.array([str(p) for p in paths], pa.string()),
            "sha256": pa.array([sha256_of(p) for p in paths], pa.string()),
            "bytes": pa.array(sizes, pa.int64()),
        }
    )
    con.register("run_files_arrow", table)
    con.execute("CREATE OR REPLACE TEMP TABLE run_files AS SELECT * FROM run_files_arrow")
    con.unregister("run_files_arrow")


def _replace(con: Any) -> int:
    """Delete the rows of every file this run re-reads (the same path, or the same bytes); how many files."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE gone AS "
        "SELECT DISTINCT path FROM files WHERE path IN (SELECT path FROM run_files) "
        "OR sha256 IN (SELECT sha256 FROM run_files WHERE sha256 IS NOT NULL)"
    )
    replaced = con.execute("SELECT count(*) FROM gone").fetchone()[0]
    for table in ROW_TABLES:
        con.execute(
            f"DELETE FROM {table} WHERE path IN (SELECT path FROM gone) OR path IN (SELECT path FROM run_files)"
        )
    return int(replaced)


def _unquote_sql(column: str) -> str:
    """Undo the batch CSV's guard against formulas: a leading ' before = + - @ TAB CR (scoring.batch.csv_cell)."""
    return f"(CASE WHEN regexp_matches({column}, '^''[-=+@\\t\\r]') THEN substr({column}, 2) ELSE {column} END)"


def _rollback(con: Any) -> None:
    import duckdb

    with suppress(duckdb.Error):  # no transaction left to roll back (it failed before it began, or is gone)
        con.execute("ROLLBACK")


def ingest(
    store: Path, folder: Path, sources: Sequence[str] | None = None, run_time: datetime | None = None
) -> Ingested:
    """Append the run written in ``folder`` (assessments, findings and indicators .parquet, errors.csv, summary.json).

    ``sources``: the run's input files as the outputs name them (all of them,
    also those that gave no row); by default those the outputs name.  One
    transaction: a failure leaves the store as it was.
    """
    folder = Path(folder)
    missing = [
        n
        for n in ("assessments.parquet", "findings.parquet", "indicators.parquet", "errors.csv", "summary.json")
        if not (folder / n).is_file()
    ]
    if missing:
        raise StoreError(f"{folder} 中没有 {missing[0]}：不是 jixiao batch 的输出目录")
    try:
        totals = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"无法读取 {folder / 'summary.json'}：{exc}") from None
    run_id = uuid.uuid4().hex[:12]
    when = (run_time or datetime.now(UTC)).replace(tzinfo=None)
    ruleset = str(totals.get("ruleset", ""))
    parquet_a, parquet_f, parquet_i, errors_csv = (
        str(folder / n) for n in ("assessments.parquet", "findings.parquet", "indicators.parquet", "errors.csv")
    )
    import duckdb

    with open_store(store, create=True) as con:
        try:
            con.execute("BEGIN TRANSACTION")
            names = list(sources) if sources is not None else _run_sources(con, folder)
            _new_files(con, names)
            replaced = _replace(con)
            stamp = [run_id, when]
            con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    when,
                    str(totals.get("version", VERSION)),
                    ruleset,
                    json.dumps(totals.get("inputs", []), ensure_ascii=False),
                    len(names),
                    json.dumps(totals, ensure_ascii=False),
                ],
            )
            con.execute(
                "INSERT INTO files BY NAME "
                "SELECT ? AS run_id, ? AS run_time, path, sha256, source, bytes FROM run_files",
                stamp,
            )
            con.execute(
                f"""INSERT INTO assessments BY NAME
                SELECT a.*, ? AS run_id, ? AS run_time, f.path, f.sha256,
                  {project_key_sql("a.name")} AS project_key,
                  {grade_sql("a.stated_grade")} AS grade_stated,
                  {money_wan_sql("a.budget_full_year", "a.money_unit")} AS budget_wan,
                  round(a.recomputed_total - a.stated_total, 4) AS points_moved,
                  coalesce({grade_sql("a.stated_grade")} <> a.recomputed_grade, false) AS grade_changed
                FROM read_parquet(?) a LEFT JOIN run_files f ON a.source = f.source""",
                [*stamp, parquet_a],
            )
            # a finding's year is its table's; one about a whole document, the document's when all its tables agree
            con.execute(
                """INSERT INTO findings BY NAME
                WITH tables AS (SELECT id, source, year FROM read_parquet(?)),
                  documents AS (SELECT source, CASE WHEN min(year) = max(year) THEN min(year) END AS year
                                FROM tables GROUP BY source)
                SELECT x.*, ? AS run_id, ? AS run_time, f.path, f.sha256, coalesce(t.year, d.year) AS year
                FROM read_parquet(?) x LEFT JOIN run_files f ON x.source = f.source
                  LEFT JOIN tables t ON x.assessment = t.id LEFT JOIN documents d ON x.source = d.source""",
                [parquet_a, *stamp, parquet_f],
            )
            # an indicator's year and project are its table's
            con.execute(
                f"""INSERT INTO indicators BY NAME
                WITH tables AS (SELECT id, year, name FROM read_parquet(?))
                SELECT i.*, ? AS run_id, ? AS run_time, f.path, f.sha256, t.year,
                  {project_key_sql("t.name")} AS project_key
                FROM read_parquet(?) i LEFT JOIN run_files f ON i.source = f.source
                  LEFT JOIN tables t ON i.assessment = t.id""",
                [parquet_a, *stamp, parquet_i],
            )
            texts = ", ".join(
                f"{_unquote_sql(f'e.{name}')} AS {name}"
                if kind == "VARCHAR"
                else f"TRY_CAST(e.{name} AS {kind}) AS {name}"
                for name, kind in ((n, ERROR_TYPES.get(n, "VARCHAR")) for n in ERROR_COLUMNS)
            )
            con.execute(
                f"""INSERT INTO errors BY NAME
                WITH documents AS (SELECT source, CASE WHEN min(year) = max(year) THEN min(year) END AS year
                                   FROM read_parquet(?) GROUP BY source)
                SELECT {texts}, ? AS run_id, ? AS run_time, f.path, f.sha256, d.year, ? AS ruleset
                FROM read_csv(?, header=true, all_varchar=true) e LEFT JOIN run_files f ON e.file = f.source
                  LEFT JOIN documents d ON e.file = d.source""",
                [parquet_a, *stamp, ruleset, errors_csv],
            )
            counts = {
                table: con.execute(f"SELECT count(*) FROM {table} WHERE run_id = ?", [run_id]).fetchone()[0]
                for table in ROW_TABLES
            }
            con.execute("COMMIT")
        except duckdb.Error as exc:
            _rollback(con)
            reason = str(exc).splitlines()[0]
            raise StoreError(f"无法写入结果库 {store}（结果库未改动）：{reason}") from None
        except BaseException:  # a signal, a bug: the transaction goes, the store stays as it was
            _rollback(con)
            raise
    return Ingested(
        run_id,
        counts["files"],
        counts["assessments"],
        counts["findings"],
        counts["indicators"],
        counts["errors"],
        replaced,
    )


# --------------------------------------------------------------------------- what a store holds


@dataclass(frozen=True)
class StoreInfo:
    schema_version: int
    runs: list[tuple[Any, ...]]  # run_id, time, version, ruleset, files given, assessments still held
    years: list[tuple[Any, ...]]  # year, assessments, findings, errors
    counts: dict[str, int]  # rows per table


def info(store: Path) -> StoreInfo:
    """What the store holds: its runs, its years, the rows of each table (counted in DuckDB)."""
    with open_store(store) as con:
        version = _schema_version(con, store) or SCHEMA_VERSION
        runs = con.execute(
            "SELECT r.run_id, strftime(r.run_time, '%Y-%m-%d %H:%M:%S'), r.version, r.ruleset, r.files, "
            "(SELECT count(*) FROM assessments a WHERE a.run_id = r.run_id), r.inputs "
            "FROM runs r ORDER BY r.run_time, r.run_id"
        ).fetchall()
        years = con.execute(
            "WITH y AS (SELECT year, 1 AS a, 0 AS f, 0 AS e FROM assessments "
            "UNION ALL SELECT year, 0, 1, 0 FROM findings UNION ALL SELECT year, 0, 0, 1 FROM errors) "
            "SELECT year, sum(a)::BIGINT, sum(f)::BIGINT, sum(e)::BIGINT FROM y GROUP BY year ORDER BY year NULLS LAST"
        ).fetchall()
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("runs", *ROW_TABLES)}
    return StoreInfo(version, runs, years, counts)


def check_store(store: Path) -> None:
    """Refuse now (before an hour of reading) a store the run could not append to; a new one is fine."""
    if Path(store).exists():
        with open_store(store, create=True):
            pass
