"""The form renderer: every form and field renders through templates/forms/."""

from django.forms.renderers import TemplatesSetting


class NaastFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
