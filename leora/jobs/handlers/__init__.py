"""The queue's own job types (system upkeep, diagnostics, Django tasks, customer facts); importing this
package registers them. Business job types live with their feature apps (extraction, imports, reports,
webhooks, enrichment, notifications), each registering its handler in its AppConfig.ready."""

from leora.jobs.handlers import (  # noqa: F401
    customer_facts,
    diagnostic,
    django_task,
    system,
)
