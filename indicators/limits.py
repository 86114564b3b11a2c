"""Every limit on what jixiao takes in, in one place.

Real inputs stay far inside these; hostile or broken ones (an alias bomb, a
zip bomb, a merge over a whole sheet, a 400-digit figure) meet one and get
a located error that names it, never a crash, a hang or gigabytes of memory.
The README's table of limits is :data:`LIMITS`, kept equal by a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

MIB = 1 << 20

# figures: the one guard every figure passes (indicators.model.within_bounds)
LARGEST_FIGURE = Decimal("1e15")  # 1,000万亿: above any budget in 元; beyond it is a typing error
SMALLEST_FIGURE = Decimal("1e-6")  # below a hundredth of a 元 in 万元

# files
MAX_INPUT_BYTES = 200 * MIB  # a province's largest disclosure PDF is a few tens of MB; batch cuts a larger flat CSV
MAX_UNZIPPED_BYTES = 256 * MIB  # a workbook's parts, unzipped: a province's largest is far smaller
MAX_MERGED_CELLS = 1_000_000  # cells under merged ranges, all sheets: a real form merges a few hundred
# cells holding something in one sheet: about 140,000 rows of a flat export. A sheet is read whole into its grid of
# texts (readers.sources.xlsx_cells); 1.28M cells were read, scored and written by `batch` in 685 MB
MAX_SHEET_CELLS = 3_000_000
MAX_EXPANDED_NODES = 200_000  # YAML nodes once aliases are expanded: a canonical file holds far fewer
MAX_UNDECODABLE = 10  # undecodable bytes a text may hold …
MAX_UNDECODABLE_SHARE = 100  # … or one in this many characters, whichever is more; past both it is not text
CONVERSION_SECONDS = 60  # LibreOffice converting one .doc/.wps/.xls file
OCR_PAGE_SECONDS = 120  # tesseract reading one scanned page

# rule sets
MAX_RULESET_BYTES = 1 * MIB  # a rule set is a page of YAML
MAX_FORMULA_LENGTH = 1_000  # characters; the shipped formulas are under 80


@dataclass(frozen=True)
class Limit:
    name: str  # the constant above
    what: str  # what is limited, as the README says it
    value: str  # the limit, as the README says it


LIMITS = (
    Limit(
        "LARGEST_FIGURE",
        "a figure",
        f"below 10^{LARGEST_FIGURE.adjusted()} in size, and not below 10^{SMALLEST_FIGURE.adjusted()} unless 0",
    ),
    Limit("MAX_INPUT_BYTES", "an input file (or standard input)", f"{MAX_INPUT_BYTES // MIB} MB"),
    Limit("MAX_UNZIPPED_BYTES", "a workbook, unzipped", f"{MAX_UNZIPPED_BYTES // MIB} MB"),
    Limit("MAX_MERGED_CELLS", "cells under a workbook's merged ranges", f"{MAX_MERGED_CELLS:,}"),
    Limit("MAX_SHEET_CELLS", "cells one sheet lists, formatted blanks not counted", f"{MAX_SHEET_CELLS:,}"),
    Limit("MAX_EXPANDED_NODES", "YAML nodes once aliases are expanded, in one file", f"{MAX_EXPANDED_NODES:,}"),
    Limit(
        "MAX_UNDECODABLE",
        "undecodable bytes in a text",
        f"replaced and placed (R116) unless more than {MAX_UNDECODABLE} and more than 1 in "
        f"{MAX_UNDECODABLE_SHARE}: then not text",
    ),
    Limit("CONVERSION_SECONDS", "LibreOffice converting one `.doc`/`.wps`/`.xls` file", f"{CONVERSION_SECONDS} s"),
    Limit("OCR_PAGE_SECONDS", "OCR of one scanned page (`--ocr`)", f"{OCR_PAGE_SECONDS} s"),
    Limit("MAX_RULESET_BYTES", "a rule-set file", f"{MAX_RULESET_BYTES // MIB} MiB"),
    Limit("MAX_FORMULA_LENGTH", "a rule-set formula", f"{MAX_FORMULA_LENGTH:,} characters"),
)


def readme_table() -> str:
    """The README's table of limits, as Markdown."""
    rows = ["| limit | value | constant in `indicators/limits.py` |", "|---|---|---|"]
    return "\n".join([*rows, *(f"| {limit.what} | {limit.value} | `{limit.name}` |" for limit in LIMITS)])
