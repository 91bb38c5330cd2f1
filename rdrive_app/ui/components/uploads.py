"""The "Upload" file input, the drop target and the upload panel with per-file progress."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar
from reflex.vars.function import ArgsFunctionOperation

from rdrive_app.ui.components.controls import (
    dismiss_button,
    hidden_bridge,
    labelled_button,
    shrinking,
)
from rdrive_app.ui.state.upload_protocol import BRIDGE_ID
from rdrive_app.ui.state.uploads import UploadRow, UploadState

FILE_INPUT_ID = "rdrive-file-input"
# The click handler itself, compiled into the bundle: it runs in the click (a file chooser
# needs the user's gesture) and without eval (rx.call_script's code is eval'd, which the
# deployed Content-Security-Policy refuses).
OPEN_FILE_PICKER = ArgsFunctionOperation.create(
    (), rx.Var(f"document.getElementById({FILE_INPUT_ID!r}).click()")
)


def upload_button() -> rx.Component:
    """A button "Upload" that opens the (visually hidden) file input also labelled "Upload".

    The input is aria-hidden: a file input is a button to assistive technology, and two
    buttons named "Upload" would leave a screen reader (or a test asking for the button by
    role and name) with two of them. It keeps its label for tools that set files on it."""
    return rx.fragment(
        rx.el.input(
            id=FILE_INPUT_ID,
            type="file",
            multiple=True,
            custom_attrs={"data-rdrive-upload": "1"},
            aria_label="Upload",
            aria_hidden="true",
            tab_index=-1,
            style={
                "position": "absolute",
                "width": "1px",
                "height": "1px",
                "opacity": "0",
                "overflow": "hidden",
                "pointer_events": "none",
            },
        ),
        labelled_button(
            "Upload",
            icon="upload",
            on_click=OPEN_FILE_PICKER,
        ),
    )


def bridge() -> rx.Component:
    """The hidden input through which assets/rdrive_upload.js reports to the state
    (the messages: ui/state/upload_protocol.py).

    The script says "hello" when it sees this element mounted (after each page load): which
    uploads it is still sending, so the state can tell the rows a reload cut off."""
    return hidden_bridge(BRIDGE_ID, UploadState.bridge)


def _upload_row(row: ObjectVar[UploadRow]) -> rx.Component:
    return rx.hstack(
        shrinking(
            rx.text(row.name, size="2", truncate=True, weight="medium"),
            rx.cond(
                row.state == "error",
                rx.text(row.error, size="1", color_scheme="red", role="alert"),
                rx.cond(
                    row.state == "done",
                    rx.text("Uploaded", size="1", color_scheme="green"),
                    rx.cond(
                        row.state == "checking",
                        rx.text("Checking…", size="1", color_scheme="gray"),
                        rx.vstack(
                            rx.progress(
                                value=row.percent,
                                max=100,
                                size="1",
                                aria_label=f"Progress of {row.name}",
                            ),
                            rx.text(
                                row.percent.to_string() + " %",
                                rx.cond(row.rate != "", f" · {row.rate}", ""),
                                size="1",
                                color_scheme="gray",
                            ),
                            spacing="1",
                            width="100%",
                        ),
                    ),
                ),
            ),
            spacing="1",
        ),
        rx.cond(
            row.cancellable,
            dismiss_button(
                f"Cancel {row.name}", UploadState.cancel_upload(row.cid), color_scheme="gray"
            ),
        ),
        width="100%",
        align="center",
    )


def upload_panel() -> rx.Component:
    return rx.cond(
        UploadState.uploads.length() > 0,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.text("Uploads", weight="bold"),
                    rx.spacer(),
                    rx.cond(
                        UploadState.active_count == 0,
                        rx.button(
                            "Clear", size="1", variant="ghost", on_click=UploadState.clear_finished
                        ),
                    ),
                    width="100%",
                ),
                rx.text(UploadState.summary, size="1", color_scheme="gray", role="status"),
                rx.progress(value=UploadState.total_percent, max=100, aria_label="Total progress"),
                rx.scroll_area(
                    rx.vstack(
                        rx.foreach(UploadState.uploads, _upload_row), spacing="2", width="100%"
                    ),
                    max_height="40vh",
                    type="auto",
                    scrollbars="vertical",
                ),
                spacing="2",
                width="100%",
            ),
            position="fixed",
            class_name="rdrive-above-bottom-bar",
            right="16px",
            width="min(360px, calc(100vw - 32px))",
            z_index="20",
            aria_label="File transfers",
            role="region",
        ),
    )
