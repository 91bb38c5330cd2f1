"""How guessable a new password is, estimated offline with zxcvbn.

ASVS 2.1.7 asks for a check against breached or common passwords. zxcvbn (Dropbox's estimator)
ships its own lists of common passwords, names and words and also scores keyboard walks, dates,
repeats and l33t spellings, so it needs no network and no breach corpus of our own. Score 3
("safely unguessable") is asked for: about 10^8 guesses or more, which bcrypt at 12 rounds makes
years of work for one stolen hash.
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

from rdrive_app.core.errors import InvalidInput

MIN_PASSWORD_SCORE = 3
# zxcvbn's cost grows with the length; a bcrypt password is at most 72 bytes anyway.
MAX_SCORED_CHARS = 72


def check_password_strength(password: str, user_inputs: Iterable[str] = ()) -> None:
    """Refuse ``password`` with zxcvbn's reason when it scores below MIN_PASSWORD_SCORE.
    ``user_inputs`` are words this account makes easy to guess (its name, "rdrive")."""
    words = ["rdrive", *(word for word in user_inputs if word)]
    result = zxcvbn(password[:MAX_SCORED_CHARS], user_inputs=words)
    if result["score"] >= MIN_PASSWORD_SCORE:
        return
    feedback = result.get("feedback") or {}
    reasons = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
    hint = " ".join(reason for reason in reasons if reason) or "Add another word or two."
    raise InvalidInput(f"this password is too easy to guess. {hint}")
