"""Session tokens: HS256 JWTs with exp, iat, sub, the account's id, its token version and the
session they belong to.

The algorithm is pinned on decode (no ``alg: none``, no key confusion). The version claim lets
a password change or a sign-out everywhere revoke every token issued before it; the account id
claim ties a token to one account, so a name removed and made again (its version back at 1)
accepts none of the old account's tokens. The session claim (``sid``) names the session record
(services/sessions.py), so ending that session ends this token alone. Tokens from before account
ids or sessions carry no ``aid`` or ``sid`` and are refused: their holders sign in once more.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

from rdrive_app.core.domain import User
from rdrive_app.core.errors import NotAuthenticated

ALGORITHM = "HS256"
INVALID = "invalid session; sign in again"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a valid token says: who (name and account), which generation, which session,
    until when."""

    username: str
    account_id: str
    version: int
    session_id: str
    issued_at: int
    expires_at: int


def issue_token(user: User, secret: str, lifetime_s: int, session_id: str) -> str:
    """A signed token for ``user``'s session ``session_id``, valid for ``lifetime_s`` seconds."""
    now = int(time.time())
    claims = {
        "sub": user.name,
        "aid": user.account_id,
        "ver": user.token_version,
        "sid": session_id,
        "iat": now,
        "exp": now + lifetime_s,
    }
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
            options={"require": ["exp", "iat", "sub", "aid", "ver", "sid"]},
        )
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("your session has expired; sign in again") from None
    except jwt.PyJWTError:
        raise NotAuthenticated(INVALID) from None
    sub, aid, ver, sid = (claims.get(k) for k in ("sub", "aid", "ver", "sid"))
    if not isinstance(sub, str) or not isinstance(aid, str) or not aid:
        raise NotAuthenticated(INVALID)
    if not isinstance(sid, str) or not sid:
        raise NotAuthenticated(INVALID)
    if not isinstance(ver, int) or isinstance(ver, bool):
        raise NotAuthenticated(INVALID)
    return TokenClaims(sub, aid, ver, sid, int(claims["iat"]), int(claims["exp"]))
