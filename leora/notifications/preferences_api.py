"""Each user's notification preferences: the daily digest on or off, and its hour."""

from __future__ import annotations

from ninja import Router

router = Router()
