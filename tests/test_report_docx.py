"""The 复核意见 as a Word document (issue 12, item 6): it opens with python-docx and with LibreOffice
(converted to PDF here) and holds the conclusion and every error, with its figures and place."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from office_files import Conversion
from seed_runs import SEEDS, findings_of, stdout_of


@pytest.fixture(scope="module")
def memo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "复核意见.docx"
    stdout_of("report", *SEEDS, "-o", path)
    return path


@pytest.fixture(scope="module")
def errors() -> list[dict[str, object]]:
    return [f for f in findings_of(*SEEDS) if f["severity"] == "error"]


def test_it_opens_with_the_conclusion_and_holds_every_error(memo: Path, errors: list[dict[str, object]]) -> None:
    paragraphs = [p.text for p in Document(str(memo)).paragraphs]
    assert paragraphs[0] == "绩效自评复核意见" and paragraphs[2] == "一、结论"
    assert paragraphs[3] == "3. 更新公务用车：公布 93 优 → 重算 89.09 良（等级改变）"
    text = "\n".join(paragraphs)
    assert len(errors) == 16
    for f in errors:
        assert f"{f['code']}" in text and str(f["message"]) in text, f
    a101 = next(p for p in paragraphs if "A101" in p and p.startswith("[错误]"))
    assert "（应为 107，公布 93）" in a101 and "第607行" in a101


def test_libreoffice_opens_it(memo: Path) -> None:
    (pdf,) = Conversion([memo], "pdf").result()
    with pdfplumber.open(pdf) as document:
        text = re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in document.pages))
    assert "绩效自评复核意见" in text and "更新公务用车：公布93优→重算89.09良（等级改变）" in text
