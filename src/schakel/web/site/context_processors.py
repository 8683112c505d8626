from __future__ import annotations

from django.http import HttpRequest

from schakel.web.organisations.acting import acting_membership, memberships_of
from schakel.web.organisations.roles import Capability, has

NAVIGATION = {
    "nav_records": Capability.VIEW_RECORDS,
    "nav_audit": Capability.VIEW_AUDIT,
    "nav_inbox": Capability.ANSWER_REFERRALS,
    "nav_returns": Capability.REVIEW_RETURNS,
    "nav_monitor": Capability.VIEW_MONITOR,
    "nav_consult": Capability.CONSULT,
    "nav_editor": Capability.EDIT_KNOWLEDGE,
    "nav_coverage": Capability.VIEW_TRAINING_COVERAGE,
    "nav_team": Capability.MANAGE_TEAM,
    "nav_manage": Capability.MANAGE_ORGANISATIONS,
    "nav_review": Capability.REVIEW_ACCESS,
    "nav_quality": Capability.VIEW_DATA_QUALITY,
    "nav_linkage": Capability.RUN_LINKAGE,
}
"""Which menu item shows for which capability: a link shows exactly when its page opens."""


def membership(request: HttpRequest) -> dict[str, object]:
    if not request.user.is_authenticated:
        return {}
    acting = acting_membership(request)
    context: dict[str, object] = {"acting": acting, "memberships": memberships_of(request)}
    context.update({name: has(acting, capability) for name, capability in NAVIGATION.items()})
    return context


def menu(request: HttpRequest) -> dict[str, object]:
    """The grouped main menu (site/navigation.py) for the signed-in user."""
    if not request.user.is_authenticated:
        return {}
    from schakel.web.site.navigation import menu_for

    return {"menu": menu_for(acting_membership(request), request.path)}
