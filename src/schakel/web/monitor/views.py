"""Monitor pages for analysts and supervisors: the latest stored release, never computed here.

A view reads the newest release (two queries); when none exists yet it queues one and says
so. Refreshing is a job (`tasks.release_monitor`) the analyst can start and follow.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.web.core.csv_files import csv_response, file_name
from schakel.web.monitor.actions import do_request_release, running_release_job
from schakel.web.monitor.breakdowns import page_tables
from schakel.web.monitor.curves import legend_keys
from schakel.web.monitor.flow_picture import flow_chart, flow_keys
from schakel.web.monitor.forms import FilterForm
from schakel.web.monitor.pictures import (
    after_exit_chart,
    after_exit_legend,
    after_exit_rows,
    after_exit_sentence,
    hidden_points,
    incidence_panels,
    incidence_sentences,
)
from schakel.web.monitor.publish import TABLES, funnel_chart, noised_rows, published_rows
from schakel.web.monitor.selectors import Published, published_monitor
from schakel.web.monitor.stored import latest_release, published_cohorts
from schakel.web.monitor.tables import STRATA
from schakel.web.monitor.workbook import TABLE_TITLES, XLSX_TYPE, workbook_bytes
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability


def _chosen(request: HttpRequest) -> tuple[FilterForm, Published]:
    """The filters as asked (a cohort year among those the release publishes) and the
    selection they choose."""
    release = latest_release()
    form = FilterForm(request.GET or None, cohorts=published_cohorts(release))
    if release is None:
        return form, Published(None, None)
    return form, published_monitor(form.filters(), stratum=form.chosen_stratum(), release=release)


@require_capability(Capability.VIEW_MONITOR)
def overview(request: HttpRequest, acting: Membership) -> HttpResponse:
    form, published = _chosen(request)
    job = running_release_job()
    if published.release is None and job is None:
        job = do_request_release(actor=acting)
    context: dict[str, object] = {
        "form": form,
        "release": published.release,
        "monitor": published.monitor,
        "job": job,
        "job_is_mine": job is not None and job.started_by_id == acting.pk,
        "query": request.GET.urlencode(),
    }
    monitor = published.monitor
    if monitor is not None:
        context |= {
            "tables": {name: published_rows(monitor, name, display=True) for name in TABLES},
            "funnel_chart": funnel_chart(monitor),
            "incidence_panels": incidence_panels(monitor),
            "incidence_sentences": incidence_sentences(monitor),
            "hidden_points": hidden_points(monitor),
            "curve_keys": legend_keys(),
            "after_exit": after_exit_rows(monitor),
            "after_exit_chart": after_exit_chart(monitor),
            "after_exit_legend": after_exit_legend(),
            "after_exit_sentence": after_exit_sentence(monitor),
            "stratum_label": STRATA.get(monitor.stratum, monitor.stratum),
            "noised": noised_rows(monitor) if len(monitor.noised) else None,
            **_budget_texts(monitor.noised_budget),
            "where": page_tables(monitor.breakdowns, monitor.k),
            "flow_chart": flow_chart(monitor),
            "flow_keys": flow_keys(),
        }
    return render(request, "monitor/overview.html", context)


@require_POST
@require_capability(Capability.VIEW_MONITOR)
def refresh(request: HttpRequest, acting: Membership) -> HttpResponse:
    """Start a new release (or join the one under way) and follow its progress."""
    job = do_request_release(actor=acting)
    if job.started_by_id == acting.pk:
        return redirect("job-progress", job.pk)
    return redirect("monitor:overview")


def _overview_again(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('monitor:overview')}?{request.GET.urlencode()}")


@require_capability(Capability.VIEW_MONITOR)
def export_csv(request: HttpRequest, acting: Membership) -> HttpResponse:
    table = request.GET.get("table", "")
    if table not in TABLES:
        raise Http404
    form, published = _chosen(request)
    monitor = published.monitor
    if monitor is None:
        return _overview_again(request)
    return csv_response(
        request,
        lambda: published_rows(monitor, table),
        stem=_stem(table),
        selection=_selection(form, table),
    )


def _stem(table: str) -> str:
    """ "monitor-trechter" in Dutch, "monitor-funnel" in English; "all" is every table."""
    title = _("All tables") if table == "all" else TABLE_TITLES.get(table, table)
    return f"monitor-{title}"


def _selection(form: FilterForm, table: str) -> list[str]:
    """The labels of the chosen filters ("Arbeidsuitbuiting"), or "all" when none is; the
    stratum only where it changes the table (the incidence table, the whole workbook)."""
    data = form.cleaned_data if form.is_valid() else {}
    described = zip(form.described(), form.fields, strict=True)
    chosen = [
        value
        for (_label, value), name in described
        if data.get(name) and (name != "stratum" or table in ("incidence", "all"))
    ]
    return chosen or [_("All")]


@require_capability(Capability.VIEW_MONITOR)
def export_xlsx(request: HttpRequest, acting: Membership) -> HttpResponse:
    """One table (`table=funnel` ...) or every table (`table=all`), each on its own sheet."""
    table = request.GET.get("table", "all")
    if table != "all" and table not in TABLES:
        raise Http404
    form, published = _chosen(request)
    if published.monitor is None or published.release is None:
        return _overview_again(request)
    chosen = TABLES if table == "all" else (table,)
    content = workbook_bytes(
        published.monitor,
        chosen,
        filters=form.described(),
        generated_at=timezone.localtime(published.release.data_until),
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    name = file_name(_stem(table), _selection(form, table)).removesuffix(".csv") + ".xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _budget_texts(budget: dict[str, object] | None) -> dict[str, str]:
    """The privacy budget of the noised figures in the reader's number format."""
    if not budget:
        return {}
    texts = {
        "noised_epsilon": number_format(float(budget["epsilon"]), 1),  # type: ignore[arg-type]
        "noised_sd": number_format(float(budget["noise_sd"]), 1),  # type: ignore[arg-type]
    }
    period = str(budget.get("period") or "")
    if "-Q" in period and "epsilon_per_year" in budget:  # releases before ADR 0031 had neither
        year, quarter = period.split("-Q")
        texts["noised_period"] = _("quarter %(n)s of %(year)s") % {"n": quarter, "year": year}
        per_year = float(budget["epsilon_per_year"])  # type: ignore[arg-type]
        texts["noised_per_year"] = number_format(per_year, 1)
    return texts
