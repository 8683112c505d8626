"""The demo's writes: seed a synthetic region, the sample content, one account per role.

The seed writes in bulk inside one transaction: a failure leaves nothing behind. Every person
and trajectory it creates gets an audit entry like any other write of personal data.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import translation

from schakel.engine.synth import RegionParameters, generate_region, write_ground_truth
from schakel.engine.vocabulary import OrganisationType, Region, Role
from schakel.web.core.labels import LABELS
from schakel.web.demo.bulk import cycle_collector_paused
from schakel.web.demo.seeding import SYSTEM, DatabaseNotEmpty, RegionLoader, SeedReport
from schakel.web.knowledge.service import do_load_seed_articles
from schakel.web.organisations.models import Membership, Organisation, User
from schakel.web.socialmap.service import do_seed_social_map
from schakel.web.training.service import do_seed_training_register
from schakel.web.trajectories.models import Person


def do_seed_region(
    params: RegionParameters, *, ground_truth: Path | None = None, only_if_empty: bool = False
) -> SeedReport:
    if Organisation.objects.exists() or Person.objects.exists():
        if only_if_empty:
            return SeedReport(seeded=False)
        raise DatabaseNotEmpty(
            "The database already holds organisations or persons; seed an empty database "
            "(or use --if-empty to skip)."
        )
    started = time.perf_counter()
    region = generate_region(params)
    with transaction.atomic(), cycle_collector_paused():
        loader = RegionLoader(region)
        loader.load()
    if ground_truth is not None:
        write_ground_truth(region, ground_truth)
    return SeedReport(
        seeded=True,
        organisations=len(region.organisations),
        professionals=len(region.professionals),
        persons=len(region.identity_records),
        trajectories=len(region.trajectories),
        events=sum(len(t.events) for t in region.trajectories),
        seconds=time.perf_counter() - started,
        ground_truth=ground_truth,
    )


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    organisation: str

    @property
    def role_label(self) -> str:
        return f"{self.role.value} at {self.organisation}"


DEMO_ROLES: tuple[tuple[str, Role, OrganisationType], ...] = (
    ("frontline", Role.FRONTLINE, OrganisationType.YOUTH_CARE),
    ("coordinator", Role.COORDINATOR, OrganisationType.CARE_COORDINATION),
    ("analyst", Role.ANALYST, OrganisationType.NATIONAL_COORDINATION_CENTRE),
    ("supervisor", Role.SUPERVISOR, OrganisationType.CARE_COORDINATION),
    ("editor", Role.CONTENT_EDITOR, OrganisationType.NATIONAL_COORDINATION_CENTRE),
    ("admin", Role.ADMINISTRATOR, OrganisationType.NATIONAL_COORDINATION_CENTRE),
    ("steward", Role.DATA_STEWARD, OrganisationType.CARE_COORDINATION),
)
DEMO_REGION = Region.ROTTERDAM


def _demo_organisation(kind: OrganisationType) -> Organisation:
    regional = Organisation.objects.filter(type=kind.value, region=DEMO_REGION.value).first()
    found = regional or Organisation.objects.filter(type=kind.value).order_by("pk").first()
    if found is None:
        raise DatabaseNotEmpty(f"No organisation of type {kind.value} to attach a demo account to.")
    return found


def do_seed_knowledge() -> str:
    """Articles, the social map of every region and a training register, for the demo."""
    articles = do_load_seed_articles(actor=SYSTEM)
    services = do_seed_social_map(regions=[r.value for r in Region], actor=SYSTEM)
    records = do_seed_training_register(actor=SYSTEM)
    return (
        f"Knowledge base: {len(articles.created)} articles added; {services} social map "
        f"services; {records} training records."
    )


def do_create_demo_accounts(path: Path) -> list[DemoAccount]:
    """One account per role; passwords are generated once and kept in `path` (mode 600)."""
    known: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if line and not line.startswith("#"):
                username, _, password = line.partition(" ")
                known[username] = password.strip()
    accounts = []
    with transaction.atomic():
        for username, role, kind in DEMO_ROLES:
            organisation = _demo_organisation(kind)
            password = known.get(username) or secrets.token_urlsafe(12)
            with translation.override("nl"):  # the demo's pages greet in Dutch: "Demo Analist"
                names = {"first_name": "Demo", "last_name": str(LABELS[Role][role.value])}
            user, created = User.objects.get_or_create(username=username, defaults=names)
            if user.first_name == username.capitalize():  # an older demo's English name
                User.objects.filter(pk=user.pk).update(**names)
            if created or username not in known:
                user.set_password(password)
                user.save(update_fields=["password"])
            Membership.objects.get_or_create(
                user=user, organisation=organisation, role=role.value, ended_on=None
            )
            accounts.append(DemoAccount(username, password, role, organisation.name))
    lines = ["# Schakel demo accounts: username password (synthetic data only)"]
    lines += [f"{a.username} {a.password}" for a in accounts]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return accounts
