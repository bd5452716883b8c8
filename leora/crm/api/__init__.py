"""The CRM's JSON API: one module per resource, joined into one router here."""

from ninja import Router

from leora.crm.api import (
    activities,
    contacts,
    customers,
    events,
    invoices,
    orders,
    products,
    quotas,
    search,
    tasks,
)

router = Router()
router.add_router("/customers", customers.router, tags=["customers"])
router.add_router("/contacts", contacts.router, tags=["contacts"])
router.add_router("/products", products.router, tags=["products"])
router.add_router("/orders", orders.router, tags=["orders"])
router.add_router("/invoices", invoices.router, tags=["invoices"])
router.add_router("/activities", activities.router, tags=["activities"])
router.add_router("/tasks", tasks.router, tags=["tasks"])
router.add_router("/events", events.router, tags=["events"])
router.add_router("/quotas", quotas.router, tags=["quotas"])
router.add_router("/search", search.router, tags=["search"])
