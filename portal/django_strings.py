"""Django's own words that its catalogues do not yet translate in every UN language (strings new
in recent Django releases). Marked here, they are translated in the portal's catalogues, which
Django consults before its own (``LOCALE_PATHS``)."""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = (
    gettext_noop("- Select an option -"),  # the blank choice of a model field's drop-down
)
