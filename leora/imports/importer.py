"""The import engine: rows in, checked with crm's own rules, then written a chunk at a time.

Each row is read into the fields its columns map to, every cell converted (numbers, dates, yes/no,
choices), then validated by the crm API's input schemas (``CustomerIn``, ``ContactIn``, ``ProductIn``,
``OrderIn``/``OrderLineIn``): the same lengths, blanks, e-mail and price rules as a form or an API call.
Chunks of about a thousand rows are then matched against what the tenant has (by account number, SKU or
order number), and, when writing, created with ``bulk_create`` and changed with ``bulk_update``. Bulk
writes bypass model signals, so every chunk sends crm's ``book_changed`` naming the customers touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Model
from django.utils import timezone
from pydantic import BaseModel, ValidationError

from leora.crm.models import Contact, Customer, Order, OrderLine, Product
from leora.crm.schemas.contacts import ContactIn
from leora.crm.schemas.customers import CustomerIn
from leora.crm.schemas.orders import OrderIn, OrderLineIn
from leora.crm.schemas.products import ProductIn
from leora.crm.services.orders import CENT, MAX_MONEY
from leora.crm.signals import book_changed
from leora.errors import DomainError
from leora.imports.fields import CellError, FieldSpec, cell_value
from leora.imports.models import ImportEntity
from leora.imports.reading import RawRow
from leora.tenancy.actors import Actor
from leora.tenancy.models import Membership, User
from leora.tenancy.selectors.members import assignable_person

CHUNK_ROWS = 1000
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    column: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"column": self.column, "message": self.message}


@dataclass
class Row:
    number: int
    cells: list[Any]
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    clean: dict[str, Any] = field(default_factory=dict)


@dataclass
class Unit:
    """What is created, updated or rejected as one: a row, or all the lines of one order."""

    rows: list[Row]
    outcome: str = ""  # created | updated | unchanged; "" while undecided or when rejected

    @property
    def rejected(self) -> bool:
        return any(row.problems for row in self.rows)


@dataclass
class Tally:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    error_rows: int = 0

    def add(self, unit: Unit) -> None:
        self.rows += len(unit.rows)
        if unit.rejected:
            self.skipped += 1
            self.error_rows += len(unit.rows)
        elif unit.outcome == "created":
            self.created += 1
        elif unit.outcome == "updated":
            self.updated += 1
        else:
            self.unchanged += 1


class Env:
    """What every entity importer shares: who imports, whether to write, and the header of each field."""

    def __init__(self, *, actor: Actor, write: bool, column_of: dict[str, str]) -> None:
        self.actor = actor
        self.tenant = actor.tenant
        self.write = write
        self.column_of = column_of
        self._reps: dict[str, User | str] = {}

    def column(self, name: str) -> str:
        return self.column_of.get(name, name)

    def problem(self, row: Row, name: str, message: str) -> None:
        row.problems.append(Problem(self.column(name), message))

    def rep(self, email: str) -> User | str:
        """The member ``email`` names when the importer may hand them accounts, else why not."""
        key = email.casefold()
        if key not in self._reps:
            membership = (
                Membership.objects.select_related("user")
                .filter(tenant_id=self.tenant.pk, user__email__iexact=email)
                .first()
            )
            if membership is None:
                self._reps[key] = f"no one with the e-mail {email} in this team"
            else:
                try:
                    self._reps[key] = assignable_person(
                        actor=self.actor, user_id=membership.user_id, field="rep_email"
                    )
                except DomainError as exc:
                    self._reps[key] = exc.errors[0].message if exc.errors else exc.detail
        return self._reps[key]


EMPTY = "is empty; every row needs it"


def _message(error: Any) -> str:
    if error.get("type") == "missing":
        return EMPTY
    text = str(error["msg"])
    return text.removeprefix("Value error, ")


def validate(env: Env, row: Row, schema: type[M], data: dict[str, Any]) -> M | None:
    """``schema`` over ``data``: the model, or None with each failure added to the row on its column."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            env.problem(row, name, _message(error))
        return None


def _differs(obj: Model, changes: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in changes.items() if getattr(obj, name) != value}


