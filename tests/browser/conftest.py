"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

We never download browsers (no ``playwright install``): the system package /usr/bin/chromium is
launched directly. Without it the tests skip with a loud reason on a workstation, and fail in CI
(``CI`` set) where a missing browser means the machine set-up is broken.

Fixtures:
    browser            one headless Chromium for the browser tests
    desktop / phone    a fresh page at 1366x800 or 390x844 (touch), closed after the test
    live_url           the live server's base URL; requesting it (or any page fixture) makes the
                       test transactional so the server thread sees the test's rows
    sign_in(page, email)   logs in through the real login form and waits for the home page
    toast_shown(page, text)  waits until a toast containing ``text`` has appeared on the current page
    screenshot(page, name, full_page=True) saves tests/browser/screenshots/<name>.png (git-ignored)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.conftest import World

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "pw-for-tests-1"  # the password tests.factories.make_user gives everyone
# Every wait (actions, navigations, wait_for, wait_for_function) may take this long. Quiet runs never
# come close; a machine whose cores are busy with other work can take many seconds to serve a page.
WAIT_MS = 60_000
# Toasts remove themselves after six seconds, so a slow test could look for one that has already
# gone. Every toast added to the page is remembered here, so tests ask "was it shown?" instead.
RECORD_TOASTS = """
window.__toastsShown = [];
new MutationObserver(function (records) {
  records.forEach(function (record) {
    record.addedNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.classList.contains("toast")) window.__toastsShown.push(node);
    });
  });
}).observe(document, { childList: true, subtree: true });
"""


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = (
        f"BROWSER TESTS NOT RUN: {CHROMIUM} is missing. Install Debian's chromium package "
        "(apt-get install chromium); never `playwright install`."
    )
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="package", autouse=True)
def _orm_beside_playwright() -> Iterator[None]:
    # Playwright's sync API keeps an asyncio loop on this thread; Django then refuses ORM calls
    # from it, including the database flush after each transactional test. Our set-up and
    # teardown are plain synchronous code, so the guard is lifted for this package only.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture
def live_url(live_server: Any, transactional_db: None) -> str:
    return str(live_server.url)


