"""The demo product catalogue: invented wines, spirits, beers and mixers with wholesale prices."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from leora.crm.models import ProductCategory
from leora.demo import words

CATEGORY_SHARES = {
    ProductCategory.WINE: 0.6,
    ProductCategory.SPIRITS: 0.24,
    ProductCategory.BEER: 0.12,
    ProductCategory.OTHER: 0.04,
}
# A line's usual quantity: bottles of wine and spirits, cases of beer and mixers.
BASE_QUANTITY: dict[str, tuple[int, ...]] = {
    ProductCategory.WINE: (6, 12, 12, 24),
    ProductCategory.SPIRITS: (3, 6, 6, 12),
    ProductCategory.BEER: (1, 2, 3, 5),
    ProductCategory.OTHER: (1, 2, 2, 4),
}


@dataclass(frozen=True)
class CatalogItem:
    sku: str
    name: str
    brand: str
    category: str
    unit_price: Decimal
    popularity: float


def _styles(category: str) -> tuple[tuple[str, tuple[str, ...], tuple[tuple[str, int, int], ...]], ...]:
    if category == ProductCategory.WINE:
        return (("W", words.WINE_PRODUCERS, words.WINE_STYLES),)
    if category == ProductCategory.SPIRITS:
        return (("S", words.SPIRIT_BRANDS, words.SPIRIT_STYLES),)
    if category == ProductCategory.BEER:
        return (("B", words.BREWERIES, words.BEER_STYLES),)
    return (("O", ("Harbor Mixers", "Clearwater Botanicals"), words.OTHER_PRODUCTS),)


def build_catalog(rng: random.Random, count: int) -> list[CatalogItem]:
    """Return ``count`` distinct products, their shares by category fixed and popularity skewed."""
    items: list[CatalogItem] = []
    for category, share in CATEGORY_SHARES.items():
        wanted = max(1, round(count * share)) if category != ProductCategory.OTHER else 0
        if category == ProductCategory.OTHER:
            wanted = count - len(items)
        ((prefix, brands, styles),) = _styles(category)
        combos = [(brand, style) for brand in brands for style in styles]
        rng.shuffle(combos)
        for n in range(wanted):
            brand, (style, low, high) = combos[n % len(combos)]
            edition = n // len(combos)
            if category == ProductCategory.WINE:
                name = f"{brand} {style} {rng.randint(2018, 2024)} 750 ml"
            elif category == ProductCategory.BEER:
                name = f"{brand} {style} 24 x 12 oz"
            elif category == ProductCategory.SPIRITS:
                name = f"{brand} {style} 750 ml"
            else:
                name = f"{brand} {style} case"
            if edition:
                name = f"{name} (lot {edition + 1})"
            price = Decimal(rng.randint(low * 100, high * 100)) / 100
            items.append(
                CatalogItem(
                    sku=f"{prefix}{len(items) + 1:05d}",
                    name=name,
                    brand=brand,
                    category=category,
                    unit_price=price.quantize(Decimal("0.01")),
                    popularity=1.0 / (n + 1) ** 0.8,
                )
            )
    return items
