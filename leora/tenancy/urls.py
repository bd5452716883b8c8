"""Pages of the tenancy app, mounted at /account/: each view module brings its own url patterns."""

from leora.tenancy.views import account

urlpatterns = [*account.urlpatterns]
