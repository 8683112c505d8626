"""The locust users of `load_journeys.py`: coordinators and frontline professionals.

Imported by locust only (`load_journeys.py` passes itself as the locustfile, and imports this
file when locust loads it). Each user signs in with its own account as in production (no demo
one-step sign-in): user name and password, then a TOTP code from its own authenticator key
(both roles see identities, so both need the second factor). The accounts, trajectories and
search terms come from the JSON file named in LOAD_FIXTURE, written by `load_journeys.py`.
The users are locust's `FastHttpUser` (geventhttpclient): the load generator shares the two
cores with the server under test, and this client costs several times less CPU per request
than the `requests`-based `HttpUser`; in production the clients are other machines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from typing import Any

from locust import FastHttpUser, between, task

from schakel.engine.indicators import Dimension, Strength, load_catalogue

FIXTURE: dict[str, Any] = json.loads(open(os.environ["LOAD_FIXTURE"]).read())  # noqa: SIM115
# "page": the user thinks 1-2 s after every page, as a person reads a page or fills in a form
# before the next one (still far quicker than people at work: a part of the signal check has
# ten to thirty questions); "journey": 1-2 s between journeys only, the pages of a journey
# back to back (a stress test: a whole signal check and referral in a few hundred ms).
THINK = os.environ.get("LOAD_THINK", "page")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
CATALOGUE = load_catalogue()
WHO = {
    "age": "adult",
    "form": "labour",
    "role": "youth_care",
    "region": "rotterdam",
    "foreign_national": "yes",
    "domestic_setting": "unknown",
}
_coordinators = itertools.count()
_frontline = itertools.count()
_referred = itertools.count()
_addresses = itertools.count(1)


def totp_code(key_hex: str, at: float | None = None) -> str:
    """RFC 6238 with django-otp's TOTPDevice defaults (SHA-1, 30 s, 6 digits)."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def positive(set_id: str, dimension: Dimension) -> list[str]:
    """Indicators that make a dimension positive: one strong and one medium, or three medium."""
    of = [i for i in CATALOGUE.indicators_of(set_id) if i.dimension is dimension]
    strong = [i.id for i in of if i.strength is Strength.STRONG][:1]
    medium = [i.id for i in of if i.strength is Strength.MEDIUM]
    return strong + medium[:1] if strong else medium[:3]


