"""The messages between the page's scripts and the states, written down once.

Script → state: the upload script (``assets/rdrive_upload.js``) reports through the hidden
``#rdrive-bridge`` input: it writes one JSON object there per message, ``{"type": <name>,
"seq": <n>, <fields>...}``, and ``UploadState.bridge`` hands the fields to
``UploadState._on_<name>``.

State → page: a handler returns ``page_command(<name>, <args>...)``, one of ``COMMANDS``. No
``rx.call_script``: Reflex runs that (and ``rx.toast``, ``rx.call_function`` with a string sent
from the backend) through ``eval``, which the deployed Content-Security-Policy refuses (no
'unsafe-eval'). A command is Reflex's own ``_set_value`` event, which the page applies without
``eval``, aimed at a ref that is no element: ``ui/components/page_commands.py`` compiles into
the bundle an object under ``refs["ref_<COMMAND_REF>"]`` whose ``value`` setter hands the
command, ``{"fn": <name>, "args": [...]}``, to ``assets/rdrive_page.js``, which calls the
function of that name in its table and nothing else. A command is an event of the answer that
carries it, not state: it runs once, in the order the handler returned it, and a reloaded page
(whose state Reflex restores) never sees it again.

tests/state/test_upload_protocol.py reads the scripts and checks them against these lists: the
messages the upload script sends and their fields, the fields of a chosen file and of a ticket,
the functions it offers, and the page script's table of commands with their parameters; and
that the state has one handler per message, taking exactly its fields.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventSpec

BRIDGE_ID = "rdrive-bridge"
COMMAND_REF = "rdrive_page"  # the ref's name: refs["ref_rdrive_page"] in the bundle

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

# state → upload script: function of window.rdriveUpload → its parameters.
TO_SCRIPT: dict[str, tuple[str, ...]] = {
    "start": ("tickets", "dropped", "batch"),  # the accepted files; "batch" acks a "chosen"
    "addUrls": ("cid", "urls"),  # part number → signed URL
    "cancel": ("cid",),  # stop sending this file
    "ack": ("key",),  # a "chosen" or "sent" arrived: stop sending it again
}

# The keys under which the script resends a message until the state acks it.
ACK_CHOSEN = "chosen:"  # + the cid of the batch's first file
ACK_SENT = "sent:"  # + the cid


# state → page script: what the page does itself → its parameters.
TO_PAGE: dict[str, tuple[str, ...]] = {
    "download": ("url",),  # fetch this URL as a download (it answers "attachment")
    "setQuery": ("query",),  # the address bar's "?..." ("" for none), without a navigation
    "toast": ("level", "message", "duration"),  # a TOAST_LEVELS notice for duration ms; null stays
    "passkeyCreate": ("options",),  # make a passkey (WebAuthn creation options, as JSON)
    "passkeyGet": ("options",),  # sign in with one (request options); both answer the bridge
    "shareSend": ("ids",),  # upload these shared files (rdrive_share.js) into the open folder
    "shareDiscard": ("ids",),  # forget these shared files
}

# Every command rdrive_page.js runs: the upload script's functions and the page's own.
COMMANDS: dict[str, tuple[str, ...]] = {**TO_SCRIPT, **TO_PAGE}
TOAST_LEVELS: tuple[str, ...] = ("success", "error", "info", "warning")


def page_command(name: str, *args: Any) -> EventSpec:
    """The event that makes the page run command ``name`` with ``args`` (JSON values)."""
    params = COMMANDS[name]
    if len(args) != len(params):
        raise ValueError(f"{name} takes {params}, got {len(args)} arguments")
    return rx.set_value(COMMAND_REF, {"fn": name, "args": list(args)})