def _page(browser: Any, live_url: str, **context_options: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_url, **context_options)
    context.set_default_timeout(WAIT_MS)
    context.set_default_navigation_timeout(WAIT_MS)
    context.add_init_script(RECORD_TOASTS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def desktop(browser: Any, live_url: str) -> Iterator[Any]:
    yield from _page(browser, live_url, viewport={"width": 1366, "height": 800})


@pytest.fixture
def phone(browser: Any, live_url: str) -> Iterator[Any]:
    yield from _page(
        browser,
        live_url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


@pytest.fixture
def sign_in() -> Callable[[Any, str], None]:
    def run(page: Any, email: str) -> None:
        page.goto("/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        # "**/" would already match /login/ itself; wait for the home page the form redirects to.
        page.wait_for_url(lambda url: urlparse(url).path == "/")

    return run


@pytest.fixture
def toast_shown() -> Callable[[Any, str], None]:
    def run(page: Any, text: str) -> None:
        page.wait_for_function(
            "text => window.__toastsShown.some(node => node.textContent.includes(text))", arg=text
        )

    return run


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    def run(page: Any, name: str, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return run


_VENUES = [
    ("Blue Door Bistro", "Napa", "ACTIVE"),
    ("Fig & Vine Wine Shop", "Sonoma", "ACTIVE"),
    ("Harbor Lights Hotel", "Sausalito", "ACTIVE"),
    ("The Copper Still", "Oakland", "TARGET"),
    ("Olive Grove Trattoria", "Berkeley", "ACTIVE"),
    ("Redwood Grocers", "Santa Rosa", "ACTIVE"),
    ("Sunset Tap Room", "San Francisco", "PROSPECT"),
    ("Marina Oyster Bar", "San Francisco", "ACTIVE"),
    ("Cellar Door Bistro", "Petaluma", "TARGET"),
    ("Hillside Market", "Healdsburg", "ACTIVE"),
    ("Lantern Cocktail Club", "Oakland", "PROSPECT"),
    ("Vineyard View Inn", "St. Helena", "ACTIVE"),
    ("Bayside Liquors", "Alameda", "ACTIVE"),
    ("Golden Gate Brasserie", "San Francisco", "ACTIVE"),
    ("Corkscrew Deli", "Novato", "TARGET"),
    ("Old Mill Tavern", "Mill Valley", "ACTIVE"),
    ("Pier 39 Seafood House", "San Francisco", "ACTIVE"),
    ("Twin Oaks Bottle Shop", "Walnut Creek", "PROSPECT"),
    ("Casa Verde Cantina", "San Rafael", "ACTIVE"),
    ("Mission Street Bistro", "San Francisco", "ACTIVE"),
    ("Saffron Table", "Palo Alto", "TARGET"),
    ("Riverbend Supper Club", "Sacramento", "ACTIVE"),
    ("Ferry Building Cheese & Wine", "San Francisco", "ACTIVE"),
    ("Nob Hill Hotel Bar", "San Francisco", "ACTIVE"),
    ("Larkspur Kitchen", "Larkspur", "PROSPECT"),
    ("Half Moon Bay Grill", "Half Moon Bay", "ACTIVE"),
    ("Orchard Lane Grocery", "Sebastopol", "ACTIVE"),
    ("Telegraph Hill Wine Bar", "San Francisco", "TARGET"),
]


@pytest.fixture
def sample_book(world: World, unscoped: None) -> dict[str, Any]:
    """A realistic book for rep1 (orders, invoices, activity, contacts, tasks) plus a few of rep2's.

    Returns the named customers tests look for. Each customer's facts are refreshed once, at the end,
    rather than after every row written.
    """
    from leora.crm.facts import facts_deferred

    with facts_deferred():
        return _build_sample_book(world)


def _build_sample_book(world: World) -> dict[str, Any]:
    import random
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from tests import factories

    rng = random.Random(7)
    today = timezone.localdate()
    products = [
        factories.make_product(world.acme, name=name, unit_price=Decimal(price))
        for name, price in [
            ("Rioja Reserva 2019", "18.50"),
            ("Sancerre 2022", "24.00"),
            ("Barolo 2018", "46.00"),
            ("Islay Single Malt 12y", "52.00"),
            ("Hazy IPA 24-pack", "38.00"),
        ]
    ]
    monday = today - timedelta(days=today.weekday())
    factories.make_quota(world.acme, world.rep1, monday, "6500")
    customers: dict[str, Any] = {}
    for index, (name, city, account_type) in enumerate(_VENUES):
        customer = factories.make_customer(
            world.acme,
            world.rep1,
            name=name,
            city=city,
            region="CA",
            account_type=account_type,
            status="on_hold" if index == 13 else "active",
            account_number=f"AC-{1040 + index}",
            phone=f"+1 415 555 01{index:02d}",
            email=f"orders{index}@venue.test",
            street=f"{100 + index * 7} Main St",
            postal_code=f"94{index:03d}",
            licence_number=f"47-{560000 + index * 37}",
            licence_type="on_premise" if index % 3 else "off_premise",
            territory="North Bay" if index % 2 else "City",
        )
        customers[name] = customer
        if account_type == "ACTIVE":
            for _order in range(rng.randint(2, 7)):
                lines = [(rng.choice(products), rng.randint(2, 18)) for _ in range(rng.randint(1, 3))]
                factories.make_order(customer, lines, order_date=today - timedelta(days=rng.randint(0, 75)))
            factories.make_invoice(
                customer,
                f"{rng.randint(300, 2400)}.00",
                issued_on=today - timedelta(days=50),
                due_on=today - timedelta(days=rng.choice([5, 20, 40])) if index % 4 == 0 else today,
            )
            factories.make_invoice(customer, "640.00", "640.00", issued_on=today - timedelta(days=90))
        factories.make_contact(customer, name=f"{rng.choice(['Ana', 'Ben', 'Chloe', 'Dev'])} "
                               f"{rng.choice(['Lopez', 'Nguyen', 'Rossi', 'Khan'])}",
                               title="Buyer", is_primary=True, phone="+1 415 555 0199")  # fmt: skip
        factories.make_activity(
            customer,
            world.rep1,
            kind=rng.choice(["call", "visit", "tasting"]),
            subject=rng.choice(["Spring list walkthrough", "Rioja tasting", "Reorder check-in"]),
            outcome="Keen on the new Rioja; asked for a case price.",
            occurred_at=timezone.now() - timedelta(hours=rng.randint(1, 400)),
        )
        if index % 5 == 0:
            factories.make_task(
                world.acme, world.rep1, title=f"Follow up with {name}", customer=customer,
                due_date=monday + timedelta(days=rng.randint(-2, 6)), priority="high",
            )  # fmt: skip
    customers["rep2"] = factories.make_customer(
        world.acme, world.rep2, name="Corner Cellar Bistro", city="Napa", account_number="AC-9001"
    )
    factories.make_customer(world.acme, world.rep2, name="Dockside Bistro", account_number="AC-9002")
    return customers
