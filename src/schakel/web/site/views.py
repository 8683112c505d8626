from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from schakel.web.accounts.service import access_summary
from schakel.web.organisations.acting import SESSION_KEY, acting_membership, memberships_of
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, has
from schakel.web.site.navigation import role_links
from schakel.web.site.panels import badges, panels_for
from schakel.web.trajectories.service import QUALITY_CHECKS, quality_counts


def home(request: HttpRequest) -> HttpResponse:
    """What needs doing now for the acting role: a panel per kind of work."""
    membership = acting_membership(request)
    context: dict[str, object] = {
        "panels": panels_for(membership) if membership is not None else [],
        "role_links": role_links(membership) if membership is not None else [],
    }
    context.update(_panels(membership))
    return render(request, "site/home.html", context)


def _panels(membership: Membership | None) -> dict[str, object]:
    """The supervisor's and administrator's panels: data quality and access (issue 17).

    The data-quality counts are the supervisor's (issue 17: "counts on the supervisor's home
    page"). A coordinator's home shows her own work; the organisation's worklist is one menu
    item away, and counting every check on each visit cost a second at 10,000 trajectories
    (benchmarks/coordinator_pages.py)."""
    panels: dict[str, object] = {}
    if (
        membership is not None
        and has(membership, Capability.VIEW_DATA_QUALITY)
        and not has(membership, Capability.COORDINATE_TRAJECTORIES)
    ):
        counts = quality_counts(membership)
        panels["quality"] = [(code, QUALITY_CHECKS[code], n) for code, n in counts.items()]
        panels["quality_total"] = sum(counts.values())
    if membership is not None and has(membership, Capability.REVIEW_ACCESS):
        panels["access"] = access_summary(membership)
    return panels


def nav_badges(request: HttpRequest) -> HttpResponse:
    """The counts beside the menu items, swapped in after the page loaded (htmx)."""
    membership = acting_membership(request)
    counts = badges(membership) if membership is not None else {}
    return render(request, "site/_badges.html", {"counts": counts})


@require_POST
def switch_membership(request: HttpRequest) -> HttpResponse:
    chosen = request.POST.get("membership", "")
    membership = next((m for m in memberships_of(request) if str(m.pk) == chosen), None)
    if membership is None:
        raise PermissionDenied
    request.session[SESSION_KEY] = membership.pk
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "home"
    return redirect(target)
