"""Django's own validation messages, reworded so each says how to put it right.

Django translates these in its catalogue; ours comes first (`LOCALE_PATHS`), so the entries
in `locale/*/LC_MESSAGES/django.po` replace "Dit veld is verplicht." and "Voer een geldige URL
in." everywhere a form uses Django's fields. Listed here so `make messages` keeps them.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

REWORDED = (
    gettext_noop("This field is required."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
)

TOO_LONG = ngettext_lazy(
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)
