"""Static files: hashed names, gzip and Brotli copies, cached for a year (WhiteNoise).

`manifest_strict = False`: a template rendered before `collectstatic` ran (a worker at its
first start, a command-line report) gets the plain file name instead of an error.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        """The hashed name once collected; before that (no file under STATIC_ROOT yet) the
        plain name, which WhiteNoise's finders serve."""
        try:
            return super().stored_name(name)
        except ValueError:
            return name
