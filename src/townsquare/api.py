"""The one versioned JSON API. Every app's router is mounted here, at import time, and every
error leaves as ``application/problem+json`` (RFC 9457) with field errors where there are any."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.parser import Parser

from townsquare.accounts.api import router as accounts_router
from townsquare.accounts.api_auth import ActorAuth
from townsquare.audit.api import router as audit_router
from townsquare.audit.services import record_refusal
from townsquare.catalog.api import router as catalog_router
from townsquare.core.errors import DomainError, UploadTooLarge
from townsquare.core.nul import NulCharacter, find_nul
from townsquare.core.problems import field_errors_from_django, field_errors_from_schema
from townsquare.core.uploads import limit_message
from townsquare.datastore.api import router as datastore_router
from townsquare.governance.api import router as governance_router
from townsquare.quality.api import router as quality_router

logger = logging.getLogger(__name__)


class StrictParser(Parser):
    """ninja's JSON and form parsing, refusing values with NUL characters (field named)."""

    def parse_body(self, request: HttpRequest) -> Any:
        if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            data = request.POST.dict()  # a form-encoded body where JSON was expected
        elif not request.body.strip():  # no body: the schema names each field it needs
            return {}
        else:
            data = super().parse_body(request)
        field = find_nul(data)
        if field is not None:
            raise NulCharacter(field)
        return data

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> Any:
        parsed = super().parse_querydict(data, list_fields, request)
        field = find_nul(parsed)
        if field is not None:
            raise NulCharacter(field)
        return parsed


api = NinjaAPI(
    title="Townsquare API",
    version="1",
    description=(
        "The native JSON API of a Townsquare data portal. Reading public data needs no token; "
        "errors are `application/problem+json` documents with `errors` listing field problems."
    ),
    auth=ActorAuth(),
    parser=StrictParser(),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", catalog_router, tags=["catalog"])
api.add_router("/", accounts_router, tags=["accounts"])
api.add_router("/", datastore_router, tags=["datastore"])
api.add_router("/", audit_router, tags=["audit"])
api.add_router("/", governance_router, tags=["governance"])
api.add_router("/", quality_router, tags=["quality"])


def problem(
    request: HttpRequest,
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="townsquare"'
    return response


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    record_refusal(exc)
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else None
    return problem(request, exc.status, exc.title, exc.message, errors)


@api.exception_handler(DjangoValidationError)
def on_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = field_errors_from_django(exc)
    return problem(request, 400, "Invalid input", "Some fields are not valid; see errors.", errors)


@api.exception_handler(SchemaValidationError)
def on_schema_error(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    if getattr(request, "upload_too_large", False):  # the file was cut off while streaming
        return on_domain_error(request, UploadTooLarge(limit_message(), field="file"))
    errors = field_errors_from_schema(exc.errors)
    return problem(
        request,
        400,
        "Invalid input",
        "The request does not have the expected shape; see errors.",
        errors,
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(request, 401, "Sign-in required", "Send a valid API token.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "Not found", str(exc) or "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, DomainError):  # ninja wraps body-parsing errors
        return on_domain_error(request, exc.__cause__)
    return problem(request, exc.status_code, "Request refused", str(exc))


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unexpected error in %s %s", request.method, request.path)
    return problem(
        request, 500, "Internal error", "Something went wrong on our side; it has been logged."
    )
