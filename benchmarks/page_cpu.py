"""CPU per request of each page of the load journeys (`load_users.py`), one request at a time.

    .venv/bin/python benchmarks/page_cpu.py [--persons 10000] [--repeat 30] [--database-url URL]
        [--profile "case list"] [--sql "referral"] [--smoke]

The load test (`load_journeys.py`) is bounded by the cores: 50 users on 2 shared cores queue
behind each other, so what each page costs in CPU decides its p95. This script measures that
cost directly and robustly to a busy machine: it seeds a region as the load test does, signs in
a coordinator and a frontline professional the production way (password, then a TOTP code;
DEBUG off, the cached template loader, the real middleware, CSRF checked), and requests each
page of their journeys through Django's full request cycle. Per page it prints the median CPU
time of this process (`time.process_time`; with SQLite that includes the database's own work,
with PostgreSQL the server's work is in its own process and not counted), the median wall time
and the queries one request makes. `--profile NAME` prints where that page's CPU goes
(cProfile), `--sql NAME` the statements of one request.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import itertools
import pstats
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django_setup import configure

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
PRESENT = re.compile(r'name="([a-z0-9_.-]+)" value="present"')
WHO = {
    "age": "adult",
    "form": "labour",
    "role": "youth_care",
    "region": "rotterdam",
    "foreign_national": "yes",
    "domestic_setting": "unknown",
}
PARTS = ("d1", "d4", "d5")
ADDRESSES = itertools.count()


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def totp(device: Any) -> str:
    """The current code of a django-otp TOTP device, as the user's authenticator shows it."""
    from django_otp.oath import TOTP

    return (
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():0{device.digits}d}"
    )


class Session:
    """One signed-in professional: a test client that checks CSRF as the browser's form would."""

    def __init__(self, username: str, password: str, device: Any) -> None:
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True)
        self.post_form("/inloggen/", {"username": username, "password": password}, 302)
        code = {"token": totp(device), "next": "/"}
        self.post_form("/inloggen/tweede-stap/?next=/", code, 302, url="/inloggen/tweede-stap/")
        assert self.get("/").status_code == 200, "the sign-in did not reach the home page"

    @staticmethod
    def _address() -> dict[str, Any]:
        """A new client address per request: as in the load test, where each user sends its
        own and stays under the per-address limit of the public pages (SCHAKEL_ANONYMOUS_RATE);
        above it every signed-in request there would pay an extra session look-up."""
        n = next(ADDRESSES)
        return {"REMOTE_ADDR": f"10.{n // 250 % 250}.{n % 250}.1"}

    def get(self, url: str) -> Any:
        return self.client.get(url, **self._address())

    def token(self, url: str) -> tuple[str, str]:
        page = self.get(url)
        assert page.status_code == 200, (url, page.status_code)
        text = page.content.decode()
        found = CSRF.search(text)
        assert found is not None, f"{url} has no form"
        return found[1], text

    def post(self, url: str, data: dict[str, Any], expect: int = 302) -> Any:
        response = self.client.post(url, data, **self._address())
        assert response.status_code == expect, (url, response.status_code, expect)
        return response

    def post_form(self, form_url: str, data: dict[str, Any], expect: int, url: str = "") -> Any:
        token, _ = self.token(form_url)
        return self.post(url or form_url, {**data, "csrfmiddlewaretoken": token}, expect)


def finished() -> None:
    """What a WSGI server's end of request does and the test client leaves out: close the
    database connections that are past CONN_MAX_AGE (with 0, every one, so the next request
    opens a new connection, as it would in production)."""
    from django.db import close_old_connections

    close_old_connections()


Request = Callable[[], Any]
"""One timed request; the untimed preparation it needs runs in the page's `prepare`."""


