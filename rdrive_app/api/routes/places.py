"""Places: the library grouped by country and city, with counts (the Places page)."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter

from rdrive_app.api import schemas as S
from rdrive_app.api.deps import CurrentUser, ServicesDep
from rdrive_app.api.openapi import error_responses

router = APIRouter(prefix="/api", tags=["places"])


@router.get("/places", response_model=S.PlacesOut, responses=error_responses(401))
async def list_places(user: CurrentUser, services: ServicesDep) -> S.PlacesOut:
    """Every country the items on the timeline (not uploading, not in the trash) were taken
    in, most items first, each with its cities and their counts. Search a city with
    ``/api/search?country=<country>&city=<city>``."""
    countries = await to_thread.run_sync(services.places.places)
    return S.PlacesOut(
        countries=[
            S.CountryOut(
                country=c.country,
                country_code=c.country_code,
                count=c.count,
                cities=[S.CityOut(city=p.city, region=p.region, count=p.count) for p in c.cities],
            )
            for c in countries
        ]
    )
