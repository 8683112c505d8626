"""Organisations, the people who use Schakel, and the role each holds in an organisation."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.engine.vocabulary import OrganisationType, Region, Role
from schakel.web.core.labels import choices
from schakel.web.organisations.roles import Capability, roles_with


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def manageable_by(self, membership: Membership) -> OrganisationQuerySet:
        """The organisations `membership` administers: every one for an installation
        administrator (`User.is_superuser`, made by `schakel admin create`), else those of the
        membership's own region. Capability (`manage_organisations`) is checked separately."""
        if membership.user.is_superuser:
            return self.all()
        return self.filter(region=membership.organisation.region)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=40, choices=choices(OrganisationType))
    region = models.CharField(_("region"), max_length=40, choices=choices(Region))
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "region"], name="organisation_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A professional who signs in. Roles come from memberships, not from the user."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(ended_on__isnull=True, organisation__is_active=True)

    def with_role(self, *roles: Role) -> MembershipQuerySet:
        return self.filter(role__in=[r.value for r in roles])

    def with_capability(self, capability: Capability) -> MembershipQuerySet:
        """Memberships whose role has `capability` (flags such as consent override aside)."""
        return self.with_role(*roles_with(capability))


class Membership(models.Model):
    """One role of one user in one organisation; a user may hold several."""

    user = models.ForeignKey(User, models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=choices(Role))
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    reviewed_on = models.DateField(_("last confirmed on"), null=True, blank=True)
    may_override_consent = models.BooleanField(
        _("may refer without consent"),
        default=False,
        help_text=_("For acute danger or a legal duty; every use is logged."),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(ended_on__isnull=True),
                name="membership_unique_active_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.organisation}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None and self.organisation.is_active
