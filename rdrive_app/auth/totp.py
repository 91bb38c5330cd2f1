"""Two-factor codes (RFC 6238 TOTP) with pyotp, and the enrolment QR code drawn with qrcode.

A code is accepted in its own 30-second step or one step either side (a phone's clock a little
off), and only for a step later than the last one accepted: a code seen over a shoulder or in a
log cannot be used again, even inside its window.
"""

from __future__ import annotations

import base64
import hmac
import time

import pyotp
import qrcode
import qrcode.image.svg

ISSUER = "rDrive"
DIGITS = 6
STEP_S = 30
CLOCK_SLACK_STEPS = 1


def new_secret() -> str:
    """A fresh 160-bit secret in base32, as authenticator apps take it."""
    return pyotp.random_base32()


def otpauth_uri(secret: str, account_name: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_S).provisioning_uri(
        name=account_name, issuer_name=ISSUER
    )


def qr_svg_data_uri(text: str) -> str:
    """``text`` as a QR code, an SVG in a data: URI (drawn here: nothing leaves the server)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def normalise_code(code: object) -> str:
    """What a person typed, without spaces or dashes ("123 456" is "123456")."""
    if not isinstance(code, str):
        return ""
    return "".join(code.split()).replace("-", "").casefold()


def accepted_step(
    secret: str, code: object, last_step: int, now: float | None = None
) -> int | None:
    """The step ``code`` belongs to when it is right for one of the steps around ``now`` and
    later than ``last_step``; None otherwise."""
    typed = normalise_code(code)
    if len(typed) != DIGITS or not (typed.isascii() and typed.isdigit()):  # "１２３" is a digit too
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_S)
    current = int((time.time() if now is None else now) // STEP_S)
    for step in range(current - CLOCK_SLACK_STEPS, current + CLOCK_SLACK_STEPS + 1):
        if step > last_step and hmac.compare_digest(totp.generate_otp(step), typed):
            return step
    return None
