"""The demo tenants: who they are, where they sell and how big they are by default."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    """A sales area: an invented set of cities in one state, split into territories as reps grow."""

    name: str
    state: str
    zip_prefix: str
    phone_area: str
    cities: tuple[str, ...]
    # Where the area lies (latitude, longitude); its invented cities are spread around it.
    centre: tuple[float, float] = (47.6, -122.3)


@dataclass(frozen=True)
class TenantPreset:
    slug: str
    name: str
    timezone: str
    currency: str
    customers: int
    products: int
    reps: int
    account_prefix: str
    areas: tuple[Area, ...]

    @property
    def email_domain(self) -> str:
        return f"{self.slug}.example"


CASCADE_AREAS = (
    Area(
        "Puget Metro",
        "WA",
        "981",
        "206",
        ("Alder Falls", "Port Halvard", "Cedarmere", "Kellan Heights"),
        (47.61, -122.33),
    ),
    Area("North Sound", "WA", "982", "360", ("Marrow Bay", "Skyline Point", "Tern Harbor"), (48.42, -122.33)),
    Area(
        "Willamette",
        "OR",
        "973",
        "503",
        ("Oakhollow", "Brindle", "Fernwood Crossing", "Laurelton"),
        (44.94, -123.03),
    ),
    Area("Columbia Gorge", "OR", "970", "541", ("Riverbend", "Haldane", "Windy Flats"), (45.71, -121.52)),
    Area("Inland Valley", "WA", "989", "509", ("Sagebrook", "Yarrow", "Copper Springs"), (46.60, -120.51)),
    Area("Coast", "OR", "971", "971", ("Gull Rock", "Seahaven", "Driftwood"), (45.52, -123.93)),
)

NORTHWIND_AREAS = (
    Area("Lakeshore", "IL", "606", "312", ("Harlow Park", "Bellwater", "North Quay"), (41.88, -87.63)),
    Area("Prairie", "WI", "535", "608", ("Millbrook", "Elm Prairie", "Stonefield"), (43.07, -89.40)),
)

PRESETS = {
    "demo": TenantPreset(
        slug="demo",
        name="Cascade Wine & Spirits",
        timezone="America/Los_Angeles",
        currency="USD",
        customers=300,
        products=150,
        reps=4,
        account_prefix="CW",
        areas=CASCADE_AREAS,
    ),
    "northwind": TenantPreset(
        slug="northwind",
        name="Northwind Beverage Co.",
        timezone="America/Chicago",
        currency="USD",
        customers=40,
        products=60,
        reps=2,
        account_prefix="NW",
        areas=NORTHWIND_AREAS,
    ),
}

DEFAULT_SLUGS = ("demo", "northwind")
CUSTOMERS_PER_REP = 250
REPS_PER_MANAGER = 8


def preset_for(slug: str) -> TenantPreset:
    """Return the preset of a known demo slug, or a generic distributor named after ``slug``."""
    if slug in PRESETS:
        return PRESETS[slug]
    words = slug.replace("-", " ").replace("_", " ").title()
    return TenantPreset(
        slug=slug,
        name=f"{words} Beverage Distributors",
        timezone="America/Los_Angeles",
        currency="USD",
        customers=300,
        products=150,
        reps=4,
        account_prefix="".join(w[0] for w in words.split())[:3].upper() or "AC",
        areas=CASCADE_AREAS,
    )
