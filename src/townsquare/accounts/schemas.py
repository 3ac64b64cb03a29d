from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    expires_at: datetime | None = Field(None, description="When the token stops working.")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    status: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret. It is shown only this once.")


class MembershipIn(Schema):
    model_config = ConfigDict(extra="forbid")

    username: str
    role: str = Field(description="steward, approver or viewer")


class MembershipOut(Schema):
    username: str
    name: str
    role: str
    created_at: datetime


class MeOut(Schema):
    username: str | None
    name: str
    authenticated: bool
    site_role: str
    organizations: dict[str, list[str]]
