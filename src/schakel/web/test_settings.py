"""Settings for the test suite: fixed, throw-away keys so tests run without a prepared shell."""

import os

os.environ.setdefault(
    "SCHAKEL_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789"
)
os.environ.setdefault("SCHAKEL_SEARCH_KEY", "test-only-search-key")
os.environ.setdefault("SCHAKEL_DEMO", "true")  # one-step sign-in and plain HTTP in the suite
os.environ.setdefault("SCHAKEL_ENCRYPTION_KEYS", "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtbG9uZy1rZXk=")

from schakel.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast in tests only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True  # no collected static folder in tests
ANONYMOUS_RATE_PER_MINUTE = 100_000  # tests of the limit lower it themselves
APPEND_ONLY_SWITCH = True  # the SQLite test flush passes the append-only triggers (core)
