"""Pages under /metrics/."""

from leora.metrics.views import urlpatterns

__all__ = ["urlpatterns"]
