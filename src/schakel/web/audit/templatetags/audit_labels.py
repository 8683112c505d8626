from __future__ import annotations

from django import template

from schakel.web.audit.labels import object_label, purpose_label
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.search import AuditPage

register = template.Library()

register.filter("object_label", object_label)
register.filter("purpose_label", purpose_label)


@register.filter
def subject_of(entry: AuditEntry, page: AuditPage) -> str:
    return page.subjects.get((entry.object_type, entry.object_id), "")
