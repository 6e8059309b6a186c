"""The privacy officer's registers; included from ``config.urls``."""

from django.urls import path

from . import views

urlpatterns = [
    path("privacy/verzoeken/", views.request_list, name="privacy_request_list"),
    path(
        "privacy/verzoeken/nieuw/",
        views.request_register,
        name="privacy_request_register",
    ),
    path(
        "privacy/verzoeken/<int:pk>/",
        views.request_detail,
        name="privacy_request_detail",
    ),
    *(
        path(
            f"privacy/verzoeken/<int:pk>/{slug}/",
            getattr(views, f"request_{action}"),
            name=f"privacy_request_{action}",
        )
        for action, slug in [
            ("identity", "identiteit"),
            ("extend", "verlengen"),
            ("start", "in-behandeling"),
            ("answer", "beantwoorden"),
            ("refuse", "afwijzen"),
            ("withdraw", "intrekken"),
        ]
    ),
    path(
        "privacy/verzoeken/<int:pk>/inzage.json",
        views.request_export_json,
        name="privacy_request_export_json",
    ),
    path(
        "privacy/verzoeken/<int:pk>/inzage.pdf",
        views.request_export_pdf,
        name="privacy_request_export_pdf",
    ),
    path("privacy/datalekken/", views.breach_list, name="privacy_breach_list"),
    path(
        "privacy/datalekken/nieuw/",
        views.breach_register,
        name="privacy_breach_register",
    ),
    path(
        "privacy/datalekken/<int:pk>/",
        views.breach_detail,
        name="privacy_breach_detail",
    ),
    path(
        "privacy/datalekken/<int:pk>/beoordelen/",
        views.breach_assess,
        name="privacy_breach_assess",
    ),
    path(
        "privacy/datalekken/<int:pk>/afhandelen/",
        views.breach_close,
        name="privacy_breach_close",
    ),
]
