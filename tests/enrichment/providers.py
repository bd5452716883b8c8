"""Outside providers for the tests of the plug-in point."""

from __future__ import annotations

from typing import Any, ClassVar

from leora.crm.models import Customer


class LicenceRegister:
    """Answers from a pretend licence register."""

    name = "licence_register"

    def enrich(self, customer: Customer) -> dict[str, Any]:
        return {"licence_status": "valid", "account": customer.account_number}


class FlakyDirectory:
    """Fails the first call of every test (a partner API having a bad minute), then answers."""

    name = "directory"
    calls: ClassVar[list[int]] = []

    def enrich(self, customer: Customer) -> dict[str, Any]:
        FlakyDirectory.calls.append(customer.pk)
        if len(FlakyDirectory.calls) == 1:
            raise ConnectionError("directory timed out")
        return {"listed": True}


class NotAProvider:
    pass
