"""The signed-in user's own notices and how they want to receive them (no capability: every
user has their own, and sees nothing of anyone else's)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.web.notifications.actions import do_mark_read, do_set_preferences
from schakel.web.notifications.forms import PreferencesForm
from schakel.web.notifications.selectors import notifications_of, preferences_of, unread_count

PAGE_SIZE = 25


def notification_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    page = Paginator(notifications_of(user), PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    context = {"page": page, "unread": unread_count(user)}  # type: ignore[arg-type]
    return render(request, "notifications/list.html", context)


def notification_badge(request: HttpRequest) -> HttpResponse:
    """The menu's unread count, loaded after the page (so no page pays a query for it)."""
    return render(
        request,
        "notifications/_badge.html",
        {"unread": unread_count(request.user)},  # type: ignore[arg-type]
    )


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    marked = do_mark_read(user=request.user)  # type: ignore[arg-type]
    if marked:
        messages.success(request, _("Your notifications are marked as read."))
    return redirect("notification-list")


def notification_preferences(request: HttpRequest) -> HttpResponse:
    current = preferences_of(request.user)  # type: ignore[arg-type]
    form = PreferencesForm(current, request.POST or None)
    if request.method == "POST" and form.is_valid():
        do_set_preferences(user=request.user, choices=form.choices())  # type: ignore[arg-type]
        messages.success(request, _("Your choices are saved."))
        return redirect("notification-preferences")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "has_email": bool(request.user.email)}  # type: ignore[union-attr]
    return render(request, "notifications/preferences.html", context, status=status)
