"""What users are told: notices in the app, their choice per kind, and e-mail waiting to go.

A notice holds a short sentence and a link inside Schakel, never a name, date of birth or note:
it is shown in the app and may be sent by e-mail, which leaves the platform's protection.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REFERRAL_ANSWERED = "referral_answered", _("A referral of yours was answered")
    CONSULTATION_ANSWERED = "consultation_answered", _("A consultation of yours was answered")
    CONSULTATION_REPLY = "consultation_reply", _("A reply in a consultation")
    TASKS_DUE = "tasks_due", _("Tasks overdue or due within a week")
    ARTICLE_REVIEW = "article_review", _("An article is due for review")
    CATALOGUE_PUBLISHED = "catalogue_published", _("A new indicator catalogue was published")
    CONTENT_REVIEW = "content_review", _("An article waits for approval, or yours was reviewed")
    RETURN_CONFIRMED = "return_confirmed", _("Linkage found a return to exploitation")


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("E-mail immediately")
    DAILY = "daily", _("In the daily e-mail")
    OFF = "off", _("Only in Schakel, no e-mail")


DEFAULT_DELIVERY = {
    Kind.REFERRAL_ANSWERED: Delivery.IMMEDIATELY,
    Kind.CONSULTATION_ANSWERED: Delivery.IMMEDIATELY,
    Kind.CONSULTATION_REPLY: Delivery.IMMEDIATELY,
    Kind.TASKS_DUE: Delivery.DAILY,
    Kind.ARTICLE_REVIEW: Delivery.DAILY,
    Kind.CATALOGUE_PUBLISHED: Delivery.DAILY,
    Kind.CONTENT_REVIEW: Delivery.IMMEDIATELY,
    Kind.RETURN_CONFIRMED: Delivery.IMMEDIATELY,
}


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    text = models.CharField(_("message"), max_length=300)
    url = models.CharField(max_length=300, blank=True)  # a path inside Schakel
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    # When it went out by e-mail (alone or in a daily e-mail); null: not (yet) mailed.
    mailed_at = models.DateTimeField(null=True, blank=True)
    # Set while a daily e-mail should still take it along.
    awaits_digest = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
            models.Index(
                fields=["awaits_digest"],
                name="notification_digest",
                condition=models.Q(awaits_digest=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d}"


class Preference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"


class OutgoingEmail(models.Model):
    """One e-mail for one user; the send job delivers it once, retrying after a failure."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A sender holds it until then; after that (a lost worker, a failure) it may be tried again.
    held_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)  # the error's class, no content

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outgoing_email_unsent",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"e-mail {self.created_at:%Y-%m-%d %H:%M}"
