from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "schakel.web.core"
    label = "core"

    def ready(self) -> None:
        from django import forms

        from schakel.web.core import checks  # noqa: F401  (registers the checks)
        from schakel.web.core.forms import NativeDateInput

        # Every date field in every form (model forms too) gets the browser's date picker.
        forms.DateField.widget = NativeDateInput
