"""Load test: coordinators and frontline professionals doing their main journeys (locust).

    .venv/bin/python benchmarks/load_journeys.py [--persons 10000] [--users 50] [--minutes 5]
        [--think page|journey] [--database-url postgres://.../EMPTY_DB] [--port 8106] [--smoke]

Seeds a synthetic region into a fresh database (a temporary SQLite file, or the empty database
named by --database-url), makes one account per simulated user (half coordinators, half
frontline; each with its own authenticator key), starts the application as the
container does (`schakel serve`: gunicorn, workers from SCHAKEL_WEB_WORKERS or the default),
waits for /ready/ and runs locust headless against 127.0.0.1 only, for a bounded time.

Sign-in is the production path, not the demo's one-step sign-in: user name and password, then
a TOTP code (both roles see identities, so both need the second factor). Each user signs in
once, then repeats its journeys with 1-2 s think time (`--think page`, the default: after every
page, as a person reads it or fills it in; `--think journey`: only between journeys, the pages
of a journey back to back, a stress test): the coordinator home, the case list
(pages and a name search), a case file, recording an event, the referral inbox; the frontline
home, the whole signal check and a referral with consent, their referrals. Prints p50/p95 per
page, the requests per second, the error rate and the load average during the run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

if __name__ != "__main__":  # locust imports this file for its users
    from load_users import Coordinator, Frontline  # noqa: F401

KEY = "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtbG9uZy1rZXk="
HERE = Path(__file__).resolve()


def configure(args: argparse.Namespace, folder: str) -> dict[str, str]:
    """The environment of this process and of the server: production settings over HTTP."""
    env = {
        "SCHAKEL_DATA_DIR": folder,
        "SCHAKEL_SECRET_KEY": "benchmark-" + "x" * 40,
        "SCHAKEL_ENCRYPTION_KEYS": KEY,
        "SCHAKEL_SEARCH_KEY": "benchmark-search-key",
        "SCHAKEL_ALLOWED_HOSTS": "127.0.0.1",
        "SCHAKEL_HTTPS": "false",  # plain HTTP on 127.0.0.1: no redirect, no secure cookies
        "SCHAKEL_SECURE_COOKIES": "false",
        "SCHAKEL_DEMO": "false",  # the two-step sign-in of production
        "SCHAKEL_LOG_FORMAT": "json",
        "SCHAKEL_PROXY_COUNT": "1",  # each simulated user sends its own X-Forwarded-For
        # As in the container, whose static files are built into the image: `serve` does not
        # collect them (locust asks for pages, not for the style sheets and scripts).
        "SCHAKEL_STATIC_PREBUILT": "true",
        "DJANGO_SETTINGS_MODULE": "schakel.web.settings",
    }
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.smoke:  # one worker that stops at once: the smoke run checks the journeys only
        env.setdefault("SCHAKEL_WEB_WORKERS", os.environ.get("SCHAKEL_WEB_WORKERS", "1"))
    env["SCHAKEL_WEB_GRACEFUL_TIMEOUT"] = "5"
    os.environ.update(env)
    return {**os.environ}


def prepare(args: argparse.Namespace, folder: Path) -> Path:
    """Migrate, seed, make the accounts; write what the users need to a JSON file."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from schakel.engine.vocabulary import ExploitationForm
    from schakel.web.core.crypto import decrypt_json
    from schakel.web.demo.actions import do_create_demo_accounts, do_seed_region
    from schakel.web.demo.seeding import seed_parameters
    from schakel.web.organisations.models import Membership, User
    from schakel.web.organisations.roles import Role
    from schakel.web.signals.check import set_for
    from schakel.web.trajectories.models import Identity, Trajectory

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    do_seed_region(seed_parameters(persons=args.persons))
    print(f"seeded {args.persons:,} persons in {time.perf_counter() - started:.0f} s")
    do_create_demo_accounts(folder / "accounts.txt")
    model = {m.user.username: m for m in Membership.objects.select_related("user")}
    coordinator, frontline = model["coordinator"], model["frontline"]
    password = secrets.token_urlsafe(16)
    halves = {"coordinators": (args.users + 1) // 2, "frontline": args.users // 2 or 1}
    open_cases = list(
        Trajectory.objects.visible_to(coordinator)
        .exclude(case_status__in=("closed", "closed_referred"))
        .order_by("pk")
        .values_list("pk", flat=True)[: halves["coordinators"] * 20]
    )
    assert open_cases, "the seeded region has no open trajectory for the coordinator"
    fixture: dict[str, Any] = {"password": password, "coordinators": [], "frontline": []}
    for group, role, template in (
        ("coordinators", Role.COORDINATOR, coordinator),
        ("frontline", Role.FRONTLINE, frontline),
    ):
        for n in range(halves[group]):
            user = User.objects.create_user(f"load-{group}-{n}", password=password)
            Membership.objects.create(
                user=user, organisation=template.organisation, role=role.value
            )
            device = TOTPDevice.objects.create(user=user, name="load", confirmed=True)
            account: dict[str, Any] = {"username": user.username, "totp": device.key}
            if role is Role.COORDINATOR:
                mine = open_cases[n :: halves[group]] or open_cases
                Trajectory.objects.filter(pk__in=mine).update(coordinator=user)
                account["trajectories"] = [str(pk) for pk in mine]
            fixture[group].append(account)
    identities = [decrypt_json(i.ciphertext) for i in Identity.objects.order_by("pk")[:300]]
    fixture["terms"] = sorted({str(i["family_name"]) for i in identities if i.get("family_name")})
    fixture["family_names"] = fixture["terms"]
    fixture["given_names"] = sorted(
        {str(i["given_names"]) for i in identities if i.get("given_names")}
    )
    fixture["set_adult"] = set_for(minor=False, form=ExploitationForm.LABOUR)
    connections.close_all()
    path = folder / "load-fixture.json"
    path.write_text(json.dumps(fixture))
    return path


def wait_ready(url: str, server: subprocess.Popen[bytes], seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode}); see its log")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (127.0.0.1)
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"{url} not ready after {seconds:.0f} s")


