"""The Places page: each country with its count and, under it, its cities with theirs; a city
opens the search for its photos."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.controls import listing, nav_link
from rdrive_app.ui.components.layout import list_page
from rdrive_app.ui.routes import TAGS_ROUTE
from rdrive_app.ui.state.places import CityRow, CountryRow, PlacesState

_NONE_YET = "No places yet: photos and videos with a GPS position appear here by country and city."
NO_PLACES = rx.cond(PlacesState.loaded, rx.callout(_NONE_YET, icon="map-pin", width="100%"))


def _city(city: ObjectVar[CityRow]) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.link(city.city, href=city.href, size="2"),
            rx.text(city.region, size="1", color_scheme="gray"),
            rx.spacer(),
            rx.text(city.count, size="1", color_scheme="gray"),
            align="baseline",
            width="100%",
        ),
        custom_attrs={"data-rdrive-city": city.city},
    )


def _country(country: ObjectVar[CountryRow]) -> rx.Component:
    return rx.el.section(
        rx.hstack(
            rx.heading(country.country, size="4", as_="h2"),
            rx.text(country.count, size="2", color_scheme="gray"),
            align="baseline",
            spacing="3",
        ),
        rx.el.ul(
            rx.foreach(country.cities, _city),
            style={"list_style": "none", "padding": "0", "margin": "0.5em 0 0 0"},
        ),
        custom_attrs={"aria-label": country.country, "data-rdrive-country": country.country},
        width="100%",
    )


def places_page() -> rx.Component:
    # a phone's bottom bar has no room for Tags: it is here
    tags = rx.box(nav_link("Tags", TAGS_ROUTE, "tags"), class_name="rdrive-phone-only")
    body = rx.fragment(
        rx.cond(
            PlacesState.error != "",
            rx.callout(PlacesState.error, icon="circle-alert", color_scheme="red", role="alert"),
        ),
        listing(PlacesState.countries, _country, spacing="5", width="100%", empty=NO_PLACES),
    )
    return list_page("Places", body, tags)
