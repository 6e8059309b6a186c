from django.apps import AppConfig


class WebConfig(AppConfig):
    """The caseworker's, privacy officer's and team lead's pages: views, forms,
    filters, URLs and templates over the domain apps. No models."""

    name = "web"
    verbose_name = "Naast web"
