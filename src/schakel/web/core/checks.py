"""Start-up checks: a missing or broken encryption key is named before anyone signs in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from schakel.web.core.crypto import cipher


@register()
def check_encryption_keys(app_configs: Any, **kwargs: Any) -> list[Error]:
    try:
        cipher()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="schakel.E001")]
    return []


@register(Tags.security, deploy=True)
def check_not_demo(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Demo mode signs in with a password alone and allows plain HTTP: never in production."""
    if getattr(settings, "ONE_STEP_SIGN_IN", False) or getattr(settings, "DEMO", False):
        return [
            Error(
                "SCHAKEL_DEMO is on: one-step sign-in and plain HTTP are for the demo only.",
                hint="Unset SCHAKEL_DEMO on an installation with real data.",
                id="schakel.E002",
            )
        ]
    return []
