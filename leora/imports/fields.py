"""The columns each kind of import reads: their names, the headers that mean them, whether a file must have
them, and how a cell becomes a value (numbers, dates, yes/no, choices)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import TextChoices

from leora.crm.models import AccountType, CustomerStatus, LicenceType, OrderStatus, ProductCategory
from leora.imports.models import ImportEntity
from leora.imports.reading import Formula


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"  # text | decimal | integer | date | bool | choice
    required: bool = False
    synonyms: tuple[str, ...] = ()
    choices: type[TextChoices] | None = None


ACCOUNT = (
    "account number",
    "account no",
    "account",
    "acct",
    "acct no",
    "account id",
    "account code",
    "customer number",
    "customer no",
    "customer id",
    "customer code",
    "customer account",
    "account #",
)
REP = (
    "rep",
    "rep email",
    "sales rep",
    "assigned rep",
    "assigned rep email",
    "owner",
    "owner email",
    "salesperson",
)

FIELDS: dict[str, list[FieldSpec]] = {
    ImportEntity.CUSTOMERS: [
        FieldSpec("account_number", "Account number", required=True, synonyms=(*ACCOUNT, "number", "id")),
        FieldSpec(
            "name",
            "Name",
            required=True,
            synonyms=(
                "customer",
                "customer name",
                "account name",
                "company",
                "business name",
                "venue",
                "trading name",
            ),
        ),
        FieldSpec("account_type", "Account type", "choice", synonyms=("type",), choices=AccountType),
        FieldSpec("status", "Status", "choice", synonyms=("account status",), choices=CustomerStatus),
        FieldSpec("rep_email", "Rep (email)", synonyms=REP),
        FieldSpec("territory", "Territory", synonyms=("area", "route")),
        FieldSpec("street", "Street", synonyms=("address", "address 1", "address line 1", "street address")),
        FieldSpec("city", "City", synonyms=("town",)),
        FieldSpec("region", "Region", synonyms=("state", "province", "county")),
        FieldSpec("postal_code", "Postal code", synonyms=("zip", "zip code", "postcode", "post code")),
        FieldSpec("country", "Country", synonyms=("country code",)),
        FieldSpec("phone", "Phone", synonyms=("telephone", "tel", "phone number")),
        FieldSpec("email", "Email", synonyms=("e mail", "email address")),
        FieldSpec(
            "licence_number",
            "Licence number",
            synonyms=("licence", "license", "license number", "licence no", "license no", "liquor license"),
        ),
        FieldSpec("licence_type", "Licence type", "choice", synonyms=("license type",), choices=LicenceType),
        FieldSpec("notes", "Notes", synonyms=("note", "comments", "remarks")),
    ],
    ImportEntity.CONTACTS: [
        FieldSpec("customer_account_number", "Customer account number", required=True, synonyms=ACCOUNT),
        FieldSpec("name", "Name", required=True, synonyms=("contact", "contact name", "full name", "person")),
        FieldSpec("title", "Title", synonyms=("job title", "position", "role")),
        FieldSpec("email", "Email", synonyms=("e mail", "email address")),
        FieldSpec("phone", "Phone", synonyms=("telephone", "tel", "mobile", "phone number")),
        FieldSpec(
            "is_primary", "Primary contact", "bool", synonyms=("primary", "is primary", "main contact")
        ),
    ],
    ImportEntity.PRODUCTS: [
        FieldSpec(
            "sku",
            "SKU",
            required=True,
            synonyms=("item code", "product code", "code", "item number", "item no"),
        ),
        FieldSpec("name", "Name", required=True, synonyms=("product", "product name", "description", "item")),
        FieldSpec("brand", "Brand", synonyms=("producer", "winery", "maker")),
        FieldSpec(
            "category", "Category", "choice", synonyms=("type", "product type"), choices=ProductCategory
        ),
        FieldSpec("unit_price", "Unit price", "decimal", required=True, synonyms=("price", "list price")),
        FieldSpec("active", "Active", "bool", synonyms=("is active", "enabled")),
    ],
    ImportEntity.ORDERS: [
        FieldSpec(
            "order_number",
            "Order number",
            required=True,
            synonyms=("order", "order no", "order id", "order #", "so number", "sales order"),
        ),
        FieldSpec("customer_account_number", "Customer account number", required=True, synonyms=ACCOUNT),
        FieldSpec("order_date", "Order date", "date", required=True, synonyms=("date", "ordered on")),
        FieldSpec("status", "Status", "choice", synonyms=("order status",), choices=OrderStatus),
        FieldSpec("rep_email", "Rep (email)", synonyms=REP),
        FieldSpec("notes", "Notes", synonyms=("note", "comments", "remarks")),
        FieldSpec(
            "sku", "SKU", required=True, synonyms=("item code", "product code", "product", "item number")
        ),
        FieldSpec(
            "quantity",
            "Quantity",
            "integer",
            required=True,
            synonyms=("qty", "cases", "units", "quantity ordered"),
        ),
        FieldSpec("unit_price", "Unit price", "decimal", synonyms=("price", "line price")),
    ],
}


def fields_of(entity: str) -> list[FieldSpec]:
    return FIELDS[entity]


def field_spec(entity: str, name: str) -> FieldSpec | None:
    return next((spec for spec in FIELDS[entity] if spec.name == name), None)


def normalise_header(header: str) -> str:
    """A header reduced for matching: accents dropped, lower case, punctuation as single spaces."""
    plain = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9#]+", " ", plain.lower()).strip()


def mapping_guess(entity: str, headers: list[str], saved: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return header -> field for ``headers``: the tenant's saved choice first, then the field names,
    labels and synonyms; each field is taken by one column at most, unmatched headers map to ""."""
    names = {spec.name for spec in FIELDS[entity]}
    lookup: dict[str, str] = {}
    for spec in FIELDS[entity]:
        for word in (spec.name, spec.label, *spec.synonyms):
            lookup.setdefault(normalise_header(word), spec.name)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    saved_choice = {normalise_header(k): v for k, v in (saved or {}).items()}
    for header in headers:
        key = normalise_header(header)
        if key in saved_choice and (saved_choice[key] == "" or saved_choice[key] in names):
            choice = saved_choice[key]
            if choice and choice not in taken:
                mapping[header] = choice
                taken.add(choice)
            else:
                mapping[header] = ""
    for header in headers:
        if header in mapping or not header:
            continue
        choice = lookup.get(normalise_header(header), "")
        if choice and choice not in taken:
            mapping[header] = choice
            taken.add(choice)
        else:
            mapping[header] = ""
    return mapping