class EntityImporter:
    """One kind of row. ``check`` validates a row alone, ``apply`` a chunk against the database."""

    entity: str = ""
    grouped = False

    def __init__(self, env: Env) -> None:
        self.env = env

    def key(self, row: Row) -> str | None:
        """The row's identity inside the file (duplicates are refused), None for no check."""
        return None

    def key_label(self) -> str:
        return ""

    def check(self, row: Row) -> None:
        raise NotImplementedError

    def check_unit(self, unit: Unit) -> None:
        """Checks across a unit's rows (an order's lines); nothing for single-row units."""

    def apply(self, units: list[Unit]) -> None:
        raise NotImplementedError


# -- customers ------------------------------------------------------------------------------------------

CUSTOMER_FIELDS = [
    "name", "account_number", "account_type", "status", "territory", "street", "city", "region",
    "postal_code", "country", "phone", "email", "licence_number", "licence_type", "notes",
]  # fmt: skip


class CustomerImporter(EntityImporter):
    entity = ImportEntity.CUSTOMERS

    def key(self, row: Row) -> str | None:
        return row.clean.get("account_number") or None

    def key_label(self) -> str:
        return "account number"

    def check(self, row: Row) -> None:
        data = {name: row.values[name] for name in CUSTOMER_FIELDS if name in row.values}
        model = validate(self.env, row, CustomerIn, data)
        if model is None:
            return
        given = set(data)
        dumped = model.model_dump()
        row.clean = {name: dumped[name] if dumped[name] is not None else "" for name in CUSTOMER_FIELDS}
        row.clean["_given"] = given
        if not row.clean["account_number"]:
            self.env.problem(row, "account_number", "give the account an account number")

    def apply(self, units: list[Unit]) -> None:
        env = self.env
        rows = [unit.rows[0] for unit in units]
        numbers = [row.clean["account_number"] for row in rows]
        existing = {
            c.account_number: c
            for c in Customer.objects.for_tenant(env.tenant).filter(account_number__in=numbers)
        }
        now = timezone.now()
        created: list[Customer] = []
        changed: dict[int, Customer] = {}
        changed_fields: set[str] = set()
        for unit, row in zip(units, rows, strict=True):
            rep: User | None = None
            rep_given = "rep_email" in row.values
            if rep_given:
                found = env.rep(str(row.values["rep_email"]))
                if isinstance(found, str):
                    env.problem(row, "rep_email", found)
                    continue
                rep = found
            current = existing.get(row.clean["account_number"])
            if current is None:
                fields = {name: row.clean[name] for name in CUSTOMER_FIELDS}
                created.append(
                    Customer(tenant=env.tenant, assigned_rep=rep, created_at=now, updated_at=now, **fields)
                )
                unit.outcome = "created"
                continue
            changes = {name: row.clean[name] for name in CUSTOMER_FIELDS if name in row.clean["_given"]}
            if rep_given:
                changes["assigned_rep_id"] = rep.pk if rep else None
            diff = _differs(current, changes)
            if not diff:
                unit.outcome = "unchanged"
                continue
            for name, value in diff.items():
                setattr(current, name, value)
            current.updated_at = now
            changed[current.pk] = current
            changed_fields.update(diff)
            unit.outcome = "updated"
        if not env.write:
            return
        if created:
            Customer.objects.for_tenant(env.tenant).bulk_create(created)
        if changed:
            Customer.objects.for_tenant(env.tenant).bulk_update(
                list(changed.values()), [*sorted(changed_fields), "updated_at"]
            )
        if created or changed:
            # New customers need their (empty) facts; changed fields move cached metric counts.
            book_changed.send(sender=Customer, tenant_id=env.tenant.pk, customer_ids=[c.pk for c in created])


# -- contacts -------------------------------------------------------------------------------------------

CONTACT_FIELDS = ["name", "title", "email", "phone", "is_primary"]


def _contact_key(customer_id: int | str, email: str, name: str) -> str:
    return f"{customer_id}\x00{email.casefold() if email else 'name:' + name.casefold()}"