class Page:
    def __init__(self, name: str, request: Request, prepare: Callable[[], None] | None = None):
        self.name, self.request, self.prepare = name, request, prepare

    def run(self) -> tuple[float, float]:
        """CPU and wall milliseconds of one request."""
        if self.prepare is not None:
            self.prepare()
        cpu, wall = time.process_time(), time.perf_counter()
        self.request()
        finished()
        return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000

    def queries(self) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        if self.prepare is not None:
            self.prepare()
        with CaptureQueriesContext(connection) as captured:
            self.request()
        return len(captured.captured_queries)

    def statements(self) -> list[str]:
        """The SQL of one request, in order (for --sql)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        if self.prepare is not None:
            self.prepare()
        with CaptureQueriesContext(connection) as captured:
            self.request()
        return [q["sql"] for q in captured.captured_queries]


def seed(persons: int, folder: str) -> dict[str, Any]:
    """Migrate, seed the region, make one coordinator and one frontline account with a TOTP
    device (as `load_journeys.prepare`), and give the coordinator open trajectories."""
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from schakel.engine.vocabulary import ExploitationForm
    from schakel.web.core.crypto import decrypt_json
    from schakel.web.demo.actions import do_create_demo_accounts, do_seed_region
    from schakel.web.demo.seeding import seed_parameters
    from schakel.web.organisations.models import Membership, User
    from schakel.web.organisations.roles import Role
    from schakel.web.signals.check import set_for
    from schakel.web.trajectories.models import Identity, Trajectory
    from schakel.web.trajectories.selectors import inbox_for

    call_command("migrate", verbosity=0)
    do_seed_region(seed_parameters(persons=persons))
    do_create_demo_accounts(Path(folder) / "accounts.txt")
    model = {m.user.username: m for m in Membership.objects.select_related("user")}
    password = "page-cpu-" + "p" * 16
    fixture: dict[str, Any] = {"password": password}
    for name, role in (("coordinator", Role.COORDINATOR), ("frontline", Role.FRONTLINE)):
        user = User.objects.create_user(f"cpu-{name}", password=password)
        Membership.objects.create(user=user, organisation=model[name].organisation, role=role.value)
        fixture[name] = (user.username, TOTPDevice.objects.create(user=user, confirmed=True))
        if role is Role.COORDINATOR:
            coordinator = Membership.objects.get(user=user)
            mine = list(
                Trajectory.objects.visible_to(coordinator)
                .exclude(case_status__in=("closed", "closed_referred"))
                .order_by("pk")
                .values_list("pk", flat=True)[:20]
            )
            assert mine, "the seeded region has no open trajectory for the coordinator"
            Trajectory.objects.filter(pk__in=mine).update(coordinator=user)
            fixture["trajectories"] = [str(pk) for pk in mine]
            fixture["inbox"] = inbox_for(coordinator).count()
    identities = [decrypt_json(i.ciphertext) for i in Identity.objects.order_by("pk")[:50]]
    fixture["names"] = [
        (str(i.get("given_names") or "Anna"), str(i["family_name"]))
        for i in identities
        if i.get("family_name")
    ]
    fixture["set_adult"] = set_for(minor=False, form=ExploitationForm.LABOUR)
    return fixture


def coordinator_pages(fixture: dict[str, Any]) -> list[Page]:
    username, device = fixture["coordinator"]
    me = Session(username, fixture["password"], device)
    case = fixture["trajectories"][0]
    term = fixture["names"][0][1]
    event_url = f"/trajecten/{case}/gebeurtenis/vulnerability/"
    posted: dict[str, Any] = {}

    def fresh_event() -> None:
        token, text = me.token(event_url)
        version = VERSION.search(text)
        assert version is not None, "the event form has no version"
        posted.clear()
        posted.update(
            csrfmiddlewaretoken=token,
            version=version[1],
            occurred_at=dt.datetime.now().strftime("%Y-%m-%dT%H:%M"),
            factor="debt",
            note="Schulden bij meerdere schuldeisers; budgetcoach gevraagd.",
        )

    def search() -> None:
        token, _ = me.token("/trajecten/")
        posted.clear()
        posted.update(zoek=term, csrfmiddlewaretoken=token)

    return [
        Page("coordinator: home", lambda: me.get("/")),
        Page("case list", lambda: me.get("/trajecten/?pagina=3")),
        Page("case list: search", lambda: me.post("/trajecten/", posted, 200), search),
        Page("case file", lambda: me.get(f"/trajecten/{case}/")),
        Page("record event: form", lambda: me.get(event_url)),
        Page("record event", lambda: me.post(event_url, posted), fresh_event),
        Page("referral inbox", lambda: me.get("/trajecten/inbox/")),
    ]


def frontline_pages(fixture: dict[str, Any]) -> list[Page]:
    from schakel.engine.indicators import Dimension, Strength
    from schakel.web.signals.catalogue import current_catalogue

    username, device = fixture["frontline"]
    me = Session(username, fixture["password"], device)
    catalogue = current_catalogue()
    positive: dict[str, set[str]] = {}
    for part, dimension in zip(PARTS, (Dimension.D1, Dimension.D4, Dimension.D5), strict=True):
        of = [i for i in catalogue.indicators_of(fixture["set_adult"]) if i.dimension is dimension]
        strong = [i.id for i in of if i.strength is Strength.STRONG][:1]
        medium = [i.id for i in of if i.strength is Strength.MEDIUM]
        positive[part] = set(strong + medium[:1] if strong else medium[:3])
    posted: dict[str, Any] = {}
    referrals = iter(range(10**6))

    def who() -> None:
        token, _ = me.token("/signalen/check/")
        posted.clear()
        posted.update(WHO, csrfmiddlewaretoken=token)

    def answers(part: str) -> dict[str, Any]:
        token, text = me.token(f"/signalen/check/vragen/{part}/")
        names = set(PRESENT.findall(text))
        data = {n: ("present" if n in positive[part] else "absent") for n in names}
        return {**data, "csrfmiddlewaretoken": token}

    def first_part() -> None:
        who()
        me.post("/signalen/check/", posted)
        posted.clear()
        posted.update(answers("d1"))

    def whole_check() -> None:
        who()
        me.post("/signalen/check/", posted)
        for part in PARTS:
            me.post(f"/signalen/check/vragen/{part}/", answers(part))

    def referral() -> None:
        whole_check()
        token, _ = me.token("/signalen/verwijzen/")
        number = next(referrals)
        given, family = fixture["names"][number % len(fixture["names"])]
        posted.clear()
        posted.update(
            csrfmiddlewaretoken=token,
            given_names=given,
            family_name=family,
            date_of_birth_0="",
            date_of_birth_1=str(1 + number % 12),
            date_of_birth_2=str(1970 + number % 30),
            consent_given_on=dt.date.today().isoformat(),
            consent_source="verbal",
            consent_confirmed="on",
        )

    return [
        Page("frontline: home", lambda: me.get("/")),
        Page("signal referrals", lambda: me.get("/signalen/verwijzingen/")),
        Page("signal check: start", lambda: me.get("/signalen/check/")),
        Page("signal check: who", lambda: me.post("/signalen/check/", posted), who),
        Page("signal check: part", lambda: me.get("/signalen/check/vragen/d1/"), first_part),
        Page(
            "signal check: answers",
            lambda: me.post("/signalen/check/vragen/d1/", posted),
            first_part,
        ),
        Page("signal check: result", lambda: me.get("/signalen/check/resultaat/"), whole_check),
        Page("referral: form", lambda: me.get("/signalen/verwijzen/"), whole_check),
        Page("referral", lambda: me.post("/signalen/verwijzen/", posted), referral),
    ]


def profile(page: Page, repeat: int, lines: int, dump: str = "") -> None:
    """Where one page's CPU goes over `repeat` requests: own time, then cumulative. With
    `dump` a folder, the raw profile is also written there (for `python -m pstats`)."""
    profiler = cProfile.Profile()
    for _ in range(repeat):
        if page.prepare is not None:
            page.prepare()
        profiler.enable()
        page.request()
        profiler.disable()
    if dump:
        Path(dump).mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(str(Path(dump) / (re.sub(r"\W+", "-", page.name) + ".prof")))
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    print(f"\n== {page.name}: {repeat} requests, by own time")
    stats.sort_stats("tottime").print_stats(lines)
    print(f"== {page.name}: by cumulative time")
    stats.sort_stats("cumulative").print_stats(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30, help="requests per page (median)")
    parser.add_argument("--database-url", default="", help="an EMPTY database (else SQLite)")
    parser.add_argument("--profile", action="append", default=[], help="page name to profile")
    parser.add_argument("--sql", action="append", default=[], help="page name: print its SQL")
    parser.add_argument("--lines", type=int, default=35, help="rows of each profile")
    parser.add_argument("--dump", default="", help="folder: write each profile there too")
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.persons, args.repeat = 200, 3
    with tempfile.TemporaryDirectory() as folder:
        # Production settings over plain HTTP, as load_journeys.py serves them.
        configure(
            folder,
            database_url=args.database_url,
            SCHAKEL_DEMO="false",
            SCHAKEL_HTTPS="false",
            SCHAKEL_SECURE_COOKIES="false",
            SCHAKEL_STATIC_PREBUILT="true",
        )
        began = time.perf_counter()
        fixture = seed(args.persons, folder)
        if args.database_url:  # planner statistics, as autovacuum keeps them on a live database
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"seeded {args.persons:,} persons in {time.perf_counter() - began:.0f} s; "
            f"{fixture['inbox']} referrals wait in the coordinator's inbox"
        )
        pages = coordinator_pages(fixture) + frontline_pages(fixture)
        unknown = set(args.profile + args.sql) - {p.name for p in pages}
        if unknown:
            print(f"no such page: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(f"{database}; load average before timing: {load()}")
        print(f"{'page':<26} {'queries':>8} {'CPU ms':>7} {'wall ms':>8}")
        medians = []
        for page in pages:
            page.run()  # warm: templates compiled, caches filled
            queries = page.queries()
            runs = [page.run() for _ in range(args.repeat)]
            cpu = statistics.median(c for c, _ in runs)
            wall = statistics.median(w for _, w in runs)
            medians.append(cpu)
            print(f"{page.name:<26} {queries:>8} {cpu:>7.1f} {wall:>8.1f}", flush=True)
        print(f"{'mean of the pages':<26} {'':>8} {statistics.mean(medians):>7.1f}")
        print(f"load average after timing: {load()} (CPU ms per request, not a load test)")
        for page in pages:
            if page.name in args.sql:
                print(f"\n== {page.name}: the statements of one request")
                for number, sql in enumerate(page.statements(), 1):
                    print(f"{number:>3} {sql[:300]}")
            if page.name in args.profile:
                profile(page, args.repeat, args.lines, args.dump)
    return 0


if __name__ == "__main__":
    sys.exit(main())