class LoadSampler(threading.Thread):
    """The 1-minute load average every 5 s while locust runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(5):
            self.samples.append(float(Path("/proc/loadavg").read_text().split()[0]))


TICK = os.sysconf("SC_CLK_TCK")


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent on anything but idling, since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and waiting for I/O
    return (sum(fields[:8]) - idle) / TICK


def process_seconds(database: str) -> dict[tuple[str, int], float]:
    """CPU seconds of each live process of the application server (gunicorn and its workers)
    and of the database server's backends for `database` (PostgreSQL names it in the title)."""
    seconds = {}
    title = f" {database} ".encode() if database else None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes()
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if (b"schakel.cli" in command and b"serve" in command) or b"gunicorn" in command:
            group = "application"
        elif title is not None and command.startswith(b"postgres: ") and title in command:
            group = "database"
        else:
            continue
        seconds[group, int(proc.name)] = (int(stat[11]) + int(stat[12])) / TICK
    return seconds


class CpuSplit(threading.Thread):
    """Where the machine's CPU went during the run: the application's workers, the database's
    backends for this run (sampled every second, as they come and go), the load generator
    (locust, a waited-for child) and everything else on the machine."""

    def __init__(self, database: str) -> None:
        super().__init__(daemon=True)
        self.database, self.stopped = database, threading.Event()
        self.busy = busy_seconds()
        self.first = process_seconds(database)
        self.last = dict(self.first)
        self.children = resource.getrusage(resource.RUSAGE_CHILDREN)

    def run(self) -> None:
        while not self.stopped.wait(1):
            self.last.update(process_seconds(self.database))

    def done(self) -> str:
        self.stopped.set()
        self.join()
        self.last.update(process_seconds(self.database))
        busy = busy_seconds() - self.busy
        used = {"application": 0.0, "database": 0.0}
        for (group, pid), value in self.last.items():
            used[group] += value - self.first.get((group, pid), 0.0)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        used["locust"] = (children.ru_utime - self.children.ru_utime) + (
            children.ru_stime - self.children.ru_stime
        )
        used["the rest"] = busy - sum(used.values())
        parts = ", ".join(f"{k} {v:.0f} ({100 * v / busy:.0f} %)" for k, v in used.items())
        return f"CPU seconds during the run: {busy:.0f} busy ({os.cpu_count()} cores): {parts}"