class ContactImporter(EntityImporter):
    """Contacts hang off a customer named by account number; within it a contact is the same one when
    its e-mail matches, or, for contacts without an e-mail, its name."""

    entity = ImportEntity.CONTACTS

    def key(self, row: Row) -> str | None:
        if not row.clean:
            return None
        return _contact_key(row.clean["account"], row.clean["email"], row.clean["name"])

    def key_label(self) -> str:
        return "contact (account number and e-mail, or name)"

    def check(self, row: Row) -> None:
        data = {name: row.values[name] for name in CONTACT_FIELDS if name in row.values}
        model = validate(self.env, row, ContactIn, {"customer_id": 0, **data})
        if model is None:
            return
        dumped = model.model_dump()
        row.clean = {name: dumped[name] if dumped[name] is not None else "" for name in CONTACT_FIELDS}
        row.clean["account"] = str(row.values.get("customer_account_number", ""))
        if not row.clean["account"]:
            self.env.problem(row, "customer_account_number", EMPTY)
        row.clean["_given"] = set(data)

    def apply(self, units: list[Unit]) -> None:
        env = self.env
        rows = [unit.rows[0] for unit in units]
        customers = {
            c.account_number: c
            for c in Customer.objects.for_tenant(env.tenant).filter(
                account_number__in={row.clean["account"] for row in rows}
            )
        }
        existing: dict[str, Contact] = {}
        for contact in (
            Contact.objects.for_tenant(env.tenant)
            .filter(customer__in=list(customers.values()))
            .order_by("pk")
        ):
            existing.setdefault(_contact_key(contact.customer_id, contact.email, contact.name), contact)
            if contact.email:
                existing.setdefault(_contact_key(contact.customer_id, "", contact.name), contact)
        created: list[Contact] = []
        changed: dict[int, Contact] = {}
        changed_fields: set[str] = set()
        primary_of: dict[int, Contact] = {}
        for unit, row in zip(units, rows, strict=True):
            customer = customers.get(row.clean["account"])
            if customer is None:
                env.problem(
                    row, "customer_account_number", f"no customer with account number {row.clean['account']}"
                )
                continue
            current = existing.get(_contact_key(customer.pk, row.clean["email"], row.clean["name"]))
            if current is None:
                contact = Contact(
                    tenant=env.tenant, customer=customer, **{name: row.clean[name] for name in CONTACT_FIELDS}
                )
                created.append(contact)
                existing[_contact_key(customer.pk, contact.email, contact.name)] = contact
                unit.outcome = "created"
                if contact.is_primary:
                    primary_of[customer.pk] = contact
                continue
            changes = {name: row.clean[name] for name in CONTACT_FIELDS if name in row.clean["_given"]}
            diff = _differs(current, changes)
            if diff:
                for name, value in diff.items():
                    setattr(current, name, value)
                if current.pk:
                    changed[current.pk] = current
                changed_fields.update(diff)
                unit.outcome = "updated"
            else:
                unit.outcome = "unchanged"
            if current.is_primary and "is_primary" in diff:
                primary_of[customer.pk] = current
        if not env.write:
            return
        contacts = Contact.objects.for_tenant(env.tenant)
        if created:
            contacts.bulk_create(created)
        if changed:
            contacts.bulk_update(list(changed.values()), sorted(changed_fields))
        # A customer has at most one primary contact: the newest choice wins (as contact_create does).
        for customer_id, primary in primary_of.items():
            contacts.filter(customer_id=customer_id, is_primary=True).exclude(pk=primary.pk).update(
                is_primary=False
            )


# -- products -------------------------------------------------------------------------------------------

PRODUCT_FIELDS = ["sku", "name", "brand", "category", "unit_price", "active"]


