"""The put rule: how many bytes a signed PUT may carry, and where a part goes in the file.

Asked by the local store's file route before it writes a byte (S3 enforces nothing of the
kind until completion).
"""

from __future__ import annotations

from rdrive_app.core.domain import Status
from rdrive_app.core.errors import InvalidInput, NotFound
from rdrive_app.core.keys import item_of_original
from rdrive_app.services.uploads.base import UploadBase


class PutRules(UploadBase):
    """Bounds the signed PUTs of the uploads this service started."""

    def put_limit(self, key: str, upload_id: str | None, part_number: int | None) -> int | None:
        """The most bytes a signed PUT to ``key`` may carry (None: no limit of its own)."""
        return self.put_rule(key, upload_id, part_number)[0]

    def put_rule(
        self, key: str, upload_id: str | None, part_number: int | None
    ) -> tuple[int | None, int | None]:
        """(most bytes, offset in the whole file) for a signed PUT to ``key``; either is None
        when not known (the offset is known for the parts of uploads this service planned).

        The local store's file route asks this before it writes, so a part or a file larger
        than announced is refused at once (S3 finds it at completion), and a part can be
        written straight into its place in the file. Raises NotFound when the upload is
        finished, cancelled, or not the one the URL was made for.
        """
        item_id = item_of_original(key)
        if item_id is None:
            return None, None
        try:
            item = self._catalog.get_item(item_id)
        except NotFound:
            raise NotFound("no such upload") from None
        if item.status != Status.UPLOADING or item.deleted_at is not None:
            raise NotFound("this upload is already complete or was cancelled")
        self._touch(item)  # bytes are arriving: not a stale upload
        if part_number is None:
            return item.size, None
        if upload_id is None or upload_id != item.upload_id:
            raise NotFound("this part URL is for another upload")
        plan = self._policy.plan(item.size)
        if not 1 <= part_number <= plan.part_count:
            raise InvalidInput(f"part numbers of this upload go from 1 to {plan.part_count}")
        return plan.expected(part_number), (part_number - 1) * plan.part_size
