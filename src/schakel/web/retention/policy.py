"""How long each kind of record is kept, and why: the one table (docs/retention.md shows it).

The periods are this installation's defaults. An organisation confirms them in its DPIA and
its processing register; where a sector law gives a longer period for the same record (e.g.
the Jeugdwet or Wgbo for a care file kept there), that file is kept in the organisation's own
system, not here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from schakel.web.audit.periods import RETENTION_DAYS as AUDIT_DAYS


class Kind(StrEnum):
    CLOSED_TRAJECTORY = "closed_trajectory"
    CONSULTATION = "consultation"
    REFERRAL = "referral"
    AUDIT = "audit"
    LINKAGE_FILE = "linkage_file"
    MONITOR_RELEASE = "monitor_release"


@dataclass(frozen=True)
class Period:
    kind: Kind
    label: Promise
    days: int
    counted_from: Promise
    basis: Promise
    what_happens: Promise
    applied: bool
    """The retention job acts on it (False: kept by law or by others; see `what_happens`)."""

    def cutoff(self, today: dt.date) -> dt.date:
        return today - dt.timedelta(days=self.days)

    @property
    def years(self) -> int:
        return self.days // YEAR


YEAR = 365

PERIODS: dict[Kind, Period] = {
    Kind.CLOSED_TRAJECTORY: Period(
        Kind.CLOSED_TRAJECTORY,
        _("Closed trajectories (identity and free text of the person)"),
        7 * YEAR,
        _("the last closure of every trajectory of the person"),
        _(
            "GDPR art. 5(1)(e) storage limitation; Archiefwet 1995 with the Selectielijst "
            "gemeenten (care and support files: destroy 7 years after the case ended)."
        ),
        _(
            "The person's data key is destroyed: name, date of birth, identifiers and every "
            "note become unreadable, also in backups. The coded events stay, without a name, "
            "for the effectiveness monitor (GDPR art. 89 statistics)."
        ),
        True,
    ),
    Kind.REFERRAL: Period(
        Kind.REFERRAL,
        _("Referrals and their reasons"),
        7 * YEAR,
        _("the closure of the trajectory"),
        _("Part of the trajectory's file: the same period and basis."),
        _("The reasons are sealed with the person's data key and erased with the trajectory."),
        True,
    ),
    Kind.CONSULTATION: Period(
        Kind.CONSULTATION,
        _("Anonymous consultations (question and answer)"),
        2 * YEAR,
        _("the answer, or the question when it was never answered"),
        _(
            "GDPR art. 5(1)(e): needed only to follow up the advice; no file obligation "
            "applies to advice without a person's name."
        ),
        _("The consultation's data key is destroyed: question and answer become unreadable."),
        True,
    ),
    Kind.AUDIT: Period(
        Kind.AUDIT,
        _("Audit trail"),
        AUDIT_DAYS,  # declared in the audit app, which checks it when the chain is pruned
        _("the entry"),
        _(
            "GDPR art. 5(2) and 32 accountability; NEN 7513 (logging of access to personal "
            "data) for as long as the file itself is kept."
        ),
        _(
            "Not removed by the job: entries hold no names or notes, only pseudonymous "
            "references, and the hash chain must stay whole. The operator removes entries past "
            "the period in a separate step that archives them, signed, and keeps the rest of "
            "the chain verifiable."
        ),
        False,
    ),
    Kind.LINKAGE_FILE: Period(
        Kind.LINKAGE_FILE,
        _("Encoded linkage files in the data folder"),
        90,
        _("the file's last change"),
        _(
            "GDPR art. 5(1)(c) and (e): an encoded extract is needed only for the linkage "
            "run it was made for."
        ),
        _("The files under linkage/ in the data folder are deleted."),
        True,
    ),
    Kind.MONITOR_RELEASE: Period(
        Kind.MONITOR_RELEASE,
        _("Monitor releases (protected aggregate tables)"),
        5 * YEAR,
        _("the release"),
        _(
            "Aggregates without personal data after disclosure control; kept to compare "
            "years (Archiefwet: policy information)."
        ),
        _("Stored releases older than the period are deleted; the newest always stays."),
        True,
    ),
}
