"""An attacker on the path between a POP box and the hub reads a plain-http enrollment.

`dotmac-agent enroll` sends the one-time token and receives the agent's broker password. Over
`http://` both travel in clear, so the command refuses such a URL before any byte leaves the
box, unless `--insecure` says the link is trusted (loopback demo, lab). The "hub" here is a
listener that records whatever reaches it, as an eavesdropper would.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edge_agent.cli import app

TOKEN = "dme_plain-http-eavesdrop-target"


class Eavesdropper:
    """A TCP listener that keeps every byte sent to it and answers nothing useful."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received = b""
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                self._read_request(conn)

    def _read_request(self, conn: socket.socket) -> None:
        """Read until the JSON body's end (or the client gives up), then hang up."""
        conn.settimeout(10)
        try:
            while not self.received.endswith(b"}"):
                chunk = conn.recv(65536)
                if not chunk:
                    return
                self.received += chunk
        except OSError:
            return

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def eavesdropper() -> Iterator[Eavesdropper]:
    listener = Eavesdropper()
    yield listener
    listener.close()


def _enroll(url: str, config: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["enroll", "--hub", url, "--token", TOKEN,
                                      "--config", str(config), *extra])
    return result.exit_code, result.output


def test_plain_http_is_refused_before_the_token_leaves(
        eavesdropper: Eavesdropper, tmp_path: Path) -> None:
    config = tmp_path / "agent.yaml"
    code, output = _enroll(f"http://127.0.0.1:{eavesdropper.port}", config)
    assert code == 1
    assert "plain http" in output and "--insecure" in output and TOKEN not in output
    assert eavesdropper.connections == 0 and eavesdropper.received == b""
    assert not config.exists()


def test_other_schemes_are_refused(tmp_path: Path) -> None:
    code, output = _enroll("ftp://hub.example.net", tmp_path / "agent.yaml")
    assert code == 1 and "https://" in output


def test_insecure_lets_a_lab_enroll_over_http(
        eavesdropper: Eavesdropper, tmp_path: Path) -> None:
    code, _ = _enroll(f"http://127.0.0.1:{eavesdropper.port}", tmp_path / "agent.yaml",
                      "--insecure")
    assert code == 1  # the listener is no hub; what matters is what it could read
    assert TOKEN.encode() in eavesdropper.received  # why --insecure is for trusted links only
