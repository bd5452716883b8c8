"""Pages of the CRM: each view module brings its own url patterns."""

from leora.crm.views import (
    activities,
    calendar,
    contacts,
    customer_forms,
    customers,
    invoices,
    orders,
    products,
    quotas,
    search,
    tasks,
)

urlpatterns = [
    *customers.urlpatterns,
    *customer_forms.urlpatterns,
    *contacts.urlpatterns,
    *tasks.urlpatterns,
    *calendar.urlpatterns,
    *activities.urlpatterns,
    *search.urlpatterns,
    *quotas.urlpatterns,
    *products.urlpatterns,
    *orders.urlpatterns,
    *invoices.urlpatterns,
]
