"""The processor key of ``/api/jobs/process``: a shared secret for a cron or serverless trigger.

Sent as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>`` and compared in constant time with
JOB_PROCESSOR_API_KEY, which holds either the key itself or ``sha256:<hex digest of the key>``.
No key configured answers 503: the endpoint is off rather than open.
"""

from __future__ import annotations

import hashlib
import hmac

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyHeader

from leora.jobs.conf import job_setting

PROCESSOR = "job-processor"


def processor_key_matches(key: str, configured: str) -> bool:
    """Return whether ``key`` is the configured processor key (plain or ``sha256:`` form)."""
    if configured.startswith("sha256:"):
        digest = hashlib.sha256(key.encode()).hexdigest()
        return hmac.compare_digest(digest, configured.removeprefix("sha256:").strip().lower())
    return hmac.compare_digest(key.encode(), configured.encode())


class ProcessorKeyAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def _get_key(self, request: HttpRequest) -> str | None:
        authorization = request.headers.get("Authorization", "")
        if authorization[:7].lower() == "bearer ":
            return authorization[7:].strip()
        return request.headers.get("X-API-Key")

    def authenticate(self, request: HttpRequest, key: str | None) -> str | None:
        configured = job_setting("JOB_PROCESSOR_API_KEY")
        if not configured:
            raise HttpError(503, "Job processing over HTTP is off: set JOB_PROCESSOR_API_KEY to enable it")
        if key and processor_key_matches(key, configured):
            return PROCESSOR
        return None
