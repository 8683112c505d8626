"""Start-up checks: a missing or broken encryption key is named before anyone signs in."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from schakel.web.core.crypto import cipher


@register()
def check_encryption_keys(app_configs: Any, **kwargs: Any) -> list[Error]:
    try:
        cipher()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="schakel.E001")]
    return []
