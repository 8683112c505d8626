"""The main menu: links grouped by kind of work, each shown exactly when its page opens.

A link names the capability its page requires (or None for pages open to everyone signed in);
`menu_for` keeps the groups with at least one link and marks the current section, the group
whose link matches the requested path best.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from schakel.web.core.urls import url_of
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, has


@dataclass(frozen=True)
class Link:
    url_name: str
    label: Promise
    capability: Capability | None = None
    badge: str = ""
    home_for: Capability | None = None
    """A page open to everyone that the home page still lists for the roles with this
    capability, since their work starts there (the signal check: who may consult on it)."""


@dataclass(frozen=True)
class Group:
    key: str
    label: Promise
    links: tuple[Link, ...]


@dataclass(frozen=True)
class MenuLink:
    url: str
    label: Promise
    current: bool
    badge: str = ""


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: Promise
    links: tuple[MenuLink, ...]
    current: bool


MENU: tuple[Group, ...] = (
    Group(
        "work",
        _("Work"),
        (
            Link("home", _("Overview")),
            Link("coordinator-dashboard", _("My work"), Capability.VIEW_RECORDS, "work"),
            Link("trajectory-list", _("Trajectories"), Capability.VIEW_RECORDS),
            Link("referral-inbox", _("Referrals"), Capability.ANSWER_REFERRALS, "referrals"),
            Link("return-candidates", _("Possible returns"), Capability.REVIEW_RETURNS, "returns"),
            Link("linkage-runs", _("Linkage runs"), Capability.RUN_LINKAGE),
            Link("signal-check", _("Signal check"), home_for=Capability.CONSULT),
            Link("signal-consultations", _("My consultations"), Capability.CONSULT),
            Link("signal-referrals", _("My referrals"), Capability.CONSULT),
            Link("signal-inbox", _("Consultations"), Capability.ANSWER_REFERRALS, "consultations"),
        ),
    ),
    Group(
        "knowledge",
        _("Knowledge"),
        (
            Link("knowledge-index", _("Knowledge base")),
            Link("socialmap-list", _("Social map")),
            Link("training-index", _("Training")),
            Link("knowledge-tasks", _("Editor's tasks"), Capability.EDIT_KNOWLEDGE),
            Link("signal-catalogue", _("Indicator catalogue"), Capability.EDIT_KNOWLEDGE),
        ),
    ),
    Group(
        "analysis",
        _("Analysis"),
        (
            Link("monitor:overview", _("Effectiveness monitor"), Capability.VIEW_MONITOR),
            Link("training-coverage", _("Training coverage"), Capability.VIEW_TRAINING_COVERAGE),
        ),
    ),
    Group(
        "management",
        _("Management"),
        (
            Link("team", _("Team"), Capability.MANAGE_TEAM),
            Link("audit-log", _("Audit trail"), Capability.VIEW_AUDIT),
            Link("quality-worklist", _("Data quality"), Capability.VIEW_DATA_QUALITY),
            Link("account-organisations", _("Administration"), Capability.MANAGE_ORGANISATIONS),
            Link("account-review", _("Access review"), Capability.REVIEW_ACCESS),
        ),
    ),
)


def menu_for(acting: Membership | None, path: str) -> list[MenuGroup]:
    """The groups and links this membership may open; the best match for `path` is current."""
    shown: list[tuple[Group, list[tuple[Link, str]]]] = []
    for group in MENU:
        links = []
        for link in group.links:
            if link.capability is not None and (acting is None or not has(acting, link.capability)):
                continue
            try:
                links.append((link, url_of(link.url_name)))
            except NoReverseMatch:  # an app that is not installed
                continue
        if links:
            shown.append((group, links))
    matches = [url for _, links in shown for _, url in links if _matches(path, url)]
    best = max(matches, key=len, default=None)
    return [
        MenuGroup(
            group.key,
            group.label,
            tuple(MenuLink(url, link.label, url == best, link.badge) for link, url in links),
            any(url == best for _, url in links),
        )
        for group, links in shown
    ]


def role_links(acting: Membership) -> list[MenuLink]:
    """The menu's pages this role has a capability for (those open to everyone left out, unless
    listed for the role's work): the home page lists them, so a role without worklist panels
    still starts somewhere."""
    links = []
    for group in MENU:
        for link in group.links:
            needed = link.capability or link.home_for
            if needed is None or not has(acting, needed):
                continue
            try:
                links.append(MenuLink(url_of(link.url_name), link.label, False, link.badge))
            except NoReverseMatch:  # an app that is not installed
                continue
    return links


def _matches(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
