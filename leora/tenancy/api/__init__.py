"""The tenancy app's JSON API: one module per resource, joined into one router here."""

from ninja import Router

from leora.tenancy.api import account, audit

router = Router()
router.add_router("", account.router, tags=["account"])
router.add_router("/audit-events", audit.router, tags=["audit"])
