"""The app's URL routes as plain values: the pages and the CDN's URI rewrite (infra) name them.

``SPA_ROUTE_PREFIXES`` are the dynamic routes: the static export has no file for
``/folder/a/b`` or ``/albums/<id>``, so the distribution's viewer-request function serves the
app shell (``404.html``, whose client-side router renders the route) with a 200 for them.
"""

from __future__ import annotations

FOLDER_ROUTE_PREFIX = "/folder"  # the root folder is /folder itself
PHOTOS_ROUTE = "/photos"  # the timeline; "/" shows it too (where a signed-in user lands)
FAVORITES_ROUTE = "/favorites"
PLACES_ROUTE = "/places"  # countries and cities with counts, each city a link to its search
ALBUMS_ROUTE = "/albums"  # the list; one album is /albums/<id>
SEARCH_ROUTE = "/search"  # ?q=<words>&tag=&kind=&favorite=&country=&city=
TAGS_ROUTE = "/tags"  # the tags with their counts, each a link to its search
TRASH_ROUTE = "/trash"  # what was deleted, restorable until it is emptied
SETTINGS_ROUTE = "/settings"  # the account: where it is signed in
SHARE_ROUTE = "/share"  # "Share → rDrive": the manifest's share target (assets/rdrive_sw.js)
SPA_ROUTE_PREFIXES: tuple[str, ...] = (FOLDER_ROUTE_PREFIX, ALBUMS_ROUTE)
SPA_SHELL = "/404.html"
