"""One Settings object, read from the environment (prefix ``RDRIVE_``).

Everything configurable lives here so that a bad value stops start-up with one clear line
instead of failing later in the middle of a request.
"""

from __future__ import annotations

import os
import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Backend(StrEnum):
    """Where media and metadata live."""

    LOCAL = "local"
    AWS = "aws"


class ProcessingMode(StrEnum):
    """Who makes thumbnails: the app's own worker pool, or S3 events (SQS → Lambda on AWS)."""

    APP = "app"
    EVENTS = "events"


class TrustedProxy(StrEnum):
    """Which proxy, if any, the backend sits behind: it decides where a caller's address comes
    from (``auth/client_address.py``). ``none`` trusts no header at all."""

    NONE = "none"
    CLOUDFRONT = "cloudfront"


class SettingsError(ValueError):
    """A setting has a value the app cannot start with."""


class Settings(BaseSettings):
    """The app's configuration; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="RDRIVE_", extra="ignore", frozen=True)

    backend: Backend = Backend.LOCAL
    data_dir: Path = Path("./data")
    bucket: str = "rdrive-media"
    items_table: str = "rdrive-items"
    users_table: str = "rdrive-users"
    aws_region: str = "us-east-1"
    jwt_secret: str | None = Field(default=None, repr=False)
    token_lifetime_s: int = Field(default=7 * 24 * 3600, ge=60)
    signed_url_lifetime_s: int = Field(default=3600, ge=10, le=7 * 24 * 3600)
    max_users: int = Field(default=2, ge=1)
    bcrypt_rounds: int = Field(default=12, ge=4, le=31)
    api_url: str = "http://localhost:8000"
    site_url: str = "http://localhost:3000"
    # Passkeys (WebAuthn): the relying party's id (a domain; default: site_url's host) and the
    # origins pages may sign in from (comma-separated; default: site_url's origin). A passkey is
    # bound to its rp id: changing it orphans every passkey made before.
    passkey_rp_id: str = ""
    passkey_origins: str = ""
    max_upload_bytes: int = Field(default=50 * 1024**3, ge=1)
    multipart_threshold_bytes: int = Field(default=64 * 1024**2, ge=5 * 1024**2)
    max_pixels: int = Field(default=100_000_000, ge=1_000_000)
    processing: ProcessingMode = ProcessingMode.APP
    processing_timeout_s: float = Field(default=120.0, gt=0)
    processing_workers: int = Field(default=2, ge=1, le=16)
    # Address space of each decoder child (media/sandbox.py, whose DEFAULT_DECODER_MEMORY this
    # equals): a 100 MP photo peaks at about 0.75 GiB, the decoders alone at about 0.35 GiB.
    decoder_memory_bytes: int = Field(default=2 * 1024**3, ge=256 * 1024**2)
    # Playback renditions (services/playback.py): the long side of a rendition, and how long
    # one may take (a Lambda stops it earlier: its own 15 minutes, see README "Videos").
    playback_max_long_side: int = Field(default=1080, ge=240, le=4320)
    playback_timeout_s: float = Field(default=6 * 3600.0, gt=0)
    # Live Photos (services/live_photos.py): halves without Apple's identifier pair by name
    # when uploaded this close together and the video is at most this long.
    live_photo_window_s: float = Field(default=600.0, ge=0)
    live_photo_max_seconds: float = Field(default=10.0, gt=0)
    trash_retention_days: int = Field(default=30, ge=1)
    stale_upload_hours: float = Field(default=24.0, gt=0)
    # an item in ``processing`` longer than this is taken up again by the reconciler; above the
    # AWS path's own retries (3 SQS deliveries, 90 minutes apart: infra/components/processing.py)
    stuck_processing_minutes: float = Field(default=300.0, gt=0)
    # Sign-in throttle (auth/throttle.py): failures per name + address and per device, per
    # address across names, and a slower ceiling per name that device tokens are exempt from.
    login_max_failures: int = Field(default=5, ge=1)
    login_window_s: int = Field(default=15 * 60, ge=1)
    login_address_max_failures: int = Field(default=10, ge=1)
    login_name_max_failures: int = Field(default=100, ge=1)
    login_name_window_s: int = Field(default=3600, ge=1)
    device_token_lifetime_s: int = Field(default=180 * 24 * 3600, ge=60)
    trusted_proxy: TrustedProxy = TrustedProxy.NONE

    @field_validator("jwt_secret")
    @classmethod
    def _secret_long_enough(cls, value: str | None) -> str | None:
        if value is not None and len(value) < 32:
            raise ValueError("must be at least 32 characters")
        return value

    @field_validator("api_url", "site_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    def resolved_passkey_rp_id(self) -> str:
        return self.passkey_rp_id or (urlsplit(self.site_url).hostname or "localhost")

    def resolved_passkey_origins(self) -> list[str]:
        named = [o.strip().rstrip("/") for o in self.passkey_origins.split(",") if o.strip()]
        site = urlsplit(self.site_url)
        return named or [f"{site.scheme}://{site.netloc}"]

    def resolved_jwt_secret(self) -> str:
        """The JWT key: from the environment, or generated once into the data dir (mode 0600)."""
        if self.jwt_secret:
            return self.jwt_secret
        path = self.data_dir / "jwt_secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.unlink(missing_ok=True)
            # 0600 from its creation, whatever the umask: never readable by others, even briefly
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
            tmp.replace(path)
        return path.read_text().strip()


def load_settings() -> Settings:
    """Read settings from the environment; a bad value raises SettingsError with one clear line."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"RDRIVE_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise SettingsError(f"bad setting: {problems}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests build their own Settings objects)."""
    return load_settings()
