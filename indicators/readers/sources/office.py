"""Old Word and WPS files (.doc, .wps; .et when xlrd cannot read it) converted by LibreOffice headless.

``soffice --headless --convert-to docx|xlsx`` in a temporary directory, with
a private LibreOffice profile of its own (so that conversions running side
by side, in a batch's workers, never share one) and a time limit; the
converted file is then read as any .docx or .xlsx.  Without LibreOffice the
file is one clear error saying what to install (Debian/Ubuntu:
``apt-get install libreoffice-writer-nogui libreoffice-calc-nogui``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from indicators.limits import CONVERSION_SECONDS
from indicators.readers.base import ReadError, ReadResult

__all__ = ["INSTALL", "TIMEOUT", "convert_and_read", "soffice"]

INSTALL = "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui"
TIMEOUT = CONVERSION_SECONDS
_FORMATS = {"docx": ("Word 文档", "MS Word 2007 XML"), "xlsx": ("Excel 工作簿", "Calc MS Excel 2007 XML")}


def soffice() -> str | None:
    """LibreOffice's command, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_and_read(path: str, to: str, read: Callable[[str], ReadResult], what: str) -> ReadResult:
    """``path`` converted to ``to`` (docx or xlsx) by LibreOffice, and what ``read`` reads from the converted file.

    ``read`` is given the converted file's path and must name ``path`` in
    what it reads (the converted file is gone when this returns).  ``what``
    names the format for the messages (.doc 文件).  Every problem is one
    error of the original file: LibreOffice missing, failing, timing out.
    """
    command = soffice()
    if command is None:
        message = f"读取{what}需要 LibreOffice，本机未安装（Debian/Ubuntu：{INSTALL}）"
        return ReadResult(path, errors=[ReadError(path, message, code="R018")])
    label, export = _FORMATS[to]
    with tempfile.TemporaryDirectory(prefix="jixiao-soffice-") as tmp:
        work = Path(tmp)
        source = work / f"in{Path(path).suffix.lower() or '.bin'}"  # a plain name: LibreOffice meets no odd characters
        try:
            shutil.copyfile(path, source)
        except OSError as exc:
            return ReadResult(path, errors=[ReadError(path, f"无法读取文件：{exc.strerror or exc}", code="R001")])
        failure = _run(
            [
                command,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                f"{to}:{export}",
                "--outdir",
                str(work / "out"),
                str(source),
            ]
        )
        converted = work / "out" / f"in.{to}"
        if failure or not converted.exists():
            reason = failure or "LibreOffice 没有生成文件（文件可能已损坏、加密或不是该格式）"
            return ReadResult(path, errors=[ReadError(path, f"{what}转换为{label}失败：{reason}", code="R019")])
        return read(str(converted))


def _run(args: list[str]) -> str | None:
    """Run LibreOffice in a session of its own (so that a time-out ends all its processes); why it failed, or None."""
    env = dict(os.environ, HOME=os.environ.get("HOME") or tempfile.gettempdir())
    try:
        process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env=env
        )
    except OSError as exc:
        return f"LibreOffice 无法启动（{exc.strerror or exc}）"
    try:
        _, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return f"超过 {TIMEOUT} 秒未完成"
    if process.returncode != 0:
        detail = (stderr.decode("utf-8", "replace").strip().splitlines() or [f"退出码 {process.returncode}"])[-1]
        return detail[:160]
    return None
