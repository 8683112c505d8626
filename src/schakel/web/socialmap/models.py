"""The social map: services per region, with contact details and what they take on."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from schakel.engine.vocabulary import ExploitationForm, Region
from schakel.web.core.labels import choices
from schakel.web.socialmap.querysets import ServiceQuerySet


class ServiceKind(models.TextChoices):
    CARE_COORDINATOR = "care_coordinator", _("Care coordinator")
    SHELTER = "shelter", _("Shelter")
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
    POLICE = "police", _("Police")
    LABOUR_INSPECTORATE = "labour_inspectorate", _("Labour Inspectorate")
    MUNICIPAL_CONTACT = "municipal_contact", _("Municipal contact person (aandachtsfunctionaris)")
    SPECIALISED_CARE = "specialised_care", _("Specialised care")
    LEGAL_AID = "legal_aid", _("Legal aid")
    RESIDENTIAL_FACILITY = "residential_facility", _("Residential facility")
    OTHER = "other", _("Other")


class TargetGroup(models.TextChoices):
    MINOR = "minor", _("Minors")
    ADULT = "adult", _("Adults")


FORM_CODES = frozenset(form.value for form in ExploitationForm)


PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()-]+$")
SHORT_NUMBER = re.compile(r"^(112|0[89]00\d{4,7}|140\d{2,3})$")  # 112, 0800-2000, 14 010
PHONE_MESSAGE = _(
    "Enter a Dutch phone number: digits, spaces, +, - and brackets, with at least 10 digits "
    "(such as 010-123 4567), or a short number such as 0800-2000, 112 or 14 010."
)


def is_dutch_phone(value: str) -> bool:
    """A phone number as people write it: digits with spaces, dashes, brackets and a leading
    +, of 10 to 15 digits, or one of the short numbers (112, 0800-/0900-, 14 + area code)."""
    text = value.strip()
    if not PHONE_CHARACTERS.match(text):
        return False
    digits = re.sub(r"\D", "", text)
    return 10 <= len(digits) <= 15 or bool(SHORT_NUMBER.match(digits))


class Service(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=ServiceKind.choices)
    region = models.CharField(_("region"), max_length=40, choices=choices(Region))
    description = models.TextField(_("what they do"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=300, blank=True)
    available_24_7 = models.BooleanField(_("available day and night"), default=False)
    forms = models.JSONField(
        _("forms of exploitation taken on"),
        default=list,
        blank=True,
        help_text=_("Leave empty when the service takes on every form."),
    )
    target_groups = models.JSONField(
        _("target groups"),
        default=list,
        blank=True,
        help_text=_("Leave empty when the service takes on minors and adults."),
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    contact_person_name = models.CharField(
        _("contact person for trafficking"), max_length=200, blank=True
    )
    contact_person_phone = models.CharField(_("contact person's phone"), max_length=40, blank=True)
    contact_person_email = models.EmailField(_("contact person's email"), blank=True)
    maintained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("maintained by"),
        help_text=_("Who keeps this entry current; moves at a handover."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_public = models.BooleanField(
        _("readable without an account"),
        default=False,
        help_text=_("Anyone may open this entry's page, without its contact person."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = pgettext_lazy("social map", "services")
        ordering = ["region", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "region",
                name="service_unique_name_region",
                violation_error_message=_(
                    "The social map already has a service with this name in this region."
                ),
            ),
        ]
        indexes = [models.Index(fields=["region", "kind"], name="service_region_kind")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list[object]] = {}
        if self.kind == ServiceKind.RESIDENTIAL_FACILITY and not self.contact_person_name.strip():
            errors.setdefault("contact_person_name", []).append(
                _("A residential facility must name its contact person for trafficking.")
            )
        if not any((self.phone, self.email, self.website, self.address)):
            errors.setdefault("phone", []).append(
                _("Give at least one way to reach the service: phone, email, website or address.")
            )
        for name in ("phone", "contact_person_phone"):
            if getattr(self, name) and not is_dutch_phone(getattr(self, name)):
                errors.setdefault(name, []).append(PHONE_MESSAGE)
        if not isinstance(self.forms, list) or not set(self.forms) <= FORM_CODES:
            errors.setdefault("forms", []).append(_("Unknown form of exploitation."))
        if not isinstance(self.target_groups, list) or not set(self.target_groups) <= set(
            TargetGroup.values
        ):
            errors.setdefault("target_groups", []).append(_("Unknown target group."))
        if not isinstance(self.tags, list) or not all(isinstance(t, str) for t in self.tags):
            errors.setdefault("tags", []).append(_("Tags must be a list of words."))
        if errors:
            raise ValidationError(errors)

    @property
    def reachable(self) -> bool:
        """Whether the entry names a way to reach the service (editors see a flag if not)."""
        return any((self.phone, self.email, self.website, self.address))

    def takes_on(self, *, form: str | None, minor: bool | None) -> bool:
        """Whether the service takes on this situation (an empty list means: all of them)."""
        if form is not None and self.forms and form not in self.forms:
            return False
        if minor is not None and self.target_groups:
            return (TargetGroup.MINOR if minor else TargetGroup.ADULT) in self.target_groups
        return True
