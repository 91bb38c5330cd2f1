"""Every URL the app hands a browser is allowed by the deployed CSP, in every region the stack may
deploy to; and no directive allows all of S3.

The CSP is read out of the synthesized template's ResponseHeadersPolicy, with its CloudFormation
tokens (``Ref AWS::Region``, ``AWS::AccountId``) resolved for each region; the bucket name is
the template's too. One template serves every region (a second synthesis in another region is
compared to it). The URLs are made by the app's own presign code (S3BlobStore with no endpoint
override: signing needs no network) and checked with a CSP3 source matcher (tests/infra/csp.py).
The region × URL kind × directive table is written to tests/artifacts/csp_regions.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from infra.config import DEPLOY_REGIONS, DeployConfig
from rdrive_app.core.domain import Kind, MediaItem, Status
from rdrive_app.core.keys import thumbnail_key
from rdrive_app.services.image_renditions import RENDITION_WIDTHS, WEBP, rendition_key
from rdrive_app.services.presenter import download_url, item_urls
from rdrive_app.storage.aws.blobs import S3BlobStore
from tests.infra import cfn
from tests.infra.conftest import REPO_ROOT, Synthesized
from tests.infra.csp import allows, governing_directive, parse_policy

ACCOUNT = cfn.ACCOUNT
SITE = "https://d111111abcdef8.cloudfront.net"  # 'self': the distribution's own name
TABLE = REPO_ROOT / "tests" / "artifacts" / "csp_regions.md"
LIFETIME = 3600


def resolve(value: Any, region: str, account: str = ACCOUNT) -> str:
    """A CloudFormation string value with its pseudo-parameter tokens resolved."""
    return str(cfn.resolve(value, cfn.from_mapping(cfn.pseudo_parameters(region, account))))


def template_csp(template: dict[str, Any]) -> Any:
    [policy] = [
        r["Properties"]["ResponseHeadersPolicyConfig"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::CloudFront::ResponseHeadersPolicy"
    ]
    return policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]


def template_media_bucket_name(template: dict[str, Any]) -> Any:
    [name] = [
        r["Properties"]["BucketName"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::S3::Bucket" and "CorsConfiguration" in r["Properties"]
    ]
    return name


@dataclass(frozen=True)
class UrlKind:
    """One kind of URL the app gives a browser, where the app makes it, and the CSP directive
    that decides whether the browser may use it."""

    name: str
    directive: str
    why: str
    make: Callable[[S3BlobStore], str]


def _item(kind: Kind) -> MediaItem:
    item_id = "01J0000000000000000000000" + ("V" if kind is Kind.VIDEO else "P")
    return MediaItem(
        id=item_id,
        folder="/trip",
        name="clip.mp4" if kind is Kind.VIDEO else "photo.jpg",
        kind=kind,
        content_type="video/mp4" if kind is Kind.VIDEO else "image/jpeg",
        size=1234,
        uploaded_by="ann",
        status=Status.READY,
        thumbnails={s: thumbnail_key(item_id, s) for s in ("thumb", "preview")},
    )


PHOTO, VIDEO = _item(Kind.IMAGE), _item(Kind.VIDEO)


def _url(value: str | None) -> str:
    assert value, "the presenter gave no URL"
    return value


URL_KINDS = [
    UrlKind(
        "thumbnail",
        "img-src",
        "grid <img> (services/presenter.item_urls)",
        lambda b: _url(item_urls(PHOTO, b, LIFETIME)["thumbnail_url"]),
    ),
    UrlKind(
        "preview",
        "img-src",
        "viewer <img>, and <video poster> (img-src governs posters)",
        lambda b: _url(item_urls(VIDEO, b, LIFETIME)["preview_url"]),
    ),
    UrlKind(
        "original (video)",
        "media-src",
        "viewer <video src> (item_urls 'url' of a video)",
        lambda b: _url(item_urls(VIDEO, b, LIFETIME)["url"]),
    ),
    UrlKind(
        "original (photo)",
        "img-src",
        "the API's 'url' of a photo, shown by an <img> (the UI itself shows the preview)",
        lambda b: _url(item_urls(PHOTO, b, LIFETIME)["url"]),
    ),
    # A download is a navigation: ui/state/session.browser_download clicks an <a href> to the
    # signed URL, which answers Content-Disposition: attachment. CSP3 has no directive for
    # navigations, so none governs it; it is checked against connect-src, which a fetch()-based
    # download would need, so that the host stays the one every other use already allows.
    UrlKind(
        "download (attachment)",
        "connect-src",
        "<a href> navigation (no directive governs it); connect-src checked as a guard",
        lambda b: download_url(PHOTO, b, LIFETIME),
    ),
    # GET /api/media/{id}/rendition answers 302 to this URL (services/image_renditions.rendition_url
    # signs it exactly so; the redirect target is checked against the <img>'s img-src).
    UrlKind(
        "rendition",
        "img-src",
        "<img src=/api/media/{id}/rendition> → 302 to the signed WebP",
        lambda b: b.signed_get_url(
            rendition_key(PHOTO.id, RENDITION_WIDTHS[0]), expires_in=LIFETIME, content_type=WEBP
        ),
    ),
    UrlKind(
        "single PUT",
        "connect-src",
        "XMLHttpRequest PUT (assets/rdrive_upload.js; services/uploads/starting.py)",
        lambda b: b.signed_put_url(
            PHOTO.original_key, expires_in=LIFETIME, content_type="image/jpeg"
        ),
    ),
    UrlKind(
        "part PUT",
        "connect-src",
        "XMLHttpRequest PUT per part (services/uploads/signing.py)",
        lambda b: b.signed_part_url(VIDEO.original_key, "upload-id-1", 7, expires_in=LIFETIME),
    ),
]


def s3_everywhere(region: str) -> list[str]:
    """URLs of other buckets and S3 front doors: a policy that allows any of them through a
    directive allows all of S3 (an attacker's bucket included)."""
    other = "someone-elses-bucket"
    return [
        f"https://{other}.s3.amazonaws.com/x",
        f"https://{other}.s3.{region}.amazonaws.com/x",
        f"https://{other}.s3-{region}.amazonaws.com/x",
        f"https://{other}.s3.dualstack.{region}.amazonaws.com/x",
        f"https://{other}.s3-accelerate.amazonaws.com/x",
        f"https://s3.amazonaws.com/{other}/x",
        f"https://s3.{region}.amazonaws.com/{other}/x",
        f"https://{other}.s3-website-{region}.amazonaws.com/x",
    ]


@pytest.fixture(scope="module")
def other_region_template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The stack synthesized for another region (no cdk-nag: ~5 s)."""
    from infra.synth import build_app

    outdir = tmp_path_factory.mktemp("cdk.out.sa")
    app, stack = build_app(DeployConfig(region="sa-east-1"), outdir, nag=False)
    artifact = app.synth().get_stack_by_name(stack.stack_name)
    return dict(json.loads((outdir / artifact.template_file).read_text()))


def test_one_template_serves_every_region(
    synth: Synthesized, other_region_template: dict[str, Any]
) -> None:
    assert template_csp(other_region_template) == template_csp(synth.template)
    assert template_media_bucket_name(other_region_template) == template_media_bucket_name(
        synth.template
    )


def _table(rows: list[tuple[str, str, str, str, str]]) -> str:
    lines = [
        "| region | URL kind | directive (governing) | allowed | URL host |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines) + "\n"


def test_every_url_kind_is_allowed_in_every_region(
    synth: Synthesized, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)  # real AWS names; signing is offline
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    csp, bucket_name = template_csp(synth.template), template_media_bucket_name(synth.template)
    rows: list[tuple[str, str, str, str, str]] = []
    refused: list[str] = []
    for region in DEPLOY_REGIONS:
        policy = resolve(csp, region)
        bucket = resolve(bucket_name, region)
        # Virtual-hosted HTTPS needs a bucket name that is one DNS label (the wildcard
        # certificate *.s3.<region>.amazonaws.com covers no dotted name).
        assert "." not in bucket and len(bucket) <= 63 and bucket == bucket.lower(), bucket
        blobs = S3BlobStore(bucket, region)
        for kind in URL_KINDS:
            url = kind.make(blobs)
            ok = allows(policy, kind.directive, url, SITE)
            governing = governing_directive(parse_policy(policy), kind.directive) or "(none)"
            host = url.split("?", 1)[0].split("/")[2]
            rows.append((region, kind.name, f"{kind.directive} ({governing})", str(ok), host))
            if not ok:
                refused.append(f"{region} {kind.name} via {kind.directive}: {url}")
    table = _table(rows)
    TABLE.parent.mkdir(parents=True, exist_ok=True)
    TABLE.write_text(
        "# Presigned URL kinds × regions × CSP directive\n\n"
        + "\n".join(f"- {k.name}: {k.directive}, {k.why}" for k in URL_KINDS)
        + "\n\n"
        + table
    )
    print(table)
    assert len(rows) == len(DEPLOY_REGIONS) * len(URL_KINDS)
    assert not refused, "refused by the CSP:\n" + "\n".join(refused) + "\n\n" + table


def broad_s3_grants(policy: str, region: str) -> list[str]:
    """Each directive of ``policy`` that lets the page reach some other bucket."""
    return [
        f"{region} {directive} allows {url}"
        for directive in parse_policy(policy)
        for url in s3_everywhere(region)
        if allows(policy, directive, url, SITE)
    ]


@pytest.mark.parametrize(
    "source",
    ["https://*.s3.amazonaws.com", "*.amazonaws.com", "https://s3.amazonaws.com", "https:", "*"],
)
def test_the_broad_grant_check_catches_sources_that_allow_all_of_s3(source: str) -> None:
    region = "eu-west-1"
    narrow = "default-src 'self'; img-src 'self' https://mine.s3.eu-west-1.amazonaws.com"
    assert broad_s3_grants(narrow, region) == []
    assert broad_s3_grants(f"{narrow} {source}", region)


def test_no_directive_allows_all_of_s3(synth: Synthesized) -> None:
    csp, bucket_name = template_csp(synth.template), template_media_bucket_name(synth.template)
    broad: list[str] = []
    for region in DEPLOY_REGIONS:
        policy = resolve(csp, region)
        parsed = parse_policy(policy)
        broad += broad_s3_grants(policy, region)
        # Exactly one media source, the bucket's regional virtual-hosted name, where media goes.
        media = f"https://{resolve(bucket_name, region)}.s3.{region}.amazonaws.com"
        for directive in ("img-src", "media-src", "connect-src"):
            foreign = [s for s in parsed[directive] if s[0] != "'" and s not in ("data:", "blob:")]
            assert foreign == [media], f"{region} {directive}: {foreign}"
    assert not broad, "\n".join(broad[:20])


def test_deploy_regions_are_checked_and_others_refused() -> None:
    required = {"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1"}
    required |= {"ap-southeast-2", "ap-northeast-1", "sa-east-1"}
    assert required <= set(DEPLOY_REGIONS)
    assert len(set(DEPLOY_REGIONS)) == len(DEPLOY_REGIONS)
    with pytest.raises(ValueError, match="VPC origins"):
        DeployConfig(region="cn-north-1")
