"""The messages between the browser's upload script and ``UploadState``, written down once.

The script (``assets/rdrive_upload.js``) reports through the hidden ``#rdrive-bridge`` input:
it writes one JSON object there per message, ``{"type": <name>, "seq": <n>, <fields>...}``,
and ``UploadState.bridge`` hands the fields to ``UploadState._on_<name>``. The state (and the
page) answer by calling the functions of ``window.rdriveUpload`` through ``rx.call_script``.

tests/state/test_upload_protocol.py reads the script and checks it against these lists: the
messages it sends and their fields, the fields of a chosen file and of a ticket, and the
functions it offers; and that the state has one handler per message, taking exactly its fields.
"""

from __future__ import annotations

import json

BRIDGE_ID = "rdrive-bridge"
SCRIPT_GLOBAL = "window.rdriveUpload"

# script → state: message type → its fields (besides "type" and "seq").
TO_STATE: dict[str, tuple[str, ...]] = {
    "hello": ("active",),  # the page (re)loaded: the cids its script is still sending
    "chosen": ("files",),  # files picked or dropped: a list of CHOSEN_FILE fields each
    "parts": ("cid", "item_id", "numbers"),  # more (or fresh) part URLs, please
    "progress": ("loaded",),  # {cid: bytes sent so far}
    "sent": ("cid", "item_id"),  # every byte arrived: complete the upload (answered by ack)
    "failed": ("cid", "item_id", "reason"),  # given up (the server refused, or too many tries)
}

# One file of a "chosen" message. "fingerprint" is the script's uploadFingerprint(name, size,
# lastModified): the state rebuilds it with core.fingerprint.upload_fingerprint and refuses a file
# whose two differ (a page still running an older script), so resuming never silently fails.
CHOSEN_FILE: tuple[str, ...] = (
    "cid",
    "name",
    "size",
    "type",
    "lastModified",
    "dir",
    "fingerprint",
)

# What the script needs to send one file (the first argument of "start" is a list of these).
TICKET: tuple[str, ...] = ("cid", "item_id", "multipart", "url", "headers", "done_parts")
MULTIPART_TICKET: tuple[str, ...] = (*TICKET, "part_size", "part_count", "urls")

# state (or page) → script: function of window.rdriveUpload → its parameters.
TO_SCRIPT: dict[str, tuple[str, ...]] = {
    "start": ("tickets", "dropped", "batch"),  # the accepted files; "batch" acks a "chosen"
    "addUrls": ("cid", "urls"),  # part number → signed URL
    "cancel": ("cid",),  # stop sending this file
    "ack": ("key",),  # a "chosen" or "sent" arrived: stop sending it again
}

# The keys under which the script resends a message until the state acks it.
ACK_CHOSEN = "chosen:"  # + the cid of the batch's first file
ACK_SENT = "sent:"  # + the cid


def script_call(function: str, *args: object) -> str:
    """The JavaScript that calls one of the script's functions with JSON arguments."""
    params = TO_SCRIPT[function]
    if len(args) != len(params):
        raise ValueError(f"{function} takes {params}, got {len(args)} arguments")
    return f"{SCRIPT_GLOBAL}.{function}({', '.join(json.dumps(a) for a in args)})"
