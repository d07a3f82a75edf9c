"""`dotmac-hub radius config --accounting-spool DIR --accounting-readers N` renders a
directory FreeRADIUS accepts: the spool with one directory per reader, the reader server
with one detail listener each; bad values are refused with the reason."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.access.cli import radius_app
from hub.access.radius_config import write_clients
from tests.radius_support import require_freeradius


def _config(out: Path, *more: str) -> tuple[int, str]:
    done = CliRunner().invoke(radius_app, ["config", "--out", str(out), "--hub-url",
                                           "http://127.0.0.1:8080", "--run-as", "", *more])
    return done.exit_code, done.output


def test_spool_and_readers_render_a_directory_freeradius_accepts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    binary = require_freeradius()
    monkeypatch.setenv("DOTMAC_HUB_RADIUS_TOKEN", "spool-test-token-0123456789")
    out, spool = tmp_path / "raddb", tmp_path / "acct-spool"
    (spool / "1").mkdir(parents=True)
    (spool / "1" / "detail-20260101:00").write_text("unread accounting\n")
    code, output = _config(out, "--accounting-spool", str(spool), "--accounting-readers", "2")
    assert code == 0, output
    write_clients(out / "clients.conf", [])
    reader = (out / "sites-enabled/dotmac-accounting-reader").read_text()
    assert reader.count("type = detail") == 2
    assert f'filename = "{spool}/0/detail-*"' in reader
    assert f'filename = "{spool}/1/detail-*"' in reader
    assert f'"{spool}/%{{control:Tmp-String-9}}/detail-' in (
        out / "mods-enabled/detail_dotmac").read_text()
    for directory in (spool / "0", spool / "1", spool / "refused"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    # rendering again keeps what waits in the spool
    assert (spool / "1" / "detail-20260101:00").read_text() == "unread accounting\n"
    check = subprocess.run([binary, "-C", "-d", str(out)], capture_output=True, text=True,
                           timeout=60, check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_bad_spool_or_reader_count_is_refused(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOTMAC_HUB_RADIUS_TOKEN", "spool-test-token-0123456789")
    code, output = _config(tmp_path / "a", "--accounting-spool", "relative/spool")
    assert code == 2 and "accounting spool 'relative/spool'" in output
    code, output = _config(tmp_path / "b", "--accounting-spool", str(tmp_path / "with space"))
    assert code == 2 and "an absolute path of" in output
    code, output = _config(tmp_path / "c", "--accounting-spool", str(tmp_path / "s"),
                           "--accounting-readers", "3")
    assert code == 2 and "accounting readers 3: one of 1, 2, 4, 8, 16" in output
    assert not (tmp_path / "s").exists()
