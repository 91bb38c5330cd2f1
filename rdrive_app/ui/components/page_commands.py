"""The bundle's end of the state → page commands (the protocol: ui/state/upload_protocol.py).

A handler's ``page_command(...)`` is Reflex's ``_set_value`` event for the ref
``refs["ref_rdrive_page"]``; the page applies it as ``ref.current.value = command``, with no
``eval``. This component's hook, compiled into the bundle, puts an object there whose ``value``
setter queues the command (with Reflex's toaster, which only bundle code can reach) for
``assets/rdrive_page.js`` and wakes it; a command that arrives before that script has loaded
waits in the queue, which the script drains when it starts.

That script is imported by the bundle (not a ``<script>`` that Helmet adds after the first
render): it runs before the app's socket connects, so its ``beforeunload`` listener is the
window's first and can keep a download from closing the socket.
"""

from __future__ import annotations

import reflex as rx
from reflex.utils.format import format_ref
from reflex.utils.imports import ImportVar

from rdrive_app.ui.state.upload_protocol import COMMAND_REF

PAGE_SCRIPT = "$/public/rdrive_page.js"  # assets/ is the bundle's public/
INBOX = "window.rdrivePageInbox"  # rdrive_page.js reads the same name
RECEIVER_HOOK = f"""refs["{format_ref(COMMAND_REF)}"] = {{ current: {{ set value(command) {{
  ({INBOX} = {INBOX} || []).push({{ command, toaster: refs["__toast"] }});
  if (window.rdrivePage) window.rdrivePage.drain();
}} }} }};"""


class PageCommands(rx.Fragment):
    """Renders nothing; its hook receives the state's commands."""

    def add_imports(self) -> dict[str, ImportVar]:
        return {"$/utils/state": ImportVar(tag="refs"), PAGE_SCRIPT: ImportVar(tag=None)}

    def add_hooks(self) -> list[str | rx.Var]:
        return [RECEIVER_HOOK]


def page_commands() -> rx.Component:
    return PageCommands.create()
