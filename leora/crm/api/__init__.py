"""The CRM's JSON API: one module per resource, joined into one router here."""

from ninja import Router

from leora.crm.api import customers

router = Router()
router.add_router("/customers", customers.router, tags=["customers"])
