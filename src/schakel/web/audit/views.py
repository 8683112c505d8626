from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.web.audit.actions import do_export_audit_lines, do_record_page_read
from schakel.web.audit.forms import AuditFilterForm
from schakel.web.audit.search import page_of
from schakel.web.audit.tasks import verify_audit_trail
from schakel.web.jobs.models import Job
from schakel.web.jobs.service import do_enqueue_job
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.organisations.roles import Capability, has


def _scope(acting: Membership) -> QuerySet[Organisation]:
    """Supervisors read their own organisation's lines; administrators those of the
    organisations they manage (their own included)."""
    if has(acting, Capability.MANAGE_ORGANISATIONS):
        return Organisation.objects.manageable_by(acting)
    return Organisation.objects.filter(pk=acting.organisation_id)


def _before(request: HttpRequest) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() else None


@require_capability(Capability.VIEW_AUDIT)
def audit_log(request: HttpRequest, acting: Membership) -> HttpResponse:
    """The trail of the reader's organisations, newest first, filtered and paged by keyset."""
    if request.method == "POST" and "verify" in request.POST:
        # Verifying the whole chain takes ~47 µs per entry: a job, never the request.
        job = do_enqueue_job(actor=acting, task=verify_audit_trail, arguments={"full": True})
        return redirect("job-progress", pk=job.pk)
    form = AuditFilterForm(request.GET or None, scope=_scope(acting))
    page = page_of(form.selection(), before=_before(request))
    do_record_page_read(
        actor=acting,
        object_type="audit_trail",
        page="audit trail",
        purpose="read audit trail",
        subjects={
            "entries": [e.sequence for e in page.entries],
            "persons": page.subjects.values(),
        },
    )
    query = request.GET.copy()
    query.pop("before", None)
    last = (
        Job.objects.filter(name="audit.verify", state=Job.State.SUCCEEDED)
        .order_by("-finished_at")
        .first()
    )
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "export_fields": [(k, v) for k, v in query.items() if v],
        "filtered": bool(form.is_bound and form.selection().described),
        "last_verification": last,
    }
    return render(request, "audit/log.html", context)


@require_POST
@require_capability(Capability.VIEW_AUDIT)
def audit_export(request: HttpRequest, acting: Membership) -> HttpResponse:
    """The selection as a file (the export is itself audited)."""
    form = AuditFilterForm(request.POST, scope=_scope(acting))
    file_format = "xlsx" if request.POST.get("format") == "xlsx" else "csv"
    if not form.is_valid():
        messages.error(request, _("The selection has errors; correct them first."))
        return redirect("audit-log")
    selection = form.selection()
    try:
        content, _count = do_export_audit_lines(
            actor=acting, selection=selection, file_format=file_format
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("audit-log")
    parts = [_("audit-trail")]
    if form.cleaned_data.get("person"):
        parts.append(form.cleaned_data["person"].strip())
    parts.append(timezone.localdate().isoformat())
    kind = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if file_format == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = HttpResponse(content, content_type=kind)
    name = "-".join(parts) + "." + file_format
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
