"""The CKAN Action API's one endpoint, ``/api/3/action/{name}`` (and ``/api/action/{name}``,
which the ``ckanapi`` client posts to): the request read into the action's parameters, the
caller known from an API token (the bare ``Authorization`` header CKAN clients send) or the
session, and the answer in CKAN's envelope with its status codes."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from townsquare.accounts.api_auth import ActorAuth
from townsquare.core.errors import DomainError, NotFound
from townsquare.interop.ckan import actions, datastore, writes  # noqa: F401 - they register
from townsquare.interop.ckan.errors import (
    AuthorizationError,
    BadRequest,
    CkanError,
    NotFoundError,
    ValidationError,
)
from townsquare.interop.ckan.registry import ACTIONS, Call


@csrf_exempt
def action(request: HttpRequest, name: str) -> HttpResponse:
    found = ACTIONS.get(name)
    if found is None:
        return _bare(f"Bad request - Action name not known: {name}")
    if request.method not in ("GET", "POST"):
        return _bare("Bad request - Please use GET or POST")
    if request.method == "GET" and not found.side_effect_free:
        return _bare(
            "Bad request - JSON Error: Invalid request. Please use POST method for your request"
        )
    try:
        data = _data(request)
    except BadRequest as error:
        return _bare(error.message)
    help_url = request.build_absolute_uri(f"/api/3/action/help_show?name={name}")
    try:
        actor = _actor(request, exempt=found.side_effect_free)
        result = found.function(Call(request=request, actor=actor), data)
    except CkanError as error:
        return _answer({"help": help_url, "success": False, "error": error.body()}, error.status)
    except DomainError as error:
        ckan = _from_domain(error)
        return _answer({"help": help_url, "success": False, "error": ckan.body()}, ckan.status)
    except DjangoValidationError as error:
        ckan = ValidationError({k: list(v) for k, v in error.message_dict.items()})
        return _answer({"help": help_url, "success": False, "error": ckan.body()}, 409)
    return _answer({"help": help_url, "success": True, "result": result}, 200)


def _actor(request: HttpRequest, *, exempt: bool) -> Any:
    """Who calls: a read needs no CSRF token even with a session cookie."""
    if exempt:
        request._ninja_csrf_exempt = True  # type: ignore[attr-defined]
    try:
        return ActorAuth()(request)
    except DomainError as error:
        raise AuthorizationError(error.message) from None


def _data(request: HttpRequest) -> dict[str, Any]:
    if request.method == "GET":
        return {k: (v[0] if len(v) == 1 else v) for k, v in request.GET.lists()}
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        data: dict[str, Any] = {k: (v[0] if len(v) == 1 else v) for k, v in request.POST.lists()}
        data.update(request.FILES.dict())
        return data
    body = request.body.strip()
    if not body:
        return {}
    try:
        parsed = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadRequest(
            f"Bad request - JSON Error: Error decoding JSON data. Error: {error}"
        ) from None
    if not isinstance(parsed, dict):
        raise BadRequest(
            "Bad request - JSON Error: Request data JSON decoded to "
            f"{parsed!r:.40} but it needs to be a dictionary."
        )
    return parsed


def _from_domain(error: DomainError) -> CkanError:
    if isinstance(error, NotFound):
        return NotFoundError(error.message)
    if error.status in (401, 403):
        return AuthorizationError(error.message)
    return ValidationError({error.field or "message": [error.message]})


def _answer(body: Any, status: int) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder),
        status=status,
        content_type="application/json;charset=utf-8",
    )


def _bare(message: str) -> HttpResponse:
    return _answer(message, 400)
