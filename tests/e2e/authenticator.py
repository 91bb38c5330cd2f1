"""Chromium's virtual WebAuthn authenticator (the DevTools protocol's WebAuthn domain): a
platform authenticator with resident keys and user verification that answers at once."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import CDPSession, Page


@dataclass(frozen=True)
class VirtualAuthenticator:
    """Keep it referenced for as long as the page needs it: the authenticator lives only as
    long as its DevTools session does."""

    devtools: CDPSession
    id: str

    def credentials(self) -> list[dict]:
        return self.devtools.send("WebAuthn.getCredentials", {"authenticatorId": self.id})[
            "credentials"
        ]


def virtual_authenticator(page: Page) -> VirtualAuthenticator:
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    made = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return VirtualAuthenticator(devtools, made["authenticatorId"])
