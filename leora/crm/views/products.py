"""The products page, at /products/, for admins: the catalogue with search (name, SKU, brand), filters
and pages, and forms to add a product and to change one (price, active flag and the rest) in the
shared form modal. Reads and writes go through the product selectors and services, as /api/products;
managers and reps are refused (403).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from leora.crm.models import Product, ProductCategory
from leora.crm.selectors.products import product_get, product_list
from leora.crm.services.products import product_create, product_update
from leora.errors import DomainError, NotFound
from leora.pages import (
    actor_of_page,
    form_add_domain_errors,
    form_page,
    form_saved,
    page_slice,
    refusals_as_403,
    render_page,
    safe_next,
)
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import Role

SEARCH_MAX_LENGTH = 100
ACTIVE_FILTERS = {"yes": True, "no": False}


def _admin(request: HttpRequest) -> Actor:
    actor = actor_of_page(request)
    require_role(actor, Role.ADMIN, message="The product catalogue is kept by admins.")
    return actor


def _product_or_404(actor: Actor, product_id: int) -> Product:
    try:
        return product_get(actor=actor, product_id=product_id)
    except NotFound:
        raise Http404("No such product") from None


class ProductForm(forms.Form):
    """A product's fields; which values are allowed (a free SKU, a price not below zero) is the
    service's call."""

    sku = forms.CharField(max_length=40, label="SKU")
    name = forms.CharField(max_length=200)
    brand = forms.CharField(max_length=100, required=False)
    category = forms.ChoiceField(choices=ProductCategory.choices, initial=ProductCategory.WINE)
    unit_price = forms.DecimalField(
        label="Price",
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    active = forms.BooleanField(required=False, initial=True, label="Active: can be put on new orders")


def _list_context(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    search = request.GET.get("search", "").strip()[:SEARCH_MAX_LENGTH]
    active = request.GET.get("active", "")
    active = active if active in ACTIVE_FILTERS else ""
    category = request.GET.get("category", "")
    category = category if category in ProductCategory.values else ""
    products = product_list(
        actor=actor, search=search, category=category or None, active=ACTIVE_FILTERS.get(active)
    ).order_by("name", "pk")
    return {
        "page": page_slice(request, products),
        "search": search,
        "active": active,
        "category": category,
        "categories": ProductCategory.choices,
        "filtered": bool(search or active or category),
        "refresh_url": request.get_full_path(),
    }


@login_required
@refusals_as_403
@require_GET
def product_list_page(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    return render_page(
        request,
        "crm/products/list.html",
        _list_context(request, actor),
        fragment="crm/products/_results.html",
    )


def _form_page(
    request: HttpRequest, form: ProductForm, *, action: str, title: str, status: int = 200
) -> HttpResponse:
    back_url = safe_next(request, reverse("product_list"))
    submit_label = "Add product" if action == reverse("product_new") else "Save product"
    return form_page(
        request,
        "crm/products/_form.html",
        {"form": form, "action": action, "submit_label": submit_label},
        title=title,
        back_url=back_url,
        status=status,
    )


@login_required
@refusals_as_403
@require_http_methods(["GET", "POST"])
def product_new(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    action = reverse("product_new")
    if request.method == "GET":
        return _form_page(request, ProductForm(), action=action, title="New product")
    form = ProductForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            product = product_create(
                actor=actor,
                sku=data["sku"],
                name=data["name"],
                brand=data["brand"],
                category=data["category"],
                unit_price=data["unit_price"],
                active=data["active"],
            )
        except DomainError as exc:
            form_add_domain_errors(form, exc)
        else:
            text = f"Added {product.name} ({product.sku})."
            return form_saved(request, text, redirect_to=safe_next(request, reverse("product_list")))
    return _form_page(request, form, action=action, title="New product", status=422)


@login_required
@refusals_as_403
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    actor = _admin(request)
    product = _product_or_404(actor, product_id)
    action = reverse("product_edit", args=[product.pk])
    title = f"Edit {product.name}"
    if request.method == "GET":
        initial = {name: getattr(product, name) for name in ProductForm.base_fields}
        return _form_page(request, ProductForm(initial=initial), action=action, title=title)
    form = ProductForm(request.POST)
    if form.is_valid():
        try:
            product = product_update(actor=actor, product=product, changes=dict(form.cleaned_data))
        except DomainError as exc:
            form_add_domain_errors(form, exc)
        else:
            text = f"Saved {product.name}."
            if not product.active:
                text += " It is inactive: new orders cannot take it."
            return form_saved(request, text, redirect_to=safe_next(request, reverse("product_list")))
    return _form_page(request, form, action=action, title=title, status=422)


urlpatterns: list[URLPattern] = [
    path("products/", product_list_page, name="product_list"),
    path("products/new/", product_new, name="product_new"),
    path("products/<id:product_id>/edit/", product_edit, name="product_edit"),
]
