from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import field_validator

from leora.crm.models import ProductCategory
from leora.crm.schemas.common import Cents, not_blank, not_blank_or_none
from leora.pagination import ListParams


class ProductOut(Schema):
    id: int
    sku: str
    name: str
    brand: str
    category: ProductCategory
    unit_price: Decimal
    active: bool
    created_at: datetime


class ProductIn(Schema):
    sku: str = Field(..., max_length=40)
    name: str = Field(..., max_length=200)
    brand: str = Field("", max_length=100)
    category: ProductCategory = ProductCategory.WINE
    unit_price: Cents = Field(..., ge=0, max_digits=14, decimal_places=2)
    active: bool = True

    _not_blank = field_validator("sku", "name")(not_blank)


class ProductPatch(Schema):
    sku: str | None = Field(None, max_length=40)
    name: str | None = Field(None, max_length=200)
    brand: str | None = Field(None, max_length=100)
    category: ProductCategory | None = None
    unit_price: Cents | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    active: bool | None = Field(None, description="inactive products stay on old orders but take no new ones")

    _not_blank = field_validator("sku", "name")(not_blank_or_none)


class ProductFilters(ListParams):
    category: ProductCategory | None = None
    active: bool | None = None
    brand: str | None = None