class Journeys(FastHttpUser):
    abstract = True
    wait_time = between(1, 2)
    account: dict[str, Any]
    address: dict[str, str]

    def think(self) -> None:
        """Between the pages of a journey: read or fill in the page first (LOAD_THINK=page)."""
        if THINK == "page":
            self.wait()

    def csrf(self, url: str, name: str) -> tuple[str, str]:
        """GET a form page; its CSRF token and its text."""
        with self.client.get(url, name=name, headers=self.address, catch_response=True) as page:
            found = CSRF.search(page.text)
            sent_back = "/inloggen/" in page.url and not url.startswith("/inloggen/")
            if page.status_code != 200 or found is None or sent_back:
                page.failure(f"{page.status_code} {page.url}: not the form")
                return "", page.text
        self.think()
        return found[1], page.text

    def post(self, url: str, name: str, data: dict[str, Any], expect: int = 302) -> Any:
        with self.client.post(
            url,
            data=data,
            name=name,
            headers=self.address,
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != expect:
                r.failure(f"{r.status_code} (expected {expect}): {r.text[:300]!r}")
            return r

    def on_start(self) -> None:
        # Each simulated professional works from an address of their own, as behind the
        # container's reverse proxy (the server runs with SCHAKEL_PROXY_COUNT=1): the sign-in
        # pages are limited per address for callers who are not signed in yet.
        self.address = {"X-Forwarded-For": f"10.{next(_addresses) % 250}.0.1"}
        token, _ = self.csrf("/inloggen/", "sign-in page")
        credentials = {"username": self.account["username"], "password": FIXTURE["password"]}
        self.post("/inloggen/", "sign-in", {**credentials, "csrfmiddlewaretoken": token})
        # Every role here sees identities: the first page after the password asks the code.
        token, _ = self.csrf("/inloggen/tweede-stap/?next=/", "sign-in: second factor page")
        data = {"token": totp_code(self.account["totp"]), "next": "/", "csrfmiddlewaretoken": token}
        self.post("/inloggen/tweede-stap/", "sign-in: second factor", data)

    def page(self, url: str, name: str, *, more: bool = False) -> None:
        """GET a page; `more`: the journey goes on from it (think before the next page)."""
        with self.client.get(url, name=name, headers=self.address, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
            elif "/inloggen/" in r.url:
                r.failure("sent back to sign-in")
        if more:
            self.think()


class Coordinator(Journeys):
    weight = 1

    def on_start(self) -> None:
        accounts = FIXTURE["coordinators"]
        self.account = accounts[next(_coordinators) % len(accounts)]
        super().on_start()

    @task(2)
    def home(self) -> None:
        self.page("/", "home")

    @task(2)
    def case_list(self) -> None:
        self.page(f"/trajecten/?pagina={random.randint(1, 5)}", "case list")

    @task(2)
    def search(self) -> None:
        token, _ = self.csrf("/trajecten/", "case list")
        term = random.choice(FIXTURE["terms"])
        self.post(
            "/trajecten/", "case list: search", {"zoek": term, "csrfmiddlewaretoken": token}, 200
        )

    @task(4)
    def case_file(self) -> None:
        self.page(f"/trajecten/{random.choice(self.account['trajectories'])}/", "case file")

    @task(1)
    def record_event(self) -> None:
        pk = random.choice(self.account["trajectories"])
        url = f"/trajecten/{pk}/gebeurtenis/vulnerability/"
        token, text = self.csrf(url, "record event: form")
        version = VERSION.search(text)
        if not token or version is None:
            return
        data = {
            "csrfmiddlewaretoken": token,
            "version": version[1],
            "occurred_at": dt.datetime.now().strftime("%Y-%m-%dT%H:%M"),
            "factor": "debt",
            "note": "Schulden bij meerdere schuldeisers; budgetcoach gevraagd.",
        }
        self.post(url, "record event", data)

    @task(1)
    def referral_inbox(self) -> None:
        self.page("/trajecten/inbox/", "referral inbox")


class Frontline(Journeys):
    weight = 1

    def on_start(self) -> None:
        accounts = FIXTURE["frontline"]
        self.account = accounts[next(_frontline) % len(accounts)]
        super().on_start()

    @task(2)
    def home(self) -> None:
        self.page("/", "home")

    @task(1)
    def referrals(self) -> None:
        self.page("/signalen/verwijzingen/", "signal referrals")

    @task(2)
    def signal_check_and_referral(self) -> None:
        """The whole check (who, two parts, the result), then the referral with consent."""
        token, _ = self.csrf("/signalen/check/", "signal check: start")
        self.post("/signalen/check/", "signal check: who", {**WHO, "csrfmiddlewaretoken": token})
        set_id = FIXTURE["set_adult"]
        for part, dimension in (("d1", Dimension.D1), ("d4", Dimension.D4), ("d5", Dimension.D5)):
            url = f"/signalen/check/vragen/{part}/"
            token, text = self.csrf(url, "signal check: part")
            names = set(re.findall(r'name="([a-z0-9_.-]+)" value="present"', text))
            present = set(positive(set_id, dimension))
            data = {n: ("present" if n in present else "absent") for n in names}
            self.post(url, "signal check: answers", {**data, "csrfmiddlewaretoken": token})
        self.page("/signalen/check/resultaat/", "signal check: result", more=True)
        token, _ = self.csrf("/signalen/verwijzen/", "referral: form")
        number = next(_referred)
        data = {
            "csrfmiddlewaretoken": token,
            "given_names": random.choice(FIXTURE["given_names"]),
            "family_name": random.choice(FIXTURE["family_names"]),
            # the three boxes of the form (day left empty: month and year known)
            "date_of_birth_0": "",
            "date_of_birth_1": str(1 + number % 12),
            "date_of_birth_2": str(1970 + number % 30),
            "consent_given_on": dt.date.today().isoformat(),
            "consent_source": "verbal",
            "consent_confirmed": "on",
        }
        self.post("/signalen/verwijzen/", "referral", data)


__all__ = ["Coordinator", "Frontline", "totp_code"]
