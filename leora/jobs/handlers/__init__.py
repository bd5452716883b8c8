"""Job handlers, one module per job type (or family); importing this package registers them all."""

from leora.jobs.handlers import (  # noqa: F401
    account_type_update,
    bulk_import,
    customer_enrichment,
    customer_facts,
    diagnostic,
    django_task,
    image_extraction,
    notification_digest,
    report_generation,
    system,
    webhook_dispatch,
)
