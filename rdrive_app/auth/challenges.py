"""The "second step" token between a right password and a right second factor.

It says "this person knew the password of this account a moment ago" and nothing more: it
lives five minutes, is signed with a key derived for this purpose alone (so it can never pass
as a session token, which also needs a session claim it does not have), and names the
account's id and token version, so a password change or sign-out everywhere voids it too.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

import jwt

from rdrive_app.core.errors import NotAuthenticated


@dataclass(frozen=True, slots=True)
class Challenge:
    """Whose password was right: the name, the account's id and its token version then."""

    username: str
    account_id: str
    version: int


ALGORITHM = "HS256"
PURPOSE = "second-factor"
LIFETIME_S = 300
EXPIRED = "the sign-in took too long; enter your password again"
INVALID = "this sign-in step is not valid; enter your password again"


def _key(secret: str) -> str:
    return hmac.new(secret.encode(), b"rdrive second-factor challenge", hashlib.sha256).hexdigest()


def issue_challenge(username: str, account_id: str, version: int, secret: str) -> str:
    now = int(time.time())
    claims = {
        "sub": username,
        "aid": account_id,
        "ver": version,
        "purpose": PURPOSE,
        "iat": now,
        "exp": now + LIFETIME_S,
    }
    return jwt.encode(claims, _key(secret), algorithm=ALGORITHM)


def decode_challenge(token: object, secret: str) -> Challenge:
    """The account a genuine, unexpired challenge names; NotAuthenticated for anything else."""
    if not isinstance(token, str) or not token:
        raise NotAuthenticated(INVALID)
    try:
        claims = jwt.decode(
            token,
            _key(secret),
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "aid", "ver", "purpose"]},
        )
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated(EXPIRED) from None
    except jwt.PyJWTError:
        raise NotAuthenticated(INVALID) from None
    sub, aid, ver = claims.get("sub"), claims.get("aid"), claims.get("ver")
    if claims.get("purpose") != PURPOSE or not isinstance(sub, str) or not isinstance(aid, str):
        raise NotAuthenticated(INVALID)
    if not isinstance(ver, int) or isinstance(ver, bool):
        raise NotAuthenticated(INVALID)
    return Challenge(sub, aid, ver)
