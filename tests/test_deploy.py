"""The container's parts, checked where no container engine is: the compose file's shape,
the Containerfile's promises, and the same entrypoint run outside a container serving the demo."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]
PORT = 8490


def test_compose_runs_postgresql_web_and_worker_hardened() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "web", "worker"}
    assert services["db"]["image"].startswith("docker.io/library/postgres:")
    assert "healthcheck" in services["db"]
    for name in ("web", "worker"):
        service = services[name]
        assert service["read_only"] is True
        assert service["user"] == "10001"
        assert service["tmpfs"] == ["/tmp"]  # noqa: S108 (the container's own tmpfs)
        assert service["cap_drop"] == ["ALL"]
        assert "no-new-privileges:true" in service["security_opt"]
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["volumes"] == ["schakel-data:/var/lib/schakel"]
    assert services["web"]["command"] == ["web"] and services["worker"]["command"] == ["worker"]
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
    assert "/ready/" in " ".join(services["web"]["healthcheck"]["test"])
    env_example = (ROOT / services["web"]["env_file"]).with_suffix(".env.example")
    assert env_example.exists()
    names = {line.split("=")[0] for line in env_example.read_text().splitlines() if "=" in line}
    assert {"SCHAKEL_SECRET_KEY", "SCHAKEL_ENCRYPTION_KEYS", "SCHAKEL_SEARCH_KEY"} <= names


def test_containerfile_is_non_root_with_static_files_built_in() -> None:
    text = (ROOT / "Containerfile").read_text()
    final = text.split("\nFROM ")[-1]
    assert "USER 10001" in final and "USER root" not in final
    assert "collectstatic" in text and "SCHAKEL_STATIC_PREBUILT=true" in final
    # The root filesystem is read-only: numba caches the compiled Dice search in the volume.
    assert "NUMBA_CACHE_DIR=/var/lib/schakel/" in final
    assert 'ENTRYPOINT ["/usr/local/bin/schakel-entrypoint"]' in final
    assert "COPY deploy/entrypoint.sh /usr/local/bin/schakel-entrypoint" in final
    for copied in ("package.json", "package-lock.json", "pyproject.toml", "requirements", "src"):
        assert (ROOT / copied).exists()


def _get(path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=10) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell entrypoint")
def test_the_entrypoint_serves_the_demo_outside_a_container(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    data = tmp_path / "data"
    static = tmp_path / "static"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCHAKEL_", "DATABASE_URL"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        SCHAKEL_DATA_DIR=str(data),
        SCHAKEL_STATIC_ROOT=str(static),
        SCHAKEL_PORT=str(PORT),
        SCHAKEL_DEMO_PERSONS="60",
        SCHAKEL_WEB_WORKERS="1",
    )
    # As at image build time: collect once, then serve from a folder nobody may write.
    built = subprocess.run(
        [str(bin_dir / "schakel"), "manage", "collectstatic", "--no-input", "--verbosity", "0"],
        env={**env, "SCHAKEL_SECRET_KEY": "build", "SCHAKEL_ENCRYPTION_KEYS": _key()},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    for path in [static, *static.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    env["SCHAKEL_STATIC_PREBUILT"] = "true"
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        ["/bin/sh", str(ROOT / "deploy" / "entrypoint.sh"), "demo"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        status = 0
        while time.monotonic() < deadline and server.poll() is None:
            status, _ = _get("/ready/")
            if status == 200:
                break
            time.sleep(1)
        assert status == 200, (tmp_path / "server.log").read_text()[-3000:]
        assert _get("/health/")[0] == 200
        status, page = _get("/inloggen/")
        assert status == 200 and "Inloggen" in page
        css = next(iter(static.rglob("*.css"))).relative_to(static)
        assert _get(f"/static/{css}")[0] == 200
        assert (data / "demo-accounts.txt").stat().st_mode & 0o077 == 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()


def _key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def test_every_command_compose_runs_is_a_case_of_the_entrypoint() -> None:
    """compose.yaml's commands and the Containerfile's CMD reach the entrypoint's own branches
    (web, worker), not its fall-through to an arbitrary `schakel` command."""
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    script = (ROOT / "deploy" / "entrypoint.sh").read_text()
    cases = {line.strip()[:-1] for line in script.splitlines() if line.strip().endswith(")")}
    commands = {
        service["command"][0] for service in compose["services"].values() if "command" in service
    }
    final = (ROOT / "Containerfile").read_text().split("\nFROM ")[-1]
    assert 'CMD ["web"]' in final
    assert commands == {"web", "worker"} and commands <= cases, (commands, cases)
    assert "umask 077" in script and 'exec schakel serve --host 0.0.0.0 --port "$port"' in script
    healthcheck = next(line for line in final.splitlines() if line.startswith("HEALTHCHECK"))
    assert "/health/" in healthcheck and "8000" in healthcheck
