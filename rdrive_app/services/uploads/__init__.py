"""Uploads: reserve a name, hand out signed URLs, and check what arrived before keeping it.

Bytes go straight from the browser to storage (S3 presigned PUT, or the local store's signed
route); the backend never holds a file in memory. Files above ``multipart_threshold_bytes`` go
in parts (see ``PartPlan``), which makes them resumable: the client's fingerprint of a file finds
its unfinished upload again, and ``done_parts`` says which parts storage already holds.
Completion verifies the parts and the size and sniffs the real type from the first bytes:
anything else is deleted and refused, so nothing half-written ever joins the library.

One module a step: ``starting`` (checks, names, tickets), ``signing`` (part URLs), ``put_rule``
(what a signed PUT may carry), ``completion`` (verify or discard; cancel), ``direct`` (bytes
through the API), ``existing`` (sha256 already held); ``parts`` is the arithmetic they share.
"""

from rdrive_app.services.uploads.base import ProcessingQueue, Sniffer
from rdrive_app.services.uploads.parts import (
    MIB,
    PART_FLOOR,
    MultipartPolicy,
    PartPlan,
    parts_problem,
    plan_parts,
)
from rdrive_app.services.uploads.service import UploadService
from rdrive_app.services.uploads.starting import (
    DeclaredFile,
    UploadTicket,
    declared_kind,
)

__all__ = [
    "MIB",
    "PART_FLOOR",
    "DeclaredFile",
    "MultipartPolicy",
    "PartPlan",
    "ProcessingQueue",
    "Sniffer",
    "UploadService",
    "UploadTicket",
    "declared_kind",
    "parts_problem",
    "plan_parts",
]