def report(prefix: Path, seconds: float, sampler: LoadSampler, database: str, workers: str) -> int:
    """Print the table from locust's CSV; the number of failed requests."""
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    print(
        f"\n{database}, {workers} gunicorn workers; load average during the run: "
        f"mean {sum(sampler.samples) / max(len(sampler.samples), 1):.1f}, "
        f"max {max(sampler.samples, default=0):.1f} ({os.cpu_count()} cores)"
    )
    print(f"{'page':<32} {'requests':>9} {'errors':>7} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    failures = 0
    for row in rows:
        name = row["Name"] if row["Type"] else "all"
        name = "all requests" if row["Name"] == "Aggregated" else name
        count, failed = int(row["Request Count"]), int(row["Failure Count"])
        if row["Name"] == "Aggregated":
            failures = failed
            total = count
        print(
            f"{name:<32} {count:>9} {failed:>7} {row['50%']:>7} {row['95%']:>7} "
            f"{float(row['Max Response Time']):>7.0f}"
        )
    print(
        f"{total / seconds:.1f} requests/s over {seconds:.0f} s; error rate "
        f"{100 * failures / max(total, 1):.2f} %"
    )
    failed_path = Path(f"{prefix}_failures.csv")
    if failures and failed_path.exists():
        with open(failed_path, newline="") as handle:
            for row in list(csv.DictReader(handle))[:8]:
                print(f"  failed {row['Name']}: {row['Error'][:200]} (x{row['Occurrences']})")
    return failures


def server_errors(log: Path, most: int = 5) -> None:
    """The server's logged errors (JSON lines, no personal data), each kind once."""
    seen: dict[str, int] = {}
    for line in log.read_text(errors="replace").splitlines():
        if '"ERROR"' in line or "Traceback" in line or "Error:" in line:
            key = line[-300:]
            seen[key] = seen.get(key, 0) + 1
    for text, count in list(seen.items())[:most]:
        print(f"  server log (x{count}): {text}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--spawn-rate", type=float, default=5.0, help="users started per second")
    parser.add_argument("--database-url", default="", help="an EMPTY database (else SQLite)")
    parser.add_argument("--port", type=int, default=8106)
    parser.add_argument(
        "--think",
        choices=("page", "journey"),
        default="page",
        help="1-2 s after every page (default) or only between journeys (stress)",
    )
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.persons, args.users, args.minutes, args.spawn_rate = 200, 4, 0.25, 4
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        env = configure(args, name)
        began = time.perf_counter()
        fixture = prepare(args, folder)
        print(f"prepared (migrate, seed, accounts) in {time.perf_counter() - began:.0f} s")
        workers = env.get("SCHAKEL_WEB_WORKERS", "default")
        log = open(folder / "server.log", "wb")  # noqa: SIM115 (closed below)
        serve = [sys.executable, "-m", "schakel.cli", "serve"]
        serve += ["--host", "127.0.0.1", "--port", str(args.port)]
        began = time.perf_counter()
        server = subprocess.Popen(serve, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            host = f"http://127.0.0.1:{args.port}"
            try:
                wait_ready(f"{host}/ready/", server)
            except SystemExit:
                log.flush()
                print((folder / "server.log").read_text()[-3000:])
                raise
            print(f"server ready in {time.perf_counter() - began:.0f} s")
            print(f"before the run: load average {Path('/proc/loadavg').read_text().strip()}")
            seconds = args.minutes * 60
            prefix = folder / "locust"
            locust = [sys.executable, "-m", "locust", "-f", str(HERE), "--headless"]
            locust += ["--users", str(args.users), "--spawn-rate", str(args.spawn_rate)]
            locust += ["--run-time", f"{seconds:.0f}s", "--host", host, "--csv", str(prefix)]
            locust += ["--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"]
            sampler = LoadSampler()
            sampler.start()
            split = CpuSplit(args.database_url.rsplit("/", 1)[-1] if args.database_url else "")
            split.start()
            began = time.perf_counter()
            with open(folder / "locust.log", "wb") as locust_log:
                subprocess.run(
                    locust,
                    env={**env, "LOAD_FIXTURE": str(fixture), "LOAD_THINK": args.think},
                    check=False,
                    stdout=locust_log,
                    stderr=subprocess.STDOUT,
                    cwd=HERE.parent,
                )
            elapsed = time.perf_counter() - began
            sampler.stopped.set()
            where = split.done()
        finally:
            server.terminate()
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()
        if server.returncode not in (0, -15):
            print((folder / "server.log").read_text()[-3000:])
        if workers == "default":
            workers = str(min(2 * (os.cpu_count() or 1) + 1, 9))
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(f"\nthink time 1-2 s after every {args.think}; {args.users} users")
        failures = report(prefix, elapsed, sampler, database, workers)
        print(where)
        if failures:
            server_errors(folder / "server.log")
    return 1 if args.smoke and failures else 0


if __name__ == "__main__":
    sys.exit(main())