class ProductImporter(EntityImporter):
    entity = ImportEntity.PRODUCTS

    def key(self, row: Row) -> str | None:
        return row.clean.get("sku") or None

    def key_label(self) -> str:
        return "SKU"

    def check(self, row: Row) -> None:
        data = {name: row.values[name] for name in PRODUCT_FIELDS if name in row.values}
        model = validate(self.env, row, ProductIn, data)
        if model is None:
            return
        row.clean = model.model_dump()
        row.clean["_given"] = set(data)

    def apply(self, units: list[Unit]) -> None:
        env = self.env
        rows = [unit.rows[0] for unit in units]
        existing = {
            p.sku: p
            for p in Product.objects.for_tenant(env.tenant).filter(sku__in=[row.clean["sku"] for row in rows])
        }
        created: list[Product] = []
        changed: dict[int, Product] = {}
        changed_fields: set[str] = set()
        for unit, row in zip(units, rows, strict=True):
            current = existing.get(row.clean["sku"])
            if current is None:
                created.append(
                    Product(tenant=env.tenant, **{name: row.clean[name] for name in PRODUCT_FIELDS})
                )
                unit.outcome = "created"
                continue
            changes = {name: row.clean[name] for name in PRODUCT_FIELDS if name in row.clean["_given"]}
            diff = _differs(current, changes)
            if not diff:
                unit.outcome = "unchanged"
                continue
            for name, value in diff.items():
                setattr(current, name, value)
            changed[current.pk] = current
            changed_fields.update(diff)
            unit.outcome = "updated"
        if not env.write:
            return
        if created:
            Product.objects.for_tenant(env.tenant).bulk_create(created)
        if changed:
            Product.objects.for_tenant(env.tenant).bulk_update(list(changed.values()), sorted(changed_fields))


# -- orders ---------------------------------------------------------------------------------------------

ORDER_FIELDS = ["order_number", "customer_account_number", "order_date", "status", "rep_email", "notes"]


