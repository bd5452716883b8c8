"""Invoice forms opened from the customer page's invoice rows and the order page: recording a payment.
The invoice is read through invoice_get (another rep's or another tenant's answers 404) and the payment
written by invoice_payment_record, the service behind POST /api/invoices/{id}/payments.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods

from leora.crm.models import Invoice, PaymentMethod
from leora.crm.selectors.invoices import invoice_get
from leora.crm.services.invoices import invoice_payment_record, may_record_payment
from leora.errors import DomainError, NotFound
from leora.pages import actor_of_page, form_add_domain_errors, form_page, form_saved, safe_next
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today
from leora.web.formatting import format_money


class PaymentForm(forms.Form):
    """A payment received: how much, when, how and its reference."""

    amount = forms.DecimalField(min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    paid_on = forms.DateField(label="Paid on", widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER)
    reference = forms.CharField(required=False, max_length=100)


def page_invoice(actor: Actor, invoice_id: int) -> Invoice:
    """Return an invoice the actor can see, or answer 404 like the pages that list it."""
    try:
        return invoice_get(actor=actor, invoice_id=invoice_id)
    except NotFound:
        raise Http404("No such invoice") from None


def _back(invoice: Invoice) -> str:
    if invoice.order_id is not None:
        return reverse("order_detail", args=[invoice.order_id])
    return reverse("customer_detail", args=[invoice.customer_id])


def _payment_form_page(
    request: HttpRequest, actor: Actor, invoice: Invoice, form: PaymentForm, *, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "invoice": invoice,
        "action": reverse("invoice_payment_new", args=[invoice.pk]),
        "currency_code": actor.tenant.currency,
    }
    return form_page(
        request,
        "crm/invoices/payment_form.html",
        context,
        title=f"Record a payment · {invoice.invoice_number}",
        back_url=safe_next(request, _back(invoice)),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invoice_payment_new(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """Record a payment against an invoice (admins and managers; a rep is answered 403)."""
    actor = actor_of_page(request)
    invoice = page_invoice(actor, invoice_id)
    if not may_record_payment(actor):
        return HttpResponse(
            "Only admins and managers record payments.", status=403, content_type="text/plain"
        )
    if request.method == "GET":
        form = PaymentForm(
            initial={
                "amount": invoice.balance if invoice.balance > 0 else None,
                "paid_on": tenant_today(actor.tenant),
                "method": PaymentMethod.BANK_TRANSFER,
            }
        )
        return _payment_form_page(request, actor, invoice, form)
    form = PaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            invoice_payment_record(
                actor=actor,
                invoice=invoice,
                amount=data["amount"],
                paid_on=data["paid_on"],
                method=data["method"],
                reference=data["reference"],
            )
        except DomainError as exc:
            form_add_domain_errors(form, exc)
        else:
            currency = actor.tenant.currency
            paid, left = format_money(data["amount"], currency), format_money(invoice.balance, currency)
            text = f"Payment of {paid} recorded on {invoice.invoice_number}: {left} left to pay."
            if invoice.balance <= 0:
                text = f"Payment of {paid} recorded: {invoice.invoice_number} is paid in full."
            return form_saved(request, text, redirect_to=safe_next(request, _back(invoice)))
    return _payment_form_page(request, actor, invoice, form, status=422)


urlpatterns: list[URLPattern] = [
    path("invoices/<id:invoice_id>/payments/new/", invoice_payment_new, name="invoice_payment_new"),
]
