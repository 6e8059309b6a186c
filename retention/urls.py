"""The retention pages; included from ``config.urls``."""

from django.urls import path

from .views import retention_register

urlpatterns = [
    path(
        "privacy/vernietigingsregister/",
        retention_register,
        name="retention_register",
    ),
]
