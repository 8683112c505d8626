"""Request-level protections of sign-in and the public pages: the client's address behind a
proxy, the absolute session expiry, and a per-address rate limit on the public endpoints for
callers who are not signed in."""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext

from schakel.web.core.errors import error

SIGNED_IN_AT = "schakel_signed_in_at"
ACTIVE_AT = "schakel_active_at"
TOUCH_SECONDS = 60
"""The session row is rewritten (and its expiry moved) at most once a minute, not on every
request: the idle timeout is exact to a minute and a page costs no extra write."""
PUBLIC_PREFIXES = ("/api/v1/signals/", "/signalen/check/", "/inloggen/")
"""What anyone may call without an account, so what a single address may flood."""


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with SCHAKEL_PROXY_COUNT proxies the address the
    outermost trusted proxy saw (X-Forwarded-For read from the right, so a client cannot
    choose it by sending the header itself)."""
    count = settings.PROXY_COUNT
    remote = str(request.META.get("REMOTE_ADDR") or "")
    if count <= 0:
        return remote
    hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    hops = [h for h in hops if h]
    return hops[-count] if len(hops) >= count else remote


class SessionExpiryMiddleware:
    """A signed-in session ends after SESSION_COOKIE_AGE seconds without a request (idle) and
    SESSION_MAX_SECONDS after sign-in however active (absolute)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            now = time.time()
            started = float(session.get(SIGNED_IN_AT, now))
            active = float(session.get(ACTIVE_AT, now))
            if (
                now - started > settings.SESSION_MAX_SECONDS
                or now - active > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
                return redirect(settings.LOGIN_URL)
            if SIGNED_IN_AT not in session:
                session[SIGNED_IN_AT] = now
            if ACTIVE_AT not in session or now - active >= TOUCH_SECONDS:
                session[ACTIVE_AT] = now
        return self.get_response(request)


class AnonymousRateMiddleware:
    """At most ANONYMOUS_RATE_PER_MINUTE requests per address and minute to the public
    endpoints from callers who are not signed in; more get 429 with Retry-After. The count
    lives in the cache (per process with the default local-memory cache; configure a shared
    cache when running several).

    Signed-in members pass: the professionals of one organisation often share one public
    address, and the signal check is their daily work. The session is looked up only once the
    address is over its limit, so a flood of anonymous requests stays cheap."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(PUBLIC_PREFIXES):
            window = int(time.time() // 60)
            key = f"schakel-rate:{client_address(request)}:{window}"
            cache.add(key, 0, timeout=120)
            try:
                count = cache.incr(key)
            except ValueError:
                count = 1
            if count > settings.ANONYMOUS_RATE_PER_MINUTE and not signed_in(request):
                body = error("too_many_requests", gettext("Too many requests; wait a minute."))
                response = JsonResponse(body.model_dump(), status=429)
                response["Retry-After"] = str(60 - int(time.time()) % 60)
                return response
        return self.get_response(request)


def signed_in(request: HttpRequest) -> bool:
    """Whether the request carries the session of a signed-in member (read before the session
    and authentication middleware have run)."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    return bool(store.get(SESSION_KEY))


def stamp_sign_in(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """At sign-in (user_logged_in), start both session clocks. A receiver, because Django's
    login() is the one place every sign-in passes (password, second step, tests)."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[ACTIVE_AT] = now
