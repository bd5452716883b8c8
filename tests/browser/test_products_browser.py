"""An admin keeps the product catalogue in a real browser: adding a product and changing its price and
active flag in the shared form modal, on a laptop and on a phone."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from leora.crm.models import Product
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(world: World, unscoped: None) -> dict[str, Product]:
    names = [
        ("W-RIO-19", "Rioja Reserva 2019", "Bodega Alta", "wine", "18.50"),
        ("W-SAN-22", "Sancerre 2022", "Domaine Vacheron", "wine", "24.00"),
        ("S-ISL-12", "Islay Single Malt 12y", "Port Ellen", "spirits", "52.00"),
        ("B-IPA-24", "Hazy IPA 24-pack", "Harbor Brewing", "beer", "38.00"),
    ]
    return {
        sku: factories.make_product(
            world.acme, sku=sku, name=name, brand=brand, category=category, unit_price=Decimal(price)
        )
        for sku, name, brand, category, price in names
    }


def test_an_admin_adds_a_product_and_changes_its_price_and_status(
    world: World, catalogue: dict[str, Product], desktop: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    page = desktop
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "admin@acme.test")
    page.locator(".navmenu-button").click()
    page.get_by_role("navigation", name="More pages").get_by_role("link", name="Products").click()
    page.wait_for_url("**/products/")
    screenshot(page, "products-desktop")
    page.evaluate("window.__sameDocument = true")

    # a product with a price below zero is refused inside the modal
    page.locator("#product-new-open").click()
    dialog = page.locator("#form-modal")
    dialog.get_by_role("heading", name="New product").wait_for()
    dialog.get_by_label("Name").fill("Barolo 2018")
    dialog.get_by_label("SKU").fill("W-BAR-18")
    dialog.get_by_label("Brand").fill("Cascina Rossa")
    dialog.get_by_label("Price").fill("-46")
    dialog.get_by_role("button", name="Add product").click()
    dialog.locator("#error-unit_price").wait_for()
    assert "cannot be negative" in dialog.locator("#error-unit_price").inner_text()
    assert not Product.objects.for_tenant(world.acme).filter(sku="W-BAR-18").exists()
    screenshot(page, "products-new-error-desktop", full_page=False)

    # fixed, it is added and shows in the list without a reload
    dialog.get_by_label("Price").fill("46.00")
    dialog.get_by_role("button", name="Add product").click()
    dialog.wait_for(state="hidden")
    toast_shown(page, "Added Barolo 2018 (W-BAR-18).")
    page.locator("#product-results").get_by_text("Barolo 2018").wait_for()
    assert page.evaluate("document.activeElement.id") == "product-new-open"

    # the Sancerre gets a new price and is taken off new orders
    sancerre = catalogue["W-SAN-22"]
    page.locator(f"#product-edit-{sancerre.pk}").click()
    dialog.get_by_role("heading", name="Edit Sancerre 2022").wait_for()
    dialog.get_by_label("Price").fill("26.50")
    dialog.get_by_label("Active").uncheck()
    dialog.get_by_role("button", name="Save product").click()
    dialog.wait_for(state="hidden")
    toast_shown(page, "Saved Sancerre 2022.")
    row = page.locator(f"#product-{sancerre.pk}")
    page.wait_for_function(
        "id => document.getElementById(id).textContent.includes('Inactive')", arg=f"product-{sancerre.pk}"
    )
    assert "$26.50" in row.inner_text()
    assert page.evaluate("window.__sameDocument") is True, "saving reloaded the whole page"
    sancerre.refresh_from_db()
    assert (sancerre.unit_price, sancerre.active) == (Decimal("26.50"), False)

    # and a search narrows the list as one types
    page.get_by_label("Search products").fill("harbor")
    page.wait_for_function("() => !document.querySelector('#product-results').textContent.includes('Barolo')")
    assert page.locator("#product-results").get_by_text("Hazy IPA 24-pack").is_visible()
    screenshot(page, "products-searched-desktop")


def test_products_on_a_phone(
    world: World, catalogue: dict[str, Product], phone: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    page = phone
    sign_in(page, "admin@acme.test")
    page.goto("/products/")
    screenshot(page, "products-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"

    islay = catalogue["S-ISL-12"]
    page.locator(f"#product-edit-{islay.pk}").tap()
    dialog = page.locator("#form-modal")
    dialog.get_by_role("heading", name="Edit Islay Single Malt 12y").wait_for()
    screenshot(page, "products-edit-phone", full_page=False)
    dialog.get_by_label("Price").fill("49.90")
    dialog.get_by_role("button", name="Save product").tap()
    dialog.wait_for(state="hidden")
    toast_shown(page, "Saved Islay Single Malt 12y.")
    islay.refresh_from_db()
    assert islay.unit_price == Decimal("49.90")
