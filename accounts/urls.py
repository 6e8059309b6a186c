"""The account pages: two-factor enrolment, verification and recovery codes."""

from .views import urlpatterns

__all__ = ["urlpatterns"]
