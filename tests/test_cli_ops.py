"""Operations from the command line: private files, gunicorn settings from the environment."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from schakel.cli import default_web_workers, gunicorn_arguments
from test_cli import KEY, run

SECRETS = {
    "SCHAKEL_SECRET_KEY": "x" * 50,
    "SCHAKEL_ENCRYPTION_KEYS": KEY,
    "SCHAKEL_SEARCH_KEY": "s",
}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_directory_database_and_ground_truth_are_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "var"
    result = run(
        ["seed", "--persons", "40", "--years", "1", "--ground-truth", str(data / "truth")],
        data,
        timeout=600,
        **SECRETS,
    )
    assert result.returncode == 0, result.stderr
    assert mode(data) == 0o700
    database = data / "schakel.sqlite3"
    assert mode(database) == 0o600
    truth = list((data / "truth").rglob("*"))
    assert truth
    for path in truth:
        assert mode(path) & 0o077 == 0, f"{path.name} is readable by others"


def test_an_existing_open_data_directory_is_closed(tmp_path: Path) -> None:
    data = tmp_path / "var"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    assert run(["migrate"], data, **SECRETS).returncode == 0
    assert mode(data) == 0o700


def test_gunicorn_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHAKEL_WEB_WORKERS", "5")
    monkeypatch.setenv("SCHAKEL_WEB_THREADS", "4")
    monkeypatch.setenv("SCHAKEL_WEB_TIMEOUT", "45")
    monkeypatch.setenv("SCHAKEL_WEB_MAX_REQUESTS", "500")
    arguments = gunicorn_arguments("127.0.0.1", 8000, None)
    for expected in (
        "--workers=5",
        "--threads=4",
        "--worker-class=gthread",
        "--timeout=45",
        "--max-requests=500",
        "--max-requests-jitter=50",
        "--umask=0o077",
    ):
        assert expected in arguments
    assert "--workers=3" in gunicorn_arguments("127.0.0.1", 8000, 3)


def test_gunicorn_defaults_fit_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SCHAKEL_WEB_WORKERS", "SCHAKEL_WEB_THREADS", "SCHAKEL_WEB_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    arguments = gunicorn_arguments("127.0.0.1", 8000, None)
    assert f"--workers={default_web_workers()}" in arguments
    assert 3 <= default_web_workers() <= 9
    assert "--worker-class=sync" in arguments and "--timeout=30" in arguments


def test_a_bad_worker_count_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("SCHAKEL_WEB_WORKERS", "many")
    with pytest.raises(ImproperlyConfigured, match="SCHAKEL_WEB_WORKERS"):
        gunicorn_arguments("127.0.0.1", 8000, None)


NAMES_SCRIPT = """
import json
from schakel.web.core import crypto
from schakel.web.trajectories.models import Identity
names, notes = set(), 0
for ciphertext in Identity.objects.values_list("ciphertext", flat=True):
    identity = crypto.decrypt_json(ciphertext)
    for part in (identity.get("given_names", "") + " " + identity.get("family_name", "")).split():
        if len(part) >= 4:
            names.add(part)
    bsn = (identity.get("identifiers") or {}).get("bsn")
    if bsn:
        names.add(bsn)
from schakel.web.organisations.models import User
staff = set()
for first, last in User.objects.values_list("first_name", "last_name"):
    staff.update(f"{first} {last}".split())
print(json.dumps(sorted(names - staff)))
"""


def test_seeded_names_are_not_in_the_raw_database_file(tmp_path: Path) -> None:
    import json

    data = tmp_path / "var"
    seeded = run(["seed", "--persons", "80", "--years", "2"], data, timeout=600, **SECRETS)
    assert seeded.returncode == 0, seeded.stderr
    shown = run(["manage", "shell", "-c", NAMES_SCRIPT], data, timeout=600, **SECRETS)
    assert shown.returncode == 0, shown.stderr
    # The staff's own (synthetic) names share the name pool; they are not the persons' data.
    names = json.loads(shown.stdout.strip().splitlines()[-1])
    assert len(names) > 40
    raw = b"".join(p.read_bytes() for p in data.glob("schakel.sqlite3*"))
    # As a word: inside base64 ciphertext a short name turns up by chance (64^4 is small).
    token = rb"[A-Za-z0-9_=+/-]"
    found = [
        n
        for n in names
        if re.search(rb"(?<!%s)%s(?!%s)" % (token, re.escape(n.encode()), token), raw)
    ]
    assert not found, f"seeded names in the raw database file: {found[:5]}"


@pytest.mark.django_db(transaction=True)
def test_serve_forks_its_workers_without_a_database_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`serve` checks the database before it starts gunicorn; a connection left open then would
    be inherited by every forked worker as one shared socket."""
    import argparse

    import gunicorn.app.wsgiapp
    from django.db import connections

    from schakel.cli import serve as cli

    def kept(connection: object) -> bool:
        """Django never closes an in-memory SQLite database (the test database on SQLite):
        there the check is only meaningful on a database in a file or a server."""
        memory = getattr(connection, "is_in_memory_db", lambda: False)()
        return not memory

    seen: list[bool] = []
    monkeypatch.setattr(
        gunicorn.app.wsgiapp,
        "run",
        lambda: seen.append(any(c.connection is not None for c in connections.all() if kept(c))),
    )
    monkeypatch.setattr(cli.sys, "argv", ["schakel", "serve"])
    args = argparse.Namespace(host="127.0.0.1", port=8000, workers=1, skip_collectstatic=True)
    cli.cmd_serve(args)
    assert seen == [False]


def test_serve_says_where_it_runs_once_it_listens(tmp_path: Path) -> None:
    """The address is printed when gunicorn listens, not before: a browser opened on it at once
    (as `make demo` invites) must not get "connection refused"."""
    import os
    import queue
    import socket
    import subprocess
    import sys
    import threading
    import time

    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("SCHAKEL_", "DATABASE_URL"))
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update({"SCHAKEL_DATA_DIR": str(tmp_path), "SCHAKEL_STATIC_PREBUILT": "1"})
    environment.update(SECRETS)
    server = subprocess.Popen(
        [sys.executable, "-m", "schakel.cli", "serve", "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=environment,
    )
    try:
        output = server.stdout
        assert output is not None
        lines: queue.Queue[str] = queue.Queue()

        # a thread reads the lines as they come (ends when the server exits and its output
        # closes): waiting on the pipe itself misses lines already in the reader's buffer
        def read() -> None:
            for line in output:
                lines.put(line)

        threading.Thread(target=read, daemon=True).start()
        announced = ""
        deadline = time.monotonic() + 60
        while "Schakel runs at" not in announced and time.monotonic() < deadline:
            try:
                announced = lines.get(timeout=1)
            except queue.Empty:
                assert server.poll() is None, "the server stopped without saying where it runs"
        assert "Schakel runs at" in announced, "not said within a minute"
        assert announced.split()[3] == f"http://127.0.0.1:{port}/", announced
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # refused (an exception) if the address was printed before gunicorn listened
    finally:
        server.terminate()
        server.wait(timeout=30)
