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
from townsquare.core.errors import DomainError, Invalid, UploadTooLarge
from townsquare.core.nul import NulCharacter, find_nul
from townsquare.core.problems import field_errors_from_django, field_errors_from_schema
from townsquare.core.throttle import RateLimited
from townsquare.core.uploads import limit_message
from townsquare.datastore.api import router as datastore_router
from townsquare.governance.api import router as governance_router
from townsquare.quality.api import router as quality_router
from townsquare.readiness.api import router as readiness_router
from townsquare.upkeep.api import router as upkeep_router

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


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "Field problems: the field (a dotted path, empty for the whole "
            "request) and what is wrong with it.",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
ERRORS = {
    "400": "The request is not valid: `errors` names each field.",
    "401": "The API token is unknown, expired or revoked.",
    "403": "Not allowed for this account (or a session write without its CSRF token).",
    "404": "There is no such thing, or it is not visible to this account.",
    "409": "A rule of the portal refuses it now (a conflict, a check or a sign-off missing).",
    "413": "The upload is larger than this portal's limit.",
    "429": "Too many requests: wait the seconds `Retry-After` says.",
}


class TownsquareAPI(NinjaAPI):
    """ninja's API, whose OpenAPI document lists the problem responses each operation can
    give: every one 400, 401 and 429; with a path parameter 404; writes 403 and 409; uploads
    413."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        document = super().get_openapi_schema(**kwargs)
        document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                for status in _errors_of(path, method, operation):
                    operation["responses"].setdefault(
                        status,
                        {
                            "description": ERRORS[status],
                            "content": {
                                "application/problem+json": {
                                    "schema": {"$ref": "#/components/schemas/Problem"}
                                }
                            },
                        },
                    )
        return document


def _errors_of(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    statuses = ["400", "401", "429"]
    if "{" in path:
        statuses.append("404")
    if method != "get":
        statuses += ["403", "409"]
    else:
        statuses.append("403")  # data of datasets a person may not read
    if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
        statuses.append("413")
    return statuses


api = TownsquareAPI(
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
api.add_router("/", readiness_router, tags=["readiness"])
api.add_router("/", upkeep_router, tags=["upkeep"])


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
    if isinstance(exc, Invalid):
        errors = exc.problems
    response = problem(request, exc.status, exc.title, exc.message, errors)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


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
