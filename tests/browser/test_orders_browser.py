"""Orders and payments in a real browser: taking an order with the keyboard alone through the product
picker, recording a part payment and seeing the balance move, and the order pages at both widths."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import F

from leora.crm.models import Invoice, Order, OrderLine, Payment
from leora.tenancy.calendar import tenant_today
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"the page scrolls sideways ({width}px in {viewport}px)"


def _wait_for_text(page: Any, test_id: str, text: str) -> None:
    page.wait_for_function(
        "([id, text]) => document.querySelector(`[data-testid=${id}]`).textContent.trim() === text",
        arg=[test_id, text],
    )


@pytest.fixture
def billed_order(world: World, sample_book: Any, unscoped: None) -> tuple[Order, Invoice]:
    """An order of Blue Door Bistro billed by an invoice that is partly paid and past due."""
    from leora.crm.models import Product

    customer = sample_book["Blue Door Bistro"]
    today = tenant_today(world.acme)
    rioja = Product.objects.for_tenant(world.acme).get(name="Rioja Reserva 2019")
    barolo = Product.objects.for_tenant(world.acme).get(name="Barolo 2018")
    order = factories.make_order(
        customer, [(rioja, 12), (barolo, 6)], order_date=today - timedelta(days=40), order_number="SO-004711",
        rep=world.rep1, status="fulfilled", notes="Leave at the side door before 11.",
    )  # fmt: skip
    invoice = factories.make_invoice(
        customer, str(order.total), "100.00", invoice_number="INV-008812", order=order,
        issued_on=today - timedelta(days=38), due_on=today - timedelta(days=8),
    )  # fmt: skip
    Payment.objects.create_for(
        world.acme, invoice=invoice, amount=Decimal("100.00"), paid_on=today - timedelta(days=20),
        method="cheque", reference="CHQ 20331", recorded_by=world.manager,
    )  # fmt: skip
    return order, invoice


def test_taking_an_order_with_two_products_via_the_picker_keyboard_only(
    world: World, sample_book: Any, desktop: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    page = desktop
    customer = sample_book["Blue Door Bistro"]
    before = Order.objects.for_tenant(world.acme).filter(customer=customer).count()
    sign_in(page, "rep1@acme.test")
    page.goto(f"/customers/{customer.pk}/")
    page.evaluate("window.__sameDocument = true")

    # given the order form, opened from the customer page with the keyboard
    page.locator("#action-new-order").focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#form-modal")
    dialog.get_by_role("heading", name="New order · Blue Door Bistro").wait_for()
    search = dialog.get_by_role("combobox", name="Add a product")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'order-product-search'")
    assert dialog.get_by_label("Order date").input_value() == tenant_today(world.acme).isoformat()

    # when they type part of a vintage, the matching products are listed, the first one active
    page.keyboard.type("20")
    listbox = dialog.get_by_role("listbox")
    listbox.get_by_role("option").nth(2).wait_for()
    assert search.get_attribute("aria-expanded") == "true"
    names = listbox.get_by_role("option").all_inner_texts()
    assert [name.split("\n")[0] for name in names] == ["Barolo 2018", "Rioja Reserva 2019", "Sancerre 2022"]
    assert search.get_attribute("aria-activedescendant") == listbox.get_by_role("option").first.get_attribute(
        "id"
    )
    screenshot(page, "order-form-picker-desktop", full_page=False)

    # ArrowDown moves to the Rioja, Enter adds it and puts the focus in its quantity
    page.keyboard.press("ArrowDown")
    assert listbox.get_by_role("option", name="Rioja Reserva 2019").get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.name === 'line_quantity'")
    assert listbox.is_hidden()
    page.keyboard.type("6")
    line = dialog.locator("[data-order-line]").first
    page.wait_for_function(
        "document.querySelector('[data-order-line] [data-line-total]').textContent === '$111.00'"
    )

    # Enter in the quantity goes back to the search for the second product
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'order-product-search'")
    page.keyboard.type("sancerre")
    listbox.get_by_role("option", name="Sancerre 2022").wait_for()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.name === 'line_quantity'")
    page.keyboard.type("3")
    # the second line's price is the product's, and editable: a case discount of two dollars
    page.keyboard.press("Tab")
    page.wait_for_function("document.activeElement && document.activeElement.name === 'line_price'")
    assert page.evaluate("document.activeElement.value") == "24.00"
    page.keyboard.press("Control+a")
    page.keyboard.type("22.00")
    page.wait_for_function("document.querySelector('[data-order-total]').textContent === '$177.00'")
    assert line.locator("[data-line-name]").inner_text() == "Rioja Reserva 2019"
    screenshot(page, "order-form-desktop", full_page=False)

    # Ctrl+Enter saves: the modal closes, a toast says so and the page lists the order in place
    page.keyboard.press("Control+Enter")
    dialog.wait_for(state="hidden")
    toast_shown(page, "saved for Blue Door Bistro: $177.00")
    order = Order.objects.for_tenant(world.acme).filter(customer=customer).latest("pk")
    page.locator(f"#customer-order-{order.pk}").wait_for()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'action-new-order'")
    assert page.evaluate("window.__sameDocument") is True, "saving reloaded the whole page"
    assert Order.objects.for_tenant(world.acme).filter(customer=customer).count() == before + 1
    lines = OrderLine.objects.for_tenant(world.acme).filter(order=order).select_related("product")
    assert sorted((line.product.name, line.quantity, line.unit_price) for line in lines) == [
        ("Rioja Reserva 2019", 6, Decimal("18.50")),
        ("Sancerre 2022", 3, Decimal("22.00")),
    ]
    assert (order.total, order.rep, order.status) == (Decimal("177.00"), world.rep1, "submitted")
    screenshot(page, "customer-after-order-desktop")


def test_taking_an_order_on_a_phone_with_repeat_last_order(
    world: World, sample_book: Any, phone: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    page = phone
    customer = sample_book["Blue Door Bistro"]
    previous = (
        Order.objects.for_tenant(world.acme)
        .filter(customer=customer)
        .exclude(status="cancelled")
        .order_by("-order_date", "-pk")
        .first()
    )
    assert previous is not None
    previous_lines = OrderLine.objects.for_tenant(world.acme).filter(order=previous).count()
    sign_in(page, "rep1@acme.test")
    page.goto(f"/customers/{customer.pk}/")
    page.locator("#action-new-order").tap()
    dialog = page.locator("#form-modal")
    dialog.get_by_role("heading", name="New order · Blue Door Bistro").wait_for()
    screenshot(page, "order-form-phone", full_page=False)

    dialog.get_by_role("link", name="Repeat last order").tap()
    dialog.get_by_text(f"Lines of {previous.order_number}").wait_for()
    assert dialog.locator("[data-order-line]").count() == previous_lines
    # one more product, picked with a tap
    dialog.get_by_role("combobox", name="Add a product").fill("islay")
    dialog.get_by_role("option", name="Islay Single Malt 12y").tap()
    assert dialog.locator("[data-order-line]").count() == previous_lines + 1
    screenshot(page, "order-form-repeat-phone", full_page=False)
    _no_sideways_scroll(page)
    dialog.get_by_role("button", name="Save order").tap()
    dialog.wait_for(state="hidden")
    toast_shown(page, "saved for Blue Door Bistro")
    order = Order.objects.for_tenant(world.acme).filter(customer=customer).latest("pk")
    assert OrderLine.objects.for_tenant(world.acme).filter(order=order).count() == previous_lines + 1
    page.locator(f"#customer-order-{order.pk}").wait_for()
    _no_sideways_scroll(page)
    page.locator("#orders-title").scroll_into_view_if_needed()
    screenshot(page, "customer-orders-phone", full_page=False)


def test_the_orders_list_filters_and_reads_at_both_widths(
    world: World, billed_order: Any, desktop: Any, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    for page, width in ((desktop, "desktop"), (phone, "phone")):
        sign_in(page, "rep1@acme.test")
        page.goto("/orders/")
        page.locator("#order-results tbody tr").first.wait_for()
        _no_sideways_scroll(page)
        screenshot(page, f"orders-list-{width}")

    # searching as one types narrows the list in place
    page = desktop
    page.evaluate("window.__sameDocument = true")
    page.locator("#order-search").fill("4711")
    page.wait_for_function("document.querySelectorAll('#order-results tbody tr').length === 1")
    assert "SO-004711" in page.locator("#order-results").inner_text()
    assert "1 order" in page.locator("#order-summary").inner_text()
    assert page.evaluate("window.__sameDocument") is True
    page.locator("#order-search").fill("")
    page.locator("#order-filter-status").select_option("fulfilled")
    page.wait_for_url("**/orders/?status=fulfilled")
    screenshot(page, "orders-list-filtered-desktop")


def test_recording_a_partial_payment_moves_the_balance(
    world: World, billed_order: Any, desktop: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    order, invoice = billed_order
    page = desktop
    sign_in(page, "manager@acme.test")
    page.goto(f"/orders/{order.pk}/")
    balance = page.get_by_test_id(f"invoice-balance-{invoice.pk}")
    assert balance.inner_text() == "$398.00"
    assert "CHQ 20331" in page.locator(f"#invoice-{invoice.pk}").inner_text()
    screenshot(page, "order-detail-desktop")
    page.evaluate("window.__sameDocument = true")

    # given the payment form, opened from the invoice
    page.locator(f"#action-record-payment-{invoice.pk}").click()
    dialog = page.locator("#form-modal")
    dialog.get_by_role("heading", name="Record a payment · INV-008812").wait_for()
    amount = dialog.get_by_label("Amount")
    assert amount.input_value() == "398.00"

    # an overpayment is refused beside the amount, and nothing moves
    amount.fill("400")
    dialog.get_by_role("button", name="Record payment").click()
    dialog.locator("#error-amount").wait_for()
    assert "398.00" in dialog.locator("#error-amount").inner_text()
    screenshot(page, "payment-form-error-desktop", full_page=False)

    # when a part payment is recorded
    dialog.get_by_label("Amount").fill("150")
    dialog.get_by_label("Method").select_option("bank_transfer")
    dialog.get_by_label("Reference").fill("TRX 7781")
    dialog.get_by_role("button", name="Record payment").click()
    dialog.wait_for(state="hidden")

    # then the toast says what is left, and the page shows the new balance without a reload
    toast_shown(page, "$248.00 left to pay")
    _wait_for_text(page, f"invoice-balance-{invoice.pk}", "$248.00")
    assert page.get_by_test_id("order-balance").inner_text() == "$248.00"
    assert "TRX 7781" in page.locator(f"#invoice-{invoice.pk}").inner_text()
    assert page.evaluate("window.__sameDocument") is True
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("250.00")
    screenshot(page, "order-detail-after-payment-desktop")


def test_a_partial_payment_from_the_customer_page_moves_its_totals(
    world: World, sample_book: Any, desktop: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    _pay_from_the_customer_page(world, sample_book, desktop, "desktop", sign_in, toast_shown, screenshot)


def test_a_partial_payment_from_the_customer_page_on_a_phone(
    world: World, sample_book: Any, phone: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    _pay_from_the_customer_page(world, sample_book, phone, "phone", sign_in, toast_shown, screenshot)


def _pay_from_the_customer_page(
    world: World, sample_book: Any, page: Any, width: str, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    customer = sample_book["Blue Door Bistro"]
    invoice = (
        Invoice.objects.for_tenant(world.acme).filter(customer=customer, paid_amount__lt=F("amount")).first()
    )
    assert invoice is not None
    balance_before = invoice.balance
    sign_in(page, "manager@acme.test")
    page.goto(f"/customers/{customer.pk}/")
    due_before = page.get_by_test_id("balance-due").inner_text()

    page.locator(f"#action-record-payment-{invoice.pk}").click()
    dialog = page.locator("#form-modal")
    dialog.get_by_role("heading", name=f"Record a payment · {invoice.invoice_number}").wait_for()
    dialog.get_by_label("Amount").fill("100.00")
    dialog.get_by_label("Method").select_option("cheque")
    dialog.get_by_label("Reference").fill("CHQ 1002")
    dialog.get_by_role("button", name="Record payment").click()
    dialog.wait_for(state="hidden")

    left = balance_before - Decimal("100.00")
    toast_shown(page, f"${left:,.2f} left to pay")
    _wait_for_text(page, f"customer-invoice-balance-{invoice.pk}", f"${left:,.2f}")
    assert page.get_by_test_id("balance-due").inner_text() != due_before
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id",
        arg=f"action-record-payment-{invoice.pk}",
    )
    _no_sideways_scroll(page)
    page.locator("#invoices-title").scroll_into_view_if_needed()
    screenshot(page, f"customer-after-payment-{width}", full_page=False)


def test_the_order_page_and_a_payment_on_a_phone(
    world: World, billed_order: Any, phone: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    order, invoice = billed_order
    page = phone
    sign_in(page, "manager@acme.test")
    page.goto(f"/orders/{order.pk}/")
    page.get_by_test_id("status-history").wait_for()
    _no_sideways_scroll(page)
    screenshot(page, "order-detail-phone")

    page.locator(f"#action-record-payment-{invoice.pk}").tap()
    dialog = page.locator("#form-modal")
    dialog.get_by_role("heading", name="Record a payment · INV-008812").wait_for()
    screenshot(page, "payment-form-phone", full_page=False)
    dialog.get_by_label("Amount").fill("2.00")
    dialog.get_by_label("Method").select_option("cash")
    dialog.get_by_role("button", name="Record payment").tap()
    dialog.wait_for(state="hidden")
    toast_shown(page, "$396.00 left to pay")
    _wait_for_text(page, f"invoice-balance-{invoice.pk}", "$396.00")
    _no_sideways_scroll(page)


def test_the_edit_form_of_a_submitted_order_at_both_widths(
    world: World, sample_book: Any, desktop: Any, phone: Any, sign_in: Any, screenshot: Any, unscoped: None
) -> None:
    from leora.crm.models import Product

    customer = sample_book["Blue Door Bistro"]
    products = list(Product.objects.for_tenant(world.acme).order_by("name")[:3])
    order = factories.make_order(customer, [(p, 2 + i) for i, p in enumerate(products)], rep=world.rep1)
    for page, width in ((desktop, "desktop"), (phone, "phone")):
        sign_in(page, "rep1@acme.test")
        page.goto(f"/orders/{order.pk}/")
        page.locator("#action-edit-order").click()
        dialog = page.locator("#form-modal")
        dialog.get_by_role("heading", name=f"Edit order {order.order_number}").wait_for()
        assert dialog.locator("[data-order-line]").count() == 3
        # the totals follow the quantities as they are typed
        first = dialog.locator("[data-line-quantity]").first
        first.fill("10")
        price = Decimal(dialog.locator("[data-line-price]").first.input_value())
        expected = f"${price * 10:,.2f}"
        page.wait_for_function(
            "text => document.querySelector('[data-order-line] [data-line-total]').textContent === text",
            arg=expected,
        )
        screenshot(page, f"order-edit-form-{width}", full_page=False)
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden")
    order.refresh_from_db()
    assert OrderLine.objects.for_tenant(world.acme).filter(order=order).count() == 3
