"""The rDrive stack: one construct per concern, wired together here and nowhere else."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack, Tags
from constructs import Construct

from infra.components.backend import Backend
from infra.components.catalog import Catalog
from infra.components.logs import AccessLogs
from infra.components.media import MediaStorage, media_bucket_name, media_hosts
from infra.components.processing import Processing
from infra.components.secret import BackendSecret
from infra.components.site import Site
from infra.components.webdav import WebDavEndpoint
from infra.config import DeployConfig


class RDriveStack(Stack):
    """Media bucket, catalog tables, site + CDN, backend instance, processing, secret, and, with
    ``webdav_domain``, WebDAV's own HTTPS endpoint (CloudFront cannot carry its methods).

    Dependency order matters because of one loop in the real world: the distribution routes to
    the instance, while the backend needs the site's URL. The instance therefore names the bucket
    and the secret by string (see backend.py) and reads the URL from the secret at start.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, config: DeployConfig, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        access_logs = AccessLogs(self, "AccessLogs")
        self.catalog = Catalog(self, "Catalog")
        self.backend = Backend(
            self,
            "Backend",
            config=config,
            media_bucket_name=media_bucket_name(config),
            items=self.catalog.items,
            users=self.catalog.users,
            logs_bucket=access_logs.bucket,
        )
        self.site = Site(
            self,
            "Site",
            config=config,
            backend_instance=self.backend.instance,
            media_hosts=media_hosts(config),
            access_logs=access_logs.bucket,
        )
        self.media = MediaStorage(
            self,
            "Media",
            config=config,
            site_origin=self.site.url,
            access_logs=access_logs.bucket,
        )
        self.processing = Processing(
            self,
            "Processing",
            config=config,
            bucket=self.media.bucket,
            bucket_name=self.media.bucket_name,
            items=self.catalog.items,
            users=self.catalog.users,
        )
        self.secret = BackendSecret(self, "BackendSecret", config=config, site_url=self.site.url)
        self.webdav = (
            WebDavEndpoint(
                self,
                "WebDav",
                config=config,
                vpc=self.backend.network.vpc,
                backend_instance=self.backend.instance,
                backend_security_group=self.backend.security_group,
            )
            if config.webdav_domain
            else None
        )
        for key, value in config.tags.items():
            Tags.of(self).add(key, value)
        self._outputs()

    def _outputs(self) -> None:
        """What the deploy script reads back (infra/deploy.py) and what an operator needs."""
        outputs = {
            "SiteUrl": self.site.url,
            "DistributionId": self.site.distribution.distribution_id,
            "SiteBucket": self.site.bucket.bucket_name,
            "MediaBucket": self.media.bucket.bucket_name,
            "RepositoryUri": self.backend.repository.repository_uri,
            "ItemsTable": self.catalog.items.table_name,
            "UsersTable": self.catalog.users.table_name,
            "DeadLetterQueueUrl": self.processing.dead_letters.queue_url,
            "SecretName": self.config.secret_name,
            "BackendInstanceId": self.backend.instance.instance_id,
        }
        for name, value in outputs.items():
            CfnOutput(self, name, value=value)
        if self.webdav is not None and self.config.webdav_url:
            CfnOutput(
                self,
                "WebDavUrl",
                value=self.config.webdav_url,
                description="Mount this with an app password (Finder, Explorer, rclone, davfs2)",
            )
            CfnOutput(
                self,
                "WebDavAddress",
                value=self.webdav.address.ref,
                description=f"Point an A record for {self.webdav.domain} at this address",
            )
