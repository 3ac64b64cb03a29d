"""The audit trail over the API: filtered pages of events, and the same as a CSV or JSON file."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import StreamingHttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from townsquare.audit import exports, selectors, web
from townsquare.core.actors import ApiRequest

router = Router()


class EventParams(Schema):
    dataset: str = Field("", description="A dataset's slug.")
    user: str = Field("", description="The username of whoever acted.")
    action: str = Field("", description="An action or its start, for example `dataset.`.")
    since: datetime.date | None = Field(None, description="From this day (UTC).")
    until: datetime.date | None = Field(None, description="To this day, inclusive (UTC).")


class PageParams(EventParams):
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=2**62, description="Events to skip.")


def _filter(params: EventParams) -> selectors.EventFilter:
    return selectors.EventFilter(
        dataset=params.dataset.strip(),
        user=params.user.strip(),
        action=params.action.strip(),
        since=params.since,
        until=params.until,
    )


@router.get(
    "/audit/events", summary="Audit events, newest first (filter by dataset, user, action, days)"
)
def events(request: ApiRequest, params: Query[PageParams]) -> dict[str, Any]:
    found = web.events(actor=request.auth, where=_filter(params))
    page = list(found[params.offset : params.offset + params.limit + 1])
    more = len(page) > params.limit
    return {
        "events": [exports.as_dict(event) for event in page[: params.limit]],
        "limit": params.limit,
        "offset": params.offset,
        "more": more,
    }


@router.get(
    "/audit/events.{form}",
    summary="Download the audit events (with the same filters) as CSV or JSON",
    response={200: Any},
)
def export(
    request: ApiRequest, form: Literal["csv", "json"], params: Query[EventParams]
) -> StreamingHttpResponse:
    found = web.events(actor=request.auth, where=_filter(params))
    return exports.download(found, form)
