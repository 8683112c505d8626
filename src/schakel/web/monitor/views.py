"""Monitor pages for analysts and supervisors: protected aggregates only, never identities."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from schakel.web.core.csv_files import csv_response
from schakel.web.monitor.forms import FilterForm
from schakel.web.monitor.publish import (
    TABLES,
    funnel_chart,
    incidence_chart,
    published_rows,
)
from schakel.web.monitor.tables import STRATA
from schakel.web.monitor.workbook import XLSX_TYPE, workbook_bytes
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability


@require_capability(Capability.VIEW_MONITOR)
def overview(request: HttpRequest, acting: Membership) -> HttpResponse:
    form = FilterForm(request.GET or None)
    monitor = form.monitor()
    tables = {name: published_rows(monitor, name) for name in TABLES}
    context = {
        "form": form,
        "monitor": monitor,
        "tables": tables,
        "funnel_chart": funnel_chart(monitor),
        "incidence_chart": incidence_chart(monitor),
        "query": request.GET.urlencode(),
        "stratum_label": STRATA.get(monitor.stratum, monitor.stratum),
    }
    return render(request, "monitor/overview.html", context)


@require_capability(Capability.VIEW_MONITOR)
def export_csv(request: HttpRequest, acting: Membership) -> HttpResponse:
    table = request.GET.get("table", "")
    if table not in TABLES:
        raise Http404
    form = FilterForm(request.GET)
    monitor = form.monitor()
    data = form.cleaned_data if form.is_valid() else {}
    described = zip(form.described(), form.fields, strict=True)
    chosen = [value for (_, value), name in described if data.get(name)]
    return csv_response(
        request, lambda: published_rows(monitor, table), stem=f"monitor-{table}", selection=chosen
    )


@require_capability(Capability.VIEW_MONITOR)
def export_xlsx(request: HttpRequest, acting: Membership) -> HttpResponse:
    """One table (`table=funnel` ...) or every table (`table=all`), each on its own sheet."""
    table = request.GET.get("table", "all")
    if table != "all" and table not in TABLES:
        raise Http404
    form = FilterForm(request.GET)
    chosen = TABLES if table == "all" else (table,)
    content = workbook_bytes(
        form.monitor(), chosen, filters=form.described(), generated_at=timezone.localtime()
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="monitor-{table}.xlsx"'
    return response
