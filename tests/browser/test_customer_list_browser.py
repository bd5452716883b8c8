"""The customer list at both widths: account type and account status read as different things."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_account_type_and_status_are_labelled_and_look_different(
    width: str, request: Any, world: World, sample_book: dict[str, Any], sign_in: Any, screenshot: Any
) -> None:
    page = request.getfixturevalue(width)
    sign_in(page, "rep1@acme.test")
    page.goto("/customers/?search=Harbor")
    row = page.locator("#customer-results tbody tr", has_text="Harbor Lights Hotel")
    row.wait_for()
    account_type = row.locator("td[data-label='Account type'] .tag")
    status = row.locator("td[data-label='Status'] .status-dot")
    assert account_type.inner_text() == "Active" and status.inner_text() == "Active"
    # a square-cornered tag beside a dot and a word: never two alike pills
    assert account_type.evaluate("el => parseFloat(getComputedStyle(el).borderTopLeftRadius)") <= 4
    assert status.evaluate("el => getComputedStyle(el).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert status.evaluate("el => getComputedStyle(el, '::before').width") == "8px"
    if width == "desktop":
        headers = page.locator("#customer-results thead th").all_inner_texts()
        assert any(h.startswith("Account type") for h in headers)
        assert any(h.startswith("Status") for h in headers)
    else:
        labels = row.evaluate(
            "tr => [...tr.querySelectorAll('td[data-label]')]"
            ".map(td => getComputedStyle(td, '::before').content)"
        )
        assert '"Account type"' in labels and '"Status"' in labels
    page.goto("/customers/")
    page.locator("#customer-results tbody tr").first.wait_for()
    screenshot(page, f"customer-list-{width}", full_page=False)
