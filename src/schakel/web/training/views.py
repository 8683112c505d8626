"""Pages of the training register."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, has, roles_with
from schakel.web.training.access import access_training
from schakel.web.training.actions import (
    do_change_validity,
    do_register_training,
    do_register_training_record,
)
from schakel.web.training.forms import (
    CoverageFilterForm,
    RecordForm,
    TrainingForm,
    ValidityForm,
    add_model_errors,
)
from schakel.web.training.models import Training, TrainingRecord
from schakel.web.training.querysets import (
    EXPIRY_WARNING_DAYS,
    TrainingRecordQuerySet,
    warning_horizon,
)
from schakel.web.training.selectors import coverage, total_coverage

PAGE_SIZE = 50


def _with_people(records: TrainingRecordQuerySet) -> QuerySet[TrainingRecord]:
    """Records with the person, the training and the person's organisations, in 2 queries;
    each says whether it was renewed (`with_renewal`)."""
    memberships = Membership.objects.active().select_related("organisation")
    return (
        records.with_renewal()
        .select_related("user", "training")
        .prefetch_related(
            Prefetch("user__memberships", queryset=memberships, to_attr="current_memberships")
        )
    )


@require_capability(Capability.VIEW_OWN_TRAINING)
def training_index(request: HttpRequest, acting: Membership) -> HttpResponse:
    """The catalogue of trainings, and the member's own certificates."""
    today = timezone.localdate()
    own = (
        TrainingRecord.objects.filter(user_id=acting.user_id)
        .with_renewal()
        .select_related("training")
    )
    context = {
        "trainings": Training.objects.filter(is_active=True).order_by("name"),
        "own": own,
        "today": today,
        "soon": warning_horizon(today),
        "may_register": has(acting, Capability.REGISTER_TRAINING),
        "may_oversee": has(acting, Capability.VIEW_TRAINING_COVERAGE),
        "may_read_records": has(acting, Capability.VIEW_TRAINING_RECORDS),
    }
    return render(request, "training/index.html", context)


@require_capability(Capability.REGISTER_TRAINING)
def training_create(request: HttpRequest, acting: Membership) -> HttpResponse:
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training = do_register_training(actor=acting, **form.cleaned_data)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            return redirect("training-detail", pk=training.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "training/training_form.html", {"form": form}, status=status)


@require_capability(Capability.VIEW_OWN_TRAINING)
def training_detail(request: HttpRequest, acting: Membership, pk: int) -> HttpResponse:
    training = access_training(acting, pk)
    may_register = has(acting, Capability.REGISTER_TRAINING)
    form = RecordForm(request.POST or None, training=training)
    validity_form = ValidityForm(initial={"validity_months": training.validity_months})
    status = 200
    if request.method == "POST":
        if not may_register:
            raise PermissionDenied
        if form.is_valid():
            try:
                do_register_training_record(
                    actor=acting,
                    user=form.cleaned_data["user"],
                    training=training,
                    completed_on=form.cleaned_data["completed_on"],
                )
            except ValidationError as error:
                add_model_errors(form, error)
                status = 422
            else:
                form = RecordForm(training=training)
        else:
            status = 422
    records = _with_people(
        TrainingRecord.objects.visible_to(acting).filter(training=training)
    ).order_by("-completed_on", "pk")[:PAGE_SIZE]
    context = {
        "training": training,
        "form": form,
        "validity_form": validity_form,
        "records": records if has(acting, Capability.VIEW_TRAINING_RECORDS) else [],
        "may_register": may_register,
        "may_read_records": has(acting, Capability.VIEW_TRAINING_RECORDS),
        "today": timezone.localdate(),
        "soon": warning_horizon(),
    }
    template = "training/detail.html#records" if _is_htmx(request) else "training/detail.html"
    return render(request, template, context, status=status)


@require_capability(Capability.REGISTER_TRAINING)
def training_validity(request: HttpRequest, acting: Membership, pk: int) -> HttpResponse:
    training = access_training(acting, pk)
    form = ValidityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_change_validity(
                actor=acting,
                training=training,
                validity_months=form.cleaned_data["validity_months"],
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            return redirect("training-detail", pk=training.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "training/validity.html", {"training": training, "form": form}, status=status
    )


@require_capability(Capability.VIEW_TRAINING_RECORDS)
def record_list(request: HttpRequest, acting: Membership) -> HttpResponse:
    records = _with_people(TrainingRecord.objects.visible_to(acting)).order_by(
        "-completed_on", "pk"
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "today": timezone.localdate(), "soon": warning_horizon()}
    return render(request, "training/records.html", context)


@require_capability(Capability.VIEW_TRAINING_RECORDS)
def expiring_list(request: HttpRequest, acting: Membership) -> HttpResponse:
    records = _with_people(TrainingRecord.objects.visible_to(acting).expiring()).order_by(
        "expires_on", "pk"
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "days": EXPIRY_WARNING_DAYS,
        "today": timezone.localdate(),
        "soon": warning_horizon(),
    }
    return render(request, "training/expiring.html", context)


@require_capability(Capability.VIEW_TRAINING_COVERAGE)
def coverage_view(request: HttpRequest, acting: Membership) -> HttpResponse:
    """Where training coverage is lowest: organisations and roles, lowest first (all topics
    unless one is chosen, so "expires soon" agrees with the expiring list)."""
    params = request.GET.copy()
    params.setdefault("region", acting.organisation.region)
    form = CoverageFilterForm(params)
    data = form.cleaned_data if form.is_valid() else {"region": "", "role": "", "topic": ""}
    roles = (data["role"],) if data["role"] else tuple(sorted(roles_with(Capability.RECORD_EVENTS)))
    rows = coverage(region=data["region"] or None, roles=roles, topic=data["topic"] or None)
    context = {
        "form": form,
        "rows": rows,
        "total": total_coverage(rows),
        "days": EXPIRY_WARNING_DAYS,
    }
    return render(request, "training/coverage.html", context)


def _is_htmx(request: HttpRequest) -> bool:
    """A partial update from htmx (django-htmx sets `request.htmx`)."""
    return bool(getattr(request, "htmx", False))
