"""The case list: search and filters over the trajectories the actor may see.

A name, BSN or V-number is never searched as text: the typed term becomes the same keyed
search tokens as the stored identities (`engine.duplicates.query_keys`, hashed with the
installation's secret), so the database holds and compares only tokens. A pseudonym is
searched as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.expressions import OrderBy
from django.utils import timezone

from schakel.engine.duplicates import query_keys
from schakel.engine.trajectories.events import EventType
from schakel.engine.vocabulary import ExploitationForm, Region, Stage
from schakel.web.core.crypto import search_token
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, has
from schakel.web.trajectories.models import (
    IdentityKey,
    Person,
    Trajectory,
    TrajectoryEvent,
    TrajectoryTask,
)

SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "nieuw": ("-opened_at", "pk"),
    "oud": ("opened_at", "pk"),
    "termijn": (F("next_due").asc(nulls_last=True), "-opened_at", "pk"),
    "pseudoniem": ("person__pseudonym", "pk"),
}
"""Sort orders by their (Dutch) URL value; the first is the default."""


@dataclass(frozen=True)
class Filters:
    search: str = ""
    coordinator: str = ""  # a user id, "me" or "none"
    stage: str = ""
    form: str = ""
    region: str = ""
    overdue: bool = False
    sort: str = "nieuw"

    @classmethod
    def read(cls, data: Mapping[str, str]) -> Filters:
        """The filters in a request's data; unknown values are left out."""
        stage = data.get("fase", "")
        form = data.get("vorm", "")
        region = data.get("regio", "")
        coordinator = data.get("coordinator", "")
        sort = data.get("sorteer", "")
        return cls(
            search=data.get("zoek", "").strip()[:100],
            coordinator=coordinator
            if coordinator in ("me", "none") or coordinator.isdigit()
            else "",
            stage=stage if stage in {s.value for s in Stage} else "",
            form=form if form in {f.value for f in ExploitationForm} else "",
            region=region if region in {r.value for r in Region} else "",
            overdue=data.get("te_laat") == "1",
            sort=sort if sort in SORTS else "nieuw",
        )

    @property
    def active(self) -> bool:
        return any(
            (self.search, self.coordinator, self.stage, self.form, self.region, self.overdue)
        )


def case_list(actor: Membership, filters: Filters) -> QuerySet[Trajectory]:
    rows: QuerySet[Trajectory] = Trajectory.objects.visible_to(actor)
    if filters.search:
        rows = _search(rows, filters.search, by_name=may_search_names(actor))
    if filters.coordinator == "me":
        rows = rows.filter(coordinator_id=actor.user_id)
    elif filters.coordinator == "none":
        rows = rows.filter(coordinator__isnull=True)
    elif filters.coordinator:
        rows = rows.filter(coordinator_id=int(filters.coordinator))
    if filters.stage:
        rows = rows.filter(stage=filters.stage)
    if filters.region:
        rows = rows.filter(organisation__region=filters.region)
    if filters.form:
        episodes = TrajectoryEvent.objects.filter(
            trajectory=OuterRef("pk"),
            event_type=EventType.EXPLOITATION_EPISODE,
            payload__form=filters.form,
            superseded_by__isnull=True,
        )
        rows = rows.filter(Exists(episodes))
    if filters.overdue:
        late = TrajectoryTask.objects.filter(
            trajectory=OuterRef("pk"), due_on__lt=timezone.localdate()
        )
        rows = rows.filter(Exists(late))
    if filters.sort == "termijn":
        # The first entry of the (trajectory, due on) index per shown row, not a GROUP BY
        # over every task of every visible trajectory.
        first = TrajectoryTask.objects.filter(trajectory=OuterRef("pk")).order_by("due_on")
        rows = rows.annotate(next_due=Subquery(first.values("due_on")[:1]))
    return rows.select_related("person", "organisation", "coordinator").order_by(
        *SORTS[filters.sort]
    )


def may_search_names(actor: Membership) -> bool:
    """A name, BSN or V-number finds a person only for a role that may see who people are: to
    anyone else a hit would say who is in a case file. They search by pseudonym."""
    return has(actor, Capability.VIEW_IDENTITY)


def _search(rows: QuerySet[Trajectory], text: str, *, by_name: bool) -> QuerySet[Trajectory]:
    """Trajectories of the persons the term names: by pseudonym, or (`by_name`) by every part
    of a name or number matching one of the person's search tokens. The persons come first
    from their indexes (a handful), so the database never tests a token against each visible
    trajectory."""
    persons: QuerySet[Any] = Person.objects.filter(pseudonym=text.upper()).values_list(
        "pk", flat=True
    )
    parts = query_keys(text) if by_name else []
    if parts:
        named = IdentityKey.objects.all()
        for keys in parts:
            tokens = [search_token(key) for key in keys]
            named = named.filter(
                person__in=IdentityKey.objects.filter(token__in=tokens).values("person")
            )
        persons = persons.union(named.values_list("person_id", flat=True))
    return rows.filter(person__in=list(persons))
