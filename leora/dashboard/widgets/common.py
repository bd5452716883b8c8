"""Pieces the widget data functions share: the metric a number came from, customers annotated with
catalog attributes, and JSON-safe values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from leora.crm.models import Customer
from leora.metrics.evaluation import build_context, current_version
from leora.metrics.formula.catalog import CUSTOMER
from leora.metrics.models import MetricVersion
from leora.tenancy.models import Tenant


@dataclass(frozen=True)
class MetricRef:
    """Which metric definition, at which version, a number was computed by."""

    code: str
    name: str
    version: int
    url: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "version": self.version, "url": self.url}


def metric_ref(tenant: Tenant, code: str) -> dict[str, Any]:
    """Return the current version of metric ``code`` as a MetricRef dict (version 0 when unknown)."""
    return ref_of(code, current_version(tenant, code))


def ref_of(code: str, version: MetricVersion | None) -> dict[str, Any]:
    """Return ``version`` of metric ``code`` as a MetricRef dict (version 0 when there is none)."""
    return MetricRef(
        code=code,
        name=version.name if version else code,
        version=version.version if version else 0,
        url=reverse("metric_edit", kwargs={"code": code}),
    ).as_dict()


def with_attributes(
    customers: QuerySet[Customer], tenant: Tenant, today: date, names: list[str]
) -> QuerySet[Customer]:
    """Annotate catalog attributes ``names`` (as ``attr_<name>``) on ``customers``, computed as the
    formula compiler computes them."""
    ctx = build_context(tenant, today)
    return customers.annotate(**{f"attr_{name}": CUSTOMER.build(name, ctx) for name in names})


def money(value: Decimal | float | int | None) -> str:
    """Return a money amount as a string of cents ("1234.50"), the API's money format; "0.00" for None."""
    return str(Decimal(str(value or 0)).quantize(Decimal("0.01")))


def whole(value: float | None) -> int | None:
    """Return ``value`` rounded to a whole number, keeping None."""
    return None if value is None else round(value)
