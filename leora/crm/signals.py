"""Signals of the crm app.

``book_changed`` is sent after a bulk write that bypasses model signals (``QuerySet.update``, bulk
inserts) with the tenant whose customers, orders, invoices, activities or tasks changed, so that what is
derived from them (cached metric counts, customer facts) can follow without crm knowing about it.
"""

from django.dispatch import Signal

# Sent with tenant_id=<int> once the bulk write is done (inside the writer's transaction), and with
# customer_ids=[...] naming the customers whose orders, lines, invoices or activities changed (their
# facts are refreshed in the same transaction); a write of customer fields alone passes none.
book_changed = Signal()