class OrderImporter(EntityImporter):
    """One row per order line; consecutive rows with the same order number are one order. The order's
    own columns (customer, date, status, rep, notes) are read from its first row, and a later line that
    says otherwise is refused. An order is written whole or not at all."""

    entity = ImportEntity.ORDERS
    grouped = True

    def key(self, row: Row) -> str | None:
        value = row.values.get("order_number")
        return str(value) if value not in (None, "") else None

    def key_label(self) -> str:
        return "order number"

    def check(self, row: Row) -> None:
        line: dict[str, Any] = {k: row.values[k] for k in ("quantity", "unit_price") if k in row.values}
        model = validate(self.env, row, OrderLineIn, {"product_id": 0, **line})
        if model is None:
            return
        row.clean = {
            "sku": str(row.values.get("sku", "")),
            "quantity": model.quantity,
            "unit_price": model.unit_price,
        }
        if not row.clean["sku"]:
            self.env.problem(row, "sku", EMPTY)

    def check_unit(self, unit: Unit) -> None:
        first = unit.rows[0]
        for row in unit.rows[1:]:
            for name in ("customer_account_number", "order_date", "status", "rep_email", "notes"):
                if name in row.values and row.values[name] != first.values.get(name):
                    self.env.problem(
                        row,
                        name,
                        f"differs from row {first.number}, the first line of order {self.key(first)}",
                    )
        data: dict[str, Any] = {
            name: first.values[name]
            for name in ("order_number", "order_date", "status", "notes")
            if name in first.values
        }
        lines = [{"product_id": 0, "quantity": 1} for _ in unit.rows]
        model = validate(self.env, first, OrderIn, {"customer_id": 0, **data, "lines": lines})
        if model is None:
            return
        for name in ("customer_account_number", "order_date"):
            if name not in first.values:
                self.env.problem(first, name, EMPTY)
        if first.problems:
            return
        first.clean.update(
            {"order_number": model.order_number, "order_date": model.order_date, "status": str(model.status),
             "notes": model.notes, "account": str(first.values.get("customer_account_number", ""))}
        )  # fmt: skip

    def apply(self, units: list[Unit]) -> None:
        env = self.env
        tenant = env.tenant
        accounts = {unit.rows[0].clean["account"] for unit in units}
        skus = {row.clean["sku"] for unit in units for row in unit.rows}
        numbers = [unit.rows[0].clean["order_number"] for unit in units]
        customers = {
            c.account_number: c
            for c in Customer.objects.for_tenant(tenant).filter(account_number__in=accounts)
        }
        products = {p.sku: p for p in Product.objects.for_tenant(tenant).filter(sku__in=skus)}
        orders = {
            o.order_number: o for o in Order.objects.for_tenant(tenant).filter(order_number__in=numbers)
        }
        old_lines: dict[int, list[tuple[int, int, Decimal]]] = {}
        for line in (
            OrderLine.objects.for_tenant(tenant).filter(order__in=list(orders.values())).order_by("pk")
        ):
            old_lines.setdefault(line.order_id, []).append((line.product_id, line.quantity, line.unit_price))
        new_orders: list[tuple[Order, list[OrderLine]]] = []
        changed: list[tuple[Order, list[OrderLine] | None]] = []
        touched: set[int] = set()
        for unit in units:
            first = unit.rows[0]
            customer = customers.get(first.clean["account"])
            if customer is None:
                env.problem(
                    first,
                    "customer_account_number",
                    f"no customer with account number {first.clean['account']}",
                )
                continue
            lines = self._priced(unit, products)
            if lines is None:
                continue
            rep: User | None = None
            if "rep_email" in first.values:
                found = env.rep(str(first.values["rep_email"]))
                if isinstance(found, str):
                    env.problem(first, "rep_email", found)
                    continue
                rep = found
            current = orders.get(first.clean["order_number"])
            if current is None:
                order = Order(
                    tenant=tenant, customer=customer,
                    rep_id=rep.pk if rep is not None else customer.assigned_rep_id,
                    order_number=first.clean["order_number"], order_date=first.clean["order_date"],
                    status=first.clean["status"], notes=first.clean["notes"],
                    total=sum((line.line_total for line in lines), Decimal("0")),
                )  # fmt: skip
                new_orders.append((order, lines))
                touched.add(customer.pk)
                unit.outcome = "created"
                continue
            self._update(unit, current, customer, rep, lines, old_lines.get(current.pk, []), changed, touched)
        if not env.write:
            return
        saved_orders = Order.objects.for_tenant(tenant)
        saved_lines = OrderLine.objects.for_tenant(tenant)
        if new_orders:
            saved_orders.bulk_create([order for order, _ in new_orders])
        replaced = [order.pk for order, lines in changed if lines is not None]
        if replaced:
            saved_lines.filter(order_id__in=replaced).delete()
        all_lines = []
        for order, lines in [*new_orders, *changed]:
            for line in lines or []:
                line.order = order
                all_lines.append(line)
        if all_lines:
            saved_lines.bulk_create(all_lines)
        if changed:
            saved_orders.bulk_update(
                [order for order, _ in changed], ["order_date", "status", "notes", "rep", "total"]
            )
        if touched:
            # bulk writes bypass the signals that refresh facts: name every customer whose orders moved.
            book_changed.send(sender=Order, tenant_id=tenant.pk, customer_ids=sorted(touched))

    def _priced(self, unit: Unit, products: dict[str, Product]) -> list[OrderLine] | None:
        """Unsaved lines priced as order_create prices them; None (with problems added) if any is bad."""
        env = self.env
        lines: list[OrderLine] = []
        for row in unit.rows:
            product = products.get(row.clean["sku"])
            if product is None:
                env.problem(row, "sku", f"no product with SKU {row.clean['sku']}")
                continue
            if not product.active:
                env.problem(row, "sku", f"{product.sku} is inactive and cannot be ordered")
                continue
            price = product.unit_price if row.clean["unit_price"] is None else row.clean["unit_price"]
            lines.append(
                OrderLine(tenant=env.tenant, product=product, quantity=row.clean["quantity"],
                          unit_price=price,
                          line_total=(price * row.clean["quantity"]).quantize(CENT))
            )  # fmt: skip
        if len(lines) != len(unit.rows):
            return None
        if sum((line.line_total for line in lines), Decimal("0")) > MAX_MONEY:
            env.problem(unit.rows[0], "quantity", "the order total is too large")
            return None
        return lines

    def _update(
        self,
        unit: Unit,
        current: Order,
        customer: Customer,
        rep: User | None,
        lines: list[OrderLine],
        old: list[tuple[int, int, Decimal]],
        changed: list[tuple[Order, list[OrderLine] | None]],
        touched: set[int],
    ) -> None:
        env = self.env
        first = unit.rows[0]
        number = current.order_number
        if current.customer_id != customer.pk:
            env.problem(first, "customer_account_number", f"order {number} belongs to another customer")
            return
        new = [(line.product_id, line.quantity, line.unit_price) for line in lines]
        lines_differ = sorted(new) != sorted(old)
        changes: dict[str, Any] = {
            "order_date": first.clean["order_date"], "notes": first.clean["notes"],
        }  # fmt: skip
        if "status" in first.values:
            changes["status"] = first.clean["status"]
        if "rep_email" in first.values:
            changes["rep_id"] = rep.pk if rep else None
        if "notes" not in first.values:
            changes.pop("notes")
        diff = _differs(current, changes)
        if not diff and not lines_differ:
            unit.outcome = "unchanged"
            return
        if current.status == "cancelled":
            env.problem(first, "order_number", f"order {number} is cancelled and cannot be changed")
            return
        if lines_differ and current.status == "fulfilled":
            env.problem(first, "order_number", f"order {number} is fulfilled; its lines cannot be changed")
            return
        for name, value in diff.items():
            setattr(current, name, value)
        if lines_differ:
            current.total = sum((line.line_total for line in lines), Decimal("0"))
        changed.append((current, lines if lines_differ else None))
        touched.add(customer.pk)
        unit.outcome = "updated"


