"""Data keys: one Fernet key per subject (a person, a consultation), wrapped by the key ring.

Destroying a subject's data key is how its identity and free text are erased (crypto-shredding):
the ciphertext may stay in tables that refuse DELETE and in backups, and is unreadable without
the key. See docs/adr/0019-data-keys-and-crypto-shredding.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataKey(models.Model):
    subject = models.UUIDField(primary_key=True)
    wrapped = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("data key")
        verbose_name_plural = _("data keys")

    def __str__(self) -> str:
        return f"data key {self.subject}"
