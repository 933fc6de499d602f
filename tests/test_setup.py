"""The README's set-up commands on a machine that is already set up: nothing is installed again."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.exe  # .ci/serve renders the site's figures first


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_setup_on_a_set_up_machine_touches_neither_apt_nor_pip() -> None:
    # The suite runs after .ci/test's own set-up, so this is at least the second start.
    for _ in range(2):
        run = subprocess.run(["bash", ".ci/setup", "--test", "--browser"], cwd=ROOT, capture_output=True, text=True,
                             timeout=300)
        assert run.returncode == 0, run.stderr
        assert "apt-get" not in run.stdout + run.stderr
        assert "npm ci" not in run.stdout + run.stderr  # the parsers' packages, installed once per lock


def test_serve_started_again_prints_no_apt_get_and_serves() -> None:
    port = _free_port()
    server = subprocess.Popen(["bash", ".ci/serve", "-a", f"127.0.0.1:{port}"], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True,
                              env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    output: list[str] = []
    try:
        assert server.stdout is not None
        deadline = time.monotonic() + 240
        for line in server.stdout:
            output.append(line)
            if "Serving on" in line or time.monotonic() > deadline:
                break
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    text = "".join(output)
    assert "Serving on" in text, text
    assert "apt-get" not in text
    assert "0 failed" in text  # gen rendered every figure before serving
