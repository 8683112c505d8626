"""Request and response handling that applies to every page."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Pages about people must not be kept in browser or proxy caches."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, private"
        return response


class HtmxRedirectMiddleware:
    """A redirect answering an htmx request becomes a navigation of the whole page.

    The browser follows a redirect inside the request htmx makes, so without this the page
    it leads to (the sign-in page after the session expired, the second-factor set-up) would be
    swapped into a fragment of the current page. htmx navigates on `HX-Redirect`; when the
    redirect leads to the page the user is already on (the menu badges of the set-up page
    itself), the answer is empty instead, so the page does not reload itself for ever.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.headers.get("HX-Request") or response.status_code not in (
            301,
            302,
            303,
            307,
            308,
        ):
            return response
        target = response["Location"]
        current = request.headers.get("HX-Current-URL", "")
        answer = HttpResponse(status=204)
        if urlsplit(target).path != urlsplit(current).path:
            answer["HX-Redirect"] = target
        for name, value in response.cookies.items():
            answer.cookies[name] = value
        return answer


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the user chose otherwise: the browser's language is not a choice.

    An API client has no language switch, so there its Accept-Language header is the choice."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES) and request.path.startswith("/api/"):
            chosen = translation.get_language_from_request(request)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PermissionsPolicyMiddleware:
    """Browser features no page of Schakel uses are switched off (camera, microphone, ...)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class BodyLimitMiddleware:
    """A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE is refused with 413 before it is read.

    Django refuses such a form body only when a view reads it (with 400); the API reads the
    raw body, so the limit is enforced here on the declared length for every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return too_large()
        return self.get_response(request)


def too_large() -> HttpResponse:
    from django.utils.translation import gettext

    from schakel.web.core.errors import error

    body = error("too_large", gettext("The request is too large."), [])
    return JsonResponse(body.model_dump(), status=413)


class ApiMethodMiddleware:
    """A method an API path does not take gets 405 in the API's one error format (with the
    Allow header), as the OpenAPI file documents, not Django's empty page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or not request.path.startswith("/api/"):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        from django.utils.translation import gettext

        from schakel.web.core.errors import error

        body = error("method_not_allowed", gettext("This address does not take this method."))
        answer = JsonResponse(body.model_dump(), status=405)
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer
