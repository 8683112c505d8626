"""The organisation's data-quality worklist."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability
from schakel.web.trajectories.quality import CHECKS, quality_worklist


@require_capability(Capability.VIEW_DATA_QUALITY)
def worklist(request: HttpRequest, acting: Membership) -> HttpResponse:
    lines = quality_worklist(acting)
    chosen = request.GET.get("check", "")
    shown = [line for line in lines if line.check == chosen] if chosen in CHECKS else lines
    counts = {code: sum(1 for line in lines if line.check == code) for code in CHECKS}
    context = {
        "lines": shown,
        "checks": [(code, label, counts[code]) for code, label in CHECKS.items()],
        "chosen": chosen if chosen in CHECKS else "",
    }
    return render(request, "trajectories/quality.html", context)
