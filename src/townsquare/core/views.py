"""View helpers shared by every app: one place that maps domain errors to pages and form
errors, the error pages themselves, and /healthz."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from townsquare.core import health, refusals
from townsquare.core.errors import (
    DomainError,
    Invalid,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from townsquare.core.middleware import too_many
from townsquare.core.throttle import RateLimited

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
T = TypeVar("T")


def domain_errors(view: View) -> View:
    """Render NotFound as the 404 page, PermissionDenied as the 403 page, and send anonymous
    visitors who need to sign in to the sign-in page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotAuthenticated:
            return redirect_to_login(request.get_full_path())
        except PermissionDenied as exc:
            refusals.report(exc)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return error_page(request, 403, exc.message)
        except NotFound as exc:
            return error_page(request, 404, exc.message)
        except RateLimited as exc:
            return too_many(request, exc)
        except DomainError as exc:  # a conflict or another refusal: say why, never a 500
            refusals.report(exc)
            return render(
                request,
                "errors/400.html",
                {"message": exc.message, "title": exc.title},
                status=exc.status,
            )
        except ValidationError as exc:
            return error_page(request, 400, " ".join(exc.messages))

    return cast(View, wrapper)


def error_page(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    return render(request, f"errors/{status}.html", {"message": message}, status=status)


def apply_errors(form: forms.Form, exc: ValidationError | DomainError) -> None:
    """Show a service's refusal on the form: field errors next to their fields (or at the top
    when the form has no such field)."""
    if isinstance(exc, Invalid):
        for problem in exc.problems:
            named = str(problem.get("field") or "")
            field = named if named in form.fields else None
            line = f"line {problem['line']}" if "line" in problem else ""
            where = ", ".join(part for part in (line, "" if field else named) if part)
            form.add_error(field, f"{where}: {problem['message']}" if where else problem["message"])
        return
    if isinstance(exc, DomainError):
        refusals.report(exc)
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)
        return
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for message in messages:
                prefix = "" if target or field == NON_FIELD_ERRORS else f"{field}: "
                form.add_error(target, f"{prefix}{message}")
    else:
        for message in exc.messages:
            form.add_error(None, message)


def run_service(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Run a service for a valid form: its result, or None when it refused, with the refusal
    shown on the form (field errors beside their fields)."""
    try:
        return call()
    except RateLimited:
        raise  # not the form's fault: the 429 page says when to try again
    except (ValidationError, DomainError) as exc:
        apply_errors(form, exc)
        return None


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400, "The request could not be understood.")


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403, str(exception) if exception else "")


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def handler500(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = health.report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
