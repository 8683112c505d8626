"""`schakel demo` runs a job worker beside the web server and stops both, on Ctrl+C (SIGINT to
the terminal's process group) and on SIGTERM to the demo alone."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

WAIT = 240.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _released(database: Path) -> bool:
    try:
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)) as db:
            return bool(db.execute("SELECT COUNT(*) FROM monitor_release").fetchone()[0])
    except sqlite3.Error:
        return False


def _start_demo(tmp_path: Path, log: Path) -> tuple[subprocess.Popen[bytes], int, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCHAKEL_", "DATABASE_URL"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["SCHAKEL_DATA_DIR"] = str(tmp_path)
    port = _free_port()
    with log.open("wb") as output:
        demo = subprocess.Popen(
            [sys.executable, "-m", "schakel.cli", "demo", "--persons", "60", "--port", str(port),
             "--workers", "1"],
            env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + WAIT
    while True:
        assert demo.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5) as page:
                if page.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    found = re.search(r"Job worker started \(process (\d+)\)", log.read_text())
    assert found, log.read_text()
    while "with the schedule)" not in log.read_text():  # the worker is set up and sweeping
        assert demo.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
    return demo, int(found.group(1)), port


def _stopped(demo: subprocess.Popen[bytes], worker: int, log: Path) -> None:
    assert demo.wait(timeout=WAIT) == 0, log.read_text()
    deadline = time.monotonic() + 60
    while _alive(worker):
        assert time.monotonic() < deadline, f"the worker outlived the demo:\n{log.read_text()}"
        time.sleep(0.2)


def test_demo_starts_a_worker_and_ctrl_c_or_sigterm_stops_both(tmp_path: Path) -> None:
    log = tmp_path / "demo.log"
    demo, worker, _ = _start_demo(tmp_path, log)
    try:
        assert _alive(worker)
        # The nightly monitor release has never run, so the worker queues and runs it now; the
        # release is stored in the database (a monitor Release row), not as files.
        deadline = time.monotonic() + WAIT
        while not _released(tmp_path / "schakel.sqlite3"):
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        os.killpg(demo.pid, signal.SIGINT)  # what Ctrl+C in a terminal does
        _stopped(demo, worker, log)
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)

    log = tmp_path / "demo-again.log"
    demo, worker, _ = _start_demo(tmp_path, log)
    try:
        demo.send_signal(signal.SIGTERM)  # a service manager stopping the demo only
        _stopped(demo, worker, log)
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
