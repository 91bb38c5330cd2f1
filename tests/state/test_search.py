"""Search, tags and descriptions in the app's state: the search page reads its URL and pages
its results, the Tags page counts, "Add tag" / "Remove tag" act on a selection, and the
viewer's panel describes and tags the open item; every refusal is the service's message."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import rdrive_app.ui.state.search as search_state
from rdrive_app.core.tags import MAX_DESCRIPTION_CHARS
from rdrive_app.ui.state.describe import DescribeState
from rdrive_app.ui.state.folder import FolderState
from rdrive_app.ui.state.organize import OrganizeState
from rdrive_app.ui.state.search import SearchState, result_line, search_href
from rdrive_app.ui.state.tags import TagRow, TagsState
from rdrive_app.ui.state.viewer import ViewerState
from tests.state import test_handlers_work
from tests.state.test_handlers_work import run, sibling, signed_in
from tests.state.test_timeline import seed

services = test_handlers_work.services  # the fixture: a fresh library with alice in it


def search_page(services, **query: str) -> SearchState:
    """The search page as its on_load leaves it for the URL's ``query``."""
    page = signed_in(SearchState, services, "/search", query)
    run(SearchState.load_search.fn, page)
    return page


def redirect_target(out) -> str:
    """Where a handler's redirect goes."""
    text = repr(out)
    return text.split("/search", 1)[1].split("'", 1)[0].split('"', 1)[0]


def test_search_href_names_only_what_narrows():
    assert search_href("beach") == "/search?q=beach"
    assert search_href("a&b c", kind="all", favorite=False) == "/search?q=a%26b+c"
    assert search_href(tag="sea side", kind="video", favorite=True) == (
        "/search?tag=sea+side&kind=video&favorite=1"
    )
    assert result_line(0, False, "“x”") == "No results for “x”"
    assert result_line(1, False, "") == "1 result" and result_line(60, True, "") == "60+ results"
    assert result_line(2, False, "“sea”") == "2 results for “sea”"


def test_tag_a_selection_then_find_it_on_the_tags_page_and_by_search(services):
    ids = seed(services, 4)
    folder = signed_in(FolderState, services, "/folder/Camera")
    tags = sibling(folder, TagsState)
    run(FolderState.load_folder.fn, folder)
    for item_id in ids[:3]:
        run(FolderState.toggle_select.fn, folder, item_id, False)
    run(TagsState.set_add_tag_open.fn, tags, True)
    run(TagsState.submit_add_tag.fn, tags, {"name": "a/b"})  # refused: nothing changes
    assert tags.add_tag_open and "/" in tags.add_tag_error
    assert all(services.items.get(i).tags == () for i in ids)
    out = run(TagsState.submit_add_tag.fn, tags, {"name": "  Beach  "})
    assert "Tagged 3 items “beach”" in repr(out) and not tags.add_tag_open
    assert [services.items.get(i).tags for i in ids] == [("beach",)] * 3 + [()]
    page = signed_in(TagsState, services, "/tags")
    run(TagsState.load_tags.fn, page)
    assert page.tags == [TagRow("beach", "3 items", "/search?tag=beach")] and page.loaded
    found = search_page(services, tag="beach")
    assert (
        sorted(found._item_ids()) == sorted(ids[:3])
        and found.summary == "3 results for tag “beach”"
    )
    assert sorted(search_page(services, q="BEA")._item_ids()) == sorted(ids[:3])
    # "Remove tag" on the search page's own selection; the results follow
    run(SearchState.toggle_select.fn, found, ids[0], False)
    tags = sibling(found, TagsState)
    run(TagsState.set_remove_tag_open.fn, tags, True)
    out = run(TagsState.submit_remove_tag.fn, tags, {"name": "beach"})
    assert "Removed “beach” from 1 item" in repr(out) and "load_search" in repr(out)
    assert services.items.get(ids[0]).tags == ()
    assert sorted(search_page(services, tag="beach")._item_ids()) == sorted(ids[1:3])


