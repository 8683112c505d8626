"""Pages of the social map: everyone signed in reads it; editors keep it up to date."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, has
from schakel.web.socialmap.access import access_service
from schakel.web.socialmap.actions import do_create_service, do_update_service
from schakel.web.socialmap.forms import FilterForm, ServiceForm, initial_for
from schakel.web.socialmap.models import Service
from schakel.web.socialmap.selectors import national_contacts

PAGE_SIZE = 50


@require_capability(Capability.READ_SOCIAL_MAP)
def service_list(request: HttpRequest, acting: Membership) -> HttpResponse:
    """Services filtered by region (the member's own region by default) and kind."""
    params = request.GET.copy()
    if "region" not in params:
        params["region"] = acting.organisation.region
    form = FilterForm(params)
    services = Service.objects.active().select_related("organisation")
    region = kind = ""
    if form.is_valid():
        region, kind = form.cleaned_data["region"], form.cleaned_data["kind"]
        if region:
            services = services.in_region(region)
        if kind:
            services = services.of_kind(kind)
    page = Paginator(services.order_by("region", "kind", "name"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = params.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "national": national_contacts(minor=None),
        "may_edit": has(acting, Capability.EDIT_SOCIAL_MAP),
        "querystring": query.urlencode(),
    }
    template = "socialmap/list.html#results" if _is_htmx(request) else "socialmap/list.html"
    return render(request, template, context)


@require_capability(Capability.READ_SOCIAL_MAP)
def service_detail(request: HttpRequest, acting: Membership, pk: int) -> HttpResponse:
    service = access_service(acting, pk)
    return render(
        request,
        "socialmap/detail.html",
        {"service": service, "may_edit": has(acting, Capability.EDIT_SOCIAL_MAP)},
    )


@require_capability(Capability.EDIT_SOCIAL_MAP)
def service_create(request: HttpRequest, acting: Membership) -> HttpResponse:
    form = ServiceForm(request.POST or None, initial={"region": acting.organisation.region})
    if request.method == "POST" and form.is_valid():
        try:
            service = do_create_service(actor=acting, data=form.data_for_action())
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            return redirect("socialmap-detail", pk=service.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "socialmap/edit.html", {"form": form, "service": None}, status=status)


@require_capability(Capability.EDIT_SOCIAL_MAP)
def service_edit(request: HttpRequest, acting: Membership, pk: int) -> HttpResponse:
    service = access_service(acting, pk)
    form = ServiceForm(request.POST or None, initial=initial_for(service))
    if request.method == "POST" and form.is_valid():
        try:
            do_update_service(actor=acting, service=service, data=form.data_for_action())
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            return redirect("socialmap-detail", pk=service.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "socialmap/edit.html", {"form": form, "service": service}, status=status)


def _is_htmx(request: HttpRequest) -> bool:
    """A partial update from htmx (django-htmx sets `request.htmx`)."""
    return bool(getattr(request, "htmx", False))


@login_not_required
def public_service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry marked public, for anyone (the signal check links here when signed out); its
    contact person is left out. Any other entry is the same 404 as one that does not exist."""
    service = Service.objects.active().filter(pk=pk, is_public=True).first()
    if service is None:
        raise Http404
    return render(request, "socialmap/detail.html", {"service": service, "public": True})
