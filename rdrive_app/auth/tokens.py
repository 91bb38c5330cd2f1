"""Session tokens: HS256 JWTs with exp, iat, sub and the user's token version.

The algorithm is pinned on decode (no ``alg: none``, no key confusion), and the version claim
lets a password change sign out every token issued before it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

from rdrive_app.core.errors import NotAuthenticated

ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a valid token says: who, which password generation, and until when."""

    username: str
    version: int
    issued_at: int
    expires_at: int


def issue_token(username: str, version: int, secret: str, lifetime_s: int) -> str:
    """A signed token for ``username`` valid for ``lifetime_s`` seconds."""
    now = int(time.time())
    claims = {"sub": username, "ver": version, "iat": now, "exp": now + lifetime_s}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(token: object, secret: str) -> TokenClaims:
    """The claims of a genuine, unexpired token; NotAuthenticated for anything else."""
    if not isinstance(token, str) or not token:
        raise NotAuthenticated("sign in first")
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "ver"]},
        )
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("your session has expired; sign in again") from None
    except jwt.PyJWTError:
        raise NotAuthenticated("invalid session; sign in again") from None
    sub, ver = claims.get("sub"), claims.get("ver")
    if not isinstance(sub, str) or not isinstance(ver, int) or isinstance(ver, bool):
        raise NotAuthenticated("invalid session; sign in again")
    return TokenClaims(sub, ver, int(claims["iat"]), int(claims["exp"]))
