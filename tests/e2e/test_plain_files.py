"""A folder's plain files in Chromium: a PDF and an XMP sidecar uploaded with "Upload" are file
tiles with their type and size, open in the viewer with Download (no heart, no album), download
as they came, and never show on Photos; a .DS_Store is kept but never shown."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot
from tests.e2e.test_library import new_folder, open_folder, sign_in

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>\n'


def test_plain_files_are_file_tiles(page: Page, app_server, tmp_path: Path):
    files = {"tickets.pdf": PDF, "IMG_0001.XMP": XMP, ".DS_Store": b"\x00\x00\x00\x01Bud1"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    sign_in(page, app_server)
    new_folder(page, "Papers")
    open_folder(page, "Papers")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Upload", exact=True).click()
    chooser.value.set_files([str(tmp_path / name) for name in files])
    expect(page.get_by_text("3 of 3 uploaded")).to_be_visible(timeout=60_000)

    pdf = page.get_by_role("button", name="tickets.pdf", exact=True)
    expect(pdf).to_be_visible()
    expect(pdf.get_by_text("PDF · 77 bytes")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="IMG_0001.XMP", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=".DS_Store", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Favourite tickets.pdf")).to_have_count(0)
    shot(page, "60-plain-files")

    pdf.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("PDF · 77 bytes")).to_be_visible()
    expect(dialog.get_by_role("button", name="Favourite")).to_have_count(0)
    expect(dialog.get_by_role("button", name="Add to album")).to_have_count(0)
    with page.expect_download() as info:
        dialog.get_by_role("button", name="Download").click()
    assert info.value.suggested_filename == "tickets.pdf"
    assert Path(info.value.path()).read_bytes() == PDF
    page.keyboard.press("Escape")

    page.get_by_role("link", name="Photos").click()
    expect(page.get_by_role("heading", name="Photos")).to_be_visible()
    expect(page.get_by_role("button", name="tickets.pdf", exact=True)).to_have_count(0)
