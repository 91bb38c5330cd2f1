"""The CSP matcher (tests/infra/csp.py) against known answers from the CSP3 spec's rules and
its examples: each case says what a browser does, so a wrong matcher fails here first."""

from __future__ import annotations

import pytest

from tests.infra.csp import allows, parse_policy, url_matches_expression

SITE = "https://site.example"

CASES = [
    # (expression, url, matches)
    ("https://example.com", "https://example.com/a/b.jpg?x=1", True),
    ("https://example.com", "http://example.com/", False),  # no downgrade
    ("https://example.com", "https://www.example.com/", False),
    ("https://example.com", "https://example.com:8443/", False),
    ("https://example.com", "https://example.com:443/", True),  # the default port
    ("http://example.com", "https://example.com/", True),  # secure upgrade allowed
    ("http://example.com", "https://example.com:8443/", False),
    ("example.com", "https://example.com/", True),  # no scheme: the page's (https)
    ("example.com", "http://example.com/", False),
    ("*.example.com", "https://a.b.example.com/", True),
    ("*.example.com", "https://example.com/", False),
    ("*.example.com", "https://evilexample.com/", False),
    ("https://*.s3.amazonaws.com", "https://bucket.s3.amazonaws.com/k", True),
    ("https://*.s3.amazonaws.com", "https://bucket.s3.eu-west-1.amazonaws.com/k", False),
    ("https://example.com:*", "https://example.com:8443/", True),
    ("https://example.com/media/", "https://example.com/media/a.jpg", True),
    ("https://example.com/media/", "https://example.com/mediax", False),
    ("https://example.com/media", "https://example.com/media", True),
    ("https://example.com/media", "https://example.com/media/a.jpg", False),
    ("https:", "https://anything.example/", True),
    ("https:", "http://anything.example/", False),
    ("data:", "data:image/png;base64,AAAA", True),
    ("*", "https://anything.example/", True),
    ("*", "data:image/png;base64,AAAA", False),
    ("*", "blob:https://site.example/0f3c", False),
    ("'self'", "https://site.example/x", True),
    ("'self'", "wss://site.example/_event", True),
    ("'self'", "https://other.example/x", False),
    ("'self'", "https://site.example:8443/x", False),
    ("'unsafe-inline'", "https://site.example/x", False),
    ("'none'", "https://site.example/x", False),
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000/x", False),  # spec: hosts are domains
    ("HTTPS://EXAMPLE.COM", "https://example.com/", True),
]


@pytest.mark.parametrize(("expression", "url", "matches"), CASES)
def test_expression_matching(expression: str, url: str, matches: bool) -> None:
    assert url_matches_expression(url, expression, SITE) is matches


def test_directives_fall_back_to_default_src_and_the_first_one_wins() -> None:
    policy = "default-src 'self'; img-src https://cdn.example; img-src https:"
    assert parse_policy(policy)["img-src"] == ["https://cdn.example"]
    assert allows(policy, "img-src", "https://cdn.example/a.png", SITE)
    assert not allows(policy, "img-src", "https://other.example/a.png", SITE)
    assert allows(policy, "connect-src", "https://site.example/api", SITE)  # default-src
    assert not allows(policy, "connect-src", "https://cdn.example/a.png", SITE)
    assert not allows("img-src 'none'", "img-src", "https://site.example/a.png", SITE)
    assert allows("img-src 'none'", "media-src", "https://x.example/v.mp4", SITE)  # ungoverned
