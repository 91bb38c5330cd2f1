"""The site: the Reflex static export in a private bucket, and one CloudFront distribution that
also routes the backend paths to the backend, so the site and the API share one origin (no CORS
between them, one certificate, one URL baked into the export).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.config import BACKEND_PATHS, BACKEND_PORT, DeployConfig
from rdrive_app.ui.routes import SPA_ROUTE_PREFIXES, SPA_SHELL

# Reflex's export writes `route/index.html` and a copy at `route.html`; extensionless paths are
# rewritten to the latter so prerendered pages are served as themselves. The dynamic routes
# (/folder/a/b) have no file: they get the app shell (the export's 404.html, whose client-side
# router renders the route) with a 200, so a bookmarked folder is not an error. Anything else
# that is missing gets the same page with a 404 (see error_responses).
URI_REWRITE_TEMPLATE = """
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var shellRoutes = __SPA_ROUTES__;
  for (var i = 0; i < shellRoutes.length; i++) {
    if (uri === shellRoutes[i] || uri.startsWith(shellRoutes[i] + '/')) {
      request.uri = __SPA_SHELL__;
      return request;
    }
  }
  if (uri.length > 1 && uri.endsWith('/')) {
    uri = uri.slice(0, -1);
  }
  if (uri !== '/' && uri.lastIndexOf('.') < uri.lastIndexOf('/')) {
    request.uri = uri + '.html';
  }
  return request;
}
"""
URI_REWRITE = URI_REWRITE_TEMPLATE.replace(
    "__SPA_ROUTES__", json.dumps(list(SPA_ROUTE_PREFIXES))
).replace("__SPA_SHELL__", json.dumps(SPA_SHELL))


def content_security_policy(media_hosts: Sequence[str]) -> str:
    """The CSP the exported app works under.

    React Router's SPA shell and Radix inject inline scripts and styles ('unsafe-inline');
    'self' covers the same-origin WebSocket (CSP level 3); photos, videos and direct uploads
    talk to the media bucket's own hosts and to nothing else. The installable app's manifest
    and its service worker (assets/rdrive_sw.js) come from the site itself, said explicitly
    rather than left to default-src ('self' only: no worker from a blob: or another host).
    """
    media = " ".join(media_hosts)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline'",
            "style-src 'self' 'unsafe-inline'",
            "font-src 'self' data:",
            f"img-src 'self' data: blob: {media}",
            f"media-src 'self' blob: {media}",
            f"connect-src 'self' {media}",
            "manifest-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class Site(Construct):
    """Frontend bucket (private, origin access control) + distribution + security headers."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: DeployConfig,
        backend_instance: ec2.IInstance,
        media_hosts: Sequence[str],
        access_logs: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="site/",
            removal_policy=RemovalPolicy.DESTROY,
        )
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "Headers",
            comment="rDrive: HSTS, nosniff, no framing, CSP",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(730),
                    include_subdomains=True,
                    override=True,
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=True,
                ),
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(media_hosts), override=True
                ),
            ),
        )
        rewrite = cloudfront.Function(
            self,
            "UriRewrite",
            code=cloudfront.FunctionCode.from_inline(URI_REWRITE),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment="rDrive: extensionless paths to the exported .html files",
        )
        backend_origin = origins.VpcOrigin.with_ec2_instance(
            backend_instance,
            http_port=BACKEND_PORT,
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTP_ONLY,
            read_timeout=Duration.seconds(60),
            keepalive_timeout=Duration.seconds(60),
        )
        backend_behavior = cloudfront.BehaviorOptions(
            origin=backend_origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            response_headers_policy=headers,
            compress=True,
        )
        certificate = (
            acm.Certificate.from_certificate_arn(self, "Certificate", config.certificate_arn)
            if config.certificate_arn
            else None
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"rDrive ({config.prefix})",
            default_root_object="index.html",
            domain_names=[config.domain_name] if config.domain_name else None,
            certificate=certificate,
            # Only a custom certificate can raise the viewer TLS floor (see README suppressions).
            minimum_protocol_version=(
                cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if certificate else None
            ),
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=rewrite, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
            ),
            additional_behaviors={path: backend_behavior for path in BACKEND_PATHS},
            # Error responses apply to every behavior, so only 403 is mapped: that is what S3
            # answers (through OAC, without s3:ListBucket) for a missing key, and the API never
            # uses it; the API's own 404s must reach scripts as JSON.
            error_responses=[
                cloudfront.ErrorResponse(
                    http_status=403,
                    response_http_status=404,
                    response_page_path="/404.html",
                    ttl=Duration.seconds(10),
                )
            ],
        )
        self.domain = config.domain_name or self.distribution.distribution_domain_name

    @property
    def url(self) -> str:
        """The site's origin (``https://host``, no trailing slash)."""
        return f"https://{self.domain}"