def test_the_viewers_panel_describes_and_tags_the_open_item(services):
    ids = seed(services, 3)
    folder = signed_in(FolderState, services, "/folder/Camera")
    viewer, panel = sibling(folder, ViewerState), sibling(folder, DescribeState)
    run(FolderState.load_folder.fn, folder)
    run(ViewerState.open_item.fn, viewer, ids[1])
    assert panel.item_id == ids[1] and panel.description == "" and panel.tags == []
    run(DescribeState.save_description.fn, panel, "Sunset over the lagoon at Grado")
    assert services.items.get(ids[1]).description == "Sunset over the lagoon at Grado"
    assert panel.saved and panel.description == "Sunset over the lagoon at Grado"
    run(DescribeState.save_description.fn, panel, "x" * (MAX_DESCRIPTION_CHARS + 1))
    assert str(MAX_DESCRIPTION_CHARS) in panel.error and not panel.saved
    assert services.items.get(ids[1]).description == "Sunset over the lagoon at Grado"
    run(DescribeState.add_tag.fn, panel, {"tag": "Holiday"})
    run(DescribeState.add_tag.fn, panel, {"tag": "holiday "})  # the same tag: kept once
    run(DescribeState.add_tag.fn, panel, {"tag": "sea"})
    assert panel.tags == ["holiday", "sea"] and panel.error == ""
    assert [c.href for c in panel.chips] == ["/search?tag=holiday", "/search?tag=sea"]
    run(DescribeState.add_tag.fn, panel, {"tag": "bad\x00tag"})
    assert panel.error and services.items.get(ids[1]).tags == ("holiday", "sea")
    run(DescribeState.remove_tag.fn, panel, "holiday")
    assert services.items.get(ids[1]).tags == ("sea",) and panel.tags == ["sea"]
    # the next item shows its own (empty) words; the described one is found by a word
    run(ViewerState.show_next.fn, viewer)
    assert panel.item_id == ids[2] and panel.description == "" and panel.error == ""
    assert search_page(services, q="lagoon")._item_ids() == [ids[1]]
    assert search_page(services, q="grado sunset")._item_ids() == [ids[1]]


def test_the_search_page_pages_filters_and_says_what_it_found(services, monkeypatch):
    monkeypatch.setattr(search_state, "PAGE_SIZE", 2)
    ids = seed(services, 5, prefix="lake")
    seed(services, 2, prefix="hill")
    services.items.set_favorite(ids[3], True)
    page = search_page(services, q="lake")
    assert page._item_ids() == ids[:2] and page.has_more and page.summary == "2+ results for “lake”"
    run(SearchState.load_more.fn, page)
    run(SearchState.load_more.fn, page)
    assert page._item_ids() == ids and not page.has_more and page.summary == "5 results for “lake”"
    assert page.searched_for == "“lake”"
    # the filter buttons go to the URL of the search they make
    assert redirect_target(run(SearchState.set_kind.fn, page, "video")) == ("?q=lake&kind=video")
    assert run(SearchState.set_kind.fn, page, "evil") == [None]
    assert redirect_target(run(SearchState.set_favorite.fn, page, True)) == "?q=lake&favorite=1"
    assert search_page(services, q="lake", kind="video")._item_ids() == []
    assert search_page(services, q="lake", favorite="1")._item_ids() == [ids[3]]
    none = search_page(services, q="volcano")
    assert none.summary == "No results for “volcano”" and none.error == ""
    # the box: its words, searched afresh
    out = run(SearchState.submit_search.fn, page, {"q": "  red hat "})
    assert parse_qs(urlsplit("/search" + redirect_target(out)).query) == {"q": ["red hat"]}
    assert redirect_target(run(SearchState.submit_search.fn, page, "junk")) == ""


def test_a_query_the_service_refuses_says_why(services):
    seed(services, 2)
    page = search_page(services, q="x" * 10_000)
    assert page.error and "characters" in page.error and page.items == [] and page.loaded
    assert search_page(services, tag="a/b").error  # a tag that cannot be one
    fine = search_page(services, q='" OR * NEAR(')
    assert fine.error == ""


def test_the_viewer_and_the_selection_act_on_the_results(services):
    ids = seed(services, 4, prefix="dune")
    page = search_page(services, q="dune")
    viewer = sibling(page, ViewerState)
    out = run(ViewerState.open_item.fn, viewer, ids[1])
    assert "q=dune" in repr(out) and f"item={ids[1]}" in repr(out)  # the search stays
    run(ViewerState.show_next.fn, viewer)
    assert viewer.open_id == ids[2]
    run(ViewerState.favorite_tile.fn, viewer, ids[0], True)
    assert [r.favorite for r in page.items] == [True, False, False, False]
    out = run(ViewerState.close.fn, viewer)
    assert "q=dune" in repr(out) and "item=" not in repr(out)
    run(SearchState.toggle_select.fn, page, ids[0], False)
    run(SearchState.toggle_select.fn, page, ids[3], True)  # shift: the run between
    assert page.selected == ids
    run(SearchState.clear_selection.fn, page)
    run(SearchState.toggle_select.fn, page, ids[2], False)
    run(OrganizeState.delete_selected.fn, sibling(page, OrganizeState))
    assert page._item_ids() == [ids[0], ids[1], ids[3]] and page.selected == []
    assert search_page(services, q="dune")._item_ids() == [ids[0], ids[1], ids[3]]