def mapping_problems(entity: str, headers: list[str], mapping: Mapping[str, str]) -> list[str]:
    """Why ``mapping`` cannot be used for this file (unknown headers or fields, a field mapped twice, a
    required field missing); empty when it can."""
    names = {spec.name for spec in FIELDS[entity]}
    problems = []
    used: dict[str, str] = {}
    for header, name in mapping.items():
        if header not in headers:
            problems.append(f"the file has no column {header!r}")
        elif name and name not in names:
            problems.append(f"{name!r} is not a field of a {entity} import")
        elif name and name in used:
            problems.append(f"the columns {used[name]!r} and {header!r} both map to {name!r}")
        elif name:
            used[name] = header
    missing = [spec.label for spec in FIELDS[entity] if spec.required and spec.name not in used]
    if missing:
        problems.append(f"the file needs a column for {', '.join(missing)}")
    return problems


# -- cells to values ----------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read as its field's kind; the message is for the person importing."""


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d{1,2}$")
_TRUE = {"yes", "y", "true", "t", "1", "x", "primary", "active"}
_FALSE = {"no", "n", "false", "f", "0", "inactive"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError("is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    for symbol in ("$", "€", "£"):
        text = text.replace(symbol, "")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    elif _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"{value!s} is not a number") from None
    if not number.is_finite():
        raise CellError(f"{value!s} is not a number")
    return number


def _integer(value: Any) -> int:
    number = _decimal(value)
    if number != number.to_integral_value():
        raise CellError(f"{value!s} is not a whole number")
    return int(number)


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(f"{text} is not a date; write dates as 2026-03-31")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"{value!s} is not yes or no")


def _choice(value: Any, choices: type[TextChoices]) -> str:
    text = str(value).strip()
    wanted = normalise_header(text)
    for choice_value, label in choices.choices:
        if wanted in (normalise_header(str(choice_value)), normalise_header(str(label))):
            return str(choice_value)
    allowed = ", ".join(str(label) for v, label in choices.choices if v)
    raise CellError(f"{text} is not one of {allowed}")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps account numbers and postcodes typed as numbers as floats
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.hour == value.minute == value.second == 0 else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def cell_value(spec: FieldSpec, value: Any) -> Any:
    """The value of one non-blank cell for ``spec``; CellError saying why it cannot be read."""
    if isinstance(value, Formula):
        raise CellError(f"is a formula ({value[:40]}); paste the value instead")
    if spec.kind == "decimal":
        return _decimal(value)
    if spec.kind == "integer":
        return _integer(value)
    if spec.kind == "date":
        return _date(value)
    if spec.kind == "bool":
        return _bool(value)
    if spec.kind == "choice" and spec.choices is not None:
        return _choice(value, spec.choices)
    return _text(value)
