"""The error types every layer raises; the API maps each to one HTTP status."""

from __future__ import annotations


class RDriveError(Exception):
    """Base of the errors a user can cause; the message is shown to them as it is."""

    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(RDriveError):
    """A name, path or argument breaks the rules (400)."""

    status_code = 400


class NotAuthenticated(RDriveError):
    """No session, or one that is forged, expired or revoked (401)."""

    status_code = 401


class NotAllowed(RDriveError):
    """A valid credential that may not do this, such as a read-only app password (403)."""

    status_code = 403


class NotFound(RDriveError):
    """The item, folder or user does not exist (404)."""

    status_code = 404


class Conflict(RDriveError):
    """The name is taken or someone else changed it first (409); nothing was overwritten."""

    status_code = 409


class LostRace(RDriveError):
    """Two clients stored one name at once and the other won (412: the name is no longer what
    this client last saw); this one's version is in the trash, nothing was overwritten."""

    status_code = 412


class TooLarge(RDriveError):
    """The upload is larger than the limit (413)."""

    status_code = 413


class UnsupportedMedia(RDriveError):
    """The bytes are not a photo or video (415)."""

    status_code = 415


class TooManyAttempts(RDriveError):
    """Too many failed sign-ins (429); retry_after says when to try again."""

    status_code = 429

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class LimitReached(RDriveError):
    """A fixed limit (such as the number of accounts) would be exceeded (409)."""

    status_code = 409


class StorageUnavailable(Exception):
    """The blob store or the catalog is not answering, even after its client's retries (503).

    Not an RDriveError on purpose: those are what a person caused, and code above storage
    handles them by giving up on the one thing (an upload is discarded, an import skips the
    file, the S3-event handler logs a refusal and acknowledges). An outage must do none of
    that: the request fails as a whole, nothing is discarded, and a queue redelivers.
    """

    status_code = 503
    retry_after = 5

    def __init__(
        self,
        detail: str = (
            "storage is not answering right now; nothing was changed by this request, try again"
        ),
    ) -> None:
        super().__init__(detail)
        self.detail = detail
