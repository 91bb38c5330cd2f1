"""The upload service as one object: each step's class, joined over the shared state."""

from __future__ import annotations

from rdrive_app.services.uploads.direct import DirectUploads
from rdrive_app.services.uploads.existing import ExistingLookup
from rdrive_app.services.uploads.put_rule import PutRules
from rdrive_app.services.uploads.signing import PartSigning


class UploadService(DirectUploads, PartSigning, PutRules, ExistingLookup):
    """Starts, resumes, completes and cancels uploads."""