IMPORTERS: dict[str, type[EntityImporter]] = {
    ImportEntity.CUSTOMERS: CustomerImporter,
    ImportEntity.CONTACTS: ContactImporter,
    ImportEntity.PRODUCTS: ProductImporter,
    ImportEntity.ORDERS: OrderImporter,
}


# -- the pass over a file -------------------------------------------------------------------------------


def row_of(raw: RawRow, specs: list[tuple[int, FieldSpec, str]]) -> Row:
    """Read the mapped cells of ``raw`` (blank ones left out) into a Row, a problem per unreadable cell."""
    row = Row(number=raw.number, cells=raw.cells, values={})
    for index, spec, header in specs:
        value = raw.cells[index] if index < len(raw.cells) else None
        if value is None or value == "":
            continue
        try:
            row.values[spec.name] = cell_value(spec, value)
        except CellError as exc:
            row.problems.append(Problem(header, str(exc)))
    return row


def units_of(importer: EntityImporter, rows: Iterable[Row]) -> Iterator[Unit]:
    """Rows checked and grouped into units; a key seen before is refused on the later row."""
    env = importer.env
    seen: dict[str, int] = {}
    if not importer.grouped:
        for row in rows:
            if not row.problems:
                importer.check(row)
            key = importer.key(row) if not row.problems else None
            if key is not None:
                if key in seen:
                    row.problems.append(
                        Problem(
                            "", f"the same {importer.key_label()} is on row {seen[key]}; each may appear once"
                        )
                    )
                else:
                    seen[key] = row.number
            yield Unit([row])
        return
    group: list[Row] = []
    group_key: str | None = None

    def finish() -> Unit:
        unit = Unit(group)
        if not unit.rejected:
            importer.check_unit(unit)
        return unit

    for row in rows:
        if not row.problems:
            importer.check(row)
        key = importer.key(row)
        if group and key == group_key and key is not None:
            group.append(row)
            continue
        if group:
            yield finish()
        group, group_key = [row], key
        if key is None:
            env.problem(row, "order_number", "give every line its order number")
        elif key in seen:
            env.problem(
                row, "order_number",
                f"order {key} already had lines on row {seen[key]}; keep an order's lines together",
            )  # fmt: skip
        else:
            seen[key] = row.number
    if group:
        yield finish()


def chunks(units: Iterable[Unit], size: int = CHUNK_ROWS) -> Iterator[list[Unit]]:
    batch: list[Unit] = []
    rows = 0
    for unit in units:
        batch.append(unit)
        rows += len(unit.rows)
        if rows >= size:
            yield batch
            batch, rows = [], 0
    if batch:
        yield batch


def chunk_apply(importer: EntityImporter, batch: list[Unit]) -> None:
    """Match (and, when writing, store) the chunk's sound units; a unit with a bad row is left out
    whole, its other rows told why."""
    importer.apply([unit for unit in batch if not unit.rejected])
    for unit in batch:
        if unit.rejected:
            unit.outcome = ""
            bad = next(row for row in unit.rows if row.problems)
            for row in unit.rows:
                if not row.problems:
                    row.problems.append(Problem("", f"not imported with the line on row {bad.number}"))


ProgressFn = Callable[[float, str], None]
