from townsquare.core.errors import DomainError


class IngestError(DomainError):
    """The file cannot become a data version; the message says why, for the steward."""

    title = "The file could not be ingested"


class TooManyFields(IngestError):
    """A row further in has more fields than the widest row the reader looked at."""


class QueryError(DomainError):
    """A query parameter or SQL statement was refused; the message names the offending part."""

    title = "Invalid query"
