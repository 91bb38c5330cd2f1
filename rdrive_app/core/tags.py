"""The rules of a user's words on an item: its tags and its description.

A tag is a short label a person types and then looks for, so two spellings of the same word
must be one tag: tags are NFC, trimmed, inner runs of white space made one space, and compared
without case (stored lower-cased, as Google Photos' and Immich's tags read). Otherwise a tag
follows the rules of a name (no control or invisible characters, no '/').
"""

from __future__ import annotations

import re
import unicodedata

from rdrive_app.core.domain import validate_name
from rdrive_app.core.errors import InvalidInput

MAX_TAG_CHARS = 64
MAX_TAGS = 50  # on one item
MAX_DESCRIPTION_CHARS = 5000
_SPACES = re.compile(r"\s+")


def normalize_tag(tag: object) -> str:
    """The one spelling of a tag, or InvalidInput saying why it cannot be one."""
    if not isinstance(tag, str):
        raise InvalidInput("a tag must be text")
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", tag)).strip().lower()
    if not text:
        raise InvalidInput("a tag cannot be empty")
    if len(text) > MAX_TAG_CHARS:
        raise InvalidInput(f"a tag can be at most {MAX_TAG_CHARS} characters")
    try:
        validate_name(text)
    except InvalidInput as exc:
        raise InvalidInput(str(exc).replace("a name", "a tag")) from None
    return text


def check_tags(tags: object) -> tuple[str, ...]:
    """An item's tags: each normalised, each once, in the order given, at most MAX_TAGS."""
    if not isinstance(tags, list | tuple):
        raise InvalidInput("tags must be a list of text")
    clean = tuple(dict.fromkeys(normalize_tag(t) for t in tags))
    if len(clean) > MAX_TAGS:
        raise InvalidInput(f"an item can have at most {MAX_TAGS} tags")
    return clean


def with_tags(have: tuple[str, ...], add: tuple[str, ...], remove: tuple[str, ...]) -> tuple:
    """``have`` with ``add`` joined at the end and ``remove`` left out (a selection's edit)."""
    gone = set(remove)
    return check_tags([t for t in (*have, *add) if t not in gone])


def check_description(text: object) -> str:
    """A description: free text (line breaks and tabs kept) of at most MAX_DESCRIPTION_CHARS."""
    if not isinstance(text, str):
        raise InvalidInput("a description must be text")
    text = unicodedata.normalize("NFC", text).strip()
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise InvalidInput(f"a description can be at most {MAX_DESCRIPTION_CHARS} characters")
    for ch in text:
        category = unicodedata.category(ch)
        if (category == "Cc" and ch not in "\n\t") or category == "Cs":
            raise InvalidInput("a description cannot contain control characters")
    return text
