from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.selectors import verify_chain
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability


@require_capability(Capability.VIEW_AUDIT)
def audit_log(request: HttpRequest, acting: Membership) -> HttpResponse:
    """Supervisors see the trail of their own organisation, newest first."""
    entries = (
        AuditEntry.objects.filter(organisation_id=acting.organisation_id)
        .select_related("organisation")
        .order_by("-sequence")
    )
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    report = verify_chain() if request.GET.get("verify") else None
    return render(request, "audit/log.html", {"page": page, "report": report})
