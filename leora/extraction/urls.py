from leora import converters  # noqa: F401  (the <id:...> converter)
from leora.extraction.views import urlpatterns

__all__ = ["urlpatterns"]
