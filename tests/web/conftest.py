"""Fixtures shared by the page tests; the customer book is the one the CRM API tests use."""

from __future__ import annotations

from tests.crm.conftest import book

__all__ = ["book"]
