"""Part signing: the signed PUT URLs of a multipart upload's parts, a batch at a time, so no
URL expires while its part waits its turn."""

from __future__ import annotations

from rdrive_app.core.domain import MediaItem, Status
from rdrive_app.core.errors import Conflict, InvalidInput
from rdrive_app.services.uploads.base import UploadBase
from rdrive_app.services.uploads.parts import PartPlan

MAX_SIGN_BATCH = 1000  # part URLs signed per request


class PartSigning(UploadBase):
    """Signs part URLs for the unfinished multipart uploads this service planned."""

    def _multipart(self, item_id: object) -> tuple[MediaItem, PartPlan]:
        item = self._uploading(item_id)
        if item.status != Status.UPLOADING:
            raise Conflict("that upload is already complete")
        if item.upload_id is None:
            raise InvalidInput("this upload is a single PUT, not a multipart upload")
        return item, self._policy.plan(item.size)

    def sign_parts(self, item_id: object, numbers: object) -> dict[int, str]:
        """Signed PUT URLs for these part numbers (1..part_count) of a multipart upload."""
        item, plan = self._multipart(item_id)
        if not isinstance(numbers, list) or not numbers:
            raise InvalidInput("ask for at least one part number")
        if len(numbers) > MAX_SIGN_BATCH:
            raise InvalidInput(f"ask for at most {MAX_SIGN_BATCH} part URLs at a time")
        for n in numbers:
            if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= plan.part_count:
                raise InvalidInput(f"part numbers of this upload go from 1 to {plan.part_count}")
        lifetime = self._settings.signed_url_lifetime_s
        assert item.upload_id is not None
        self._touch(item)  # still moving: a slow upload is never swept while it asks for URLs
        return {
            n: self._blobs.signed_part_url(
                item.original_key, item.upload_id, n, expires_in=lifetime
            )
            for n in dict.fromkeys(numbers)
        }
