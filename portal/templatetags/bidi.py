"""Left-to-right fragments inside right-to-left pages: available in every template (a builtin).

``{{ person.email|ltr }}`` isolates an address, a web address or a number with its unit, so that
an Arabic sentence keeps its punctuation in place around it."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def ltr(value: object) -> SafeString | str:
    if value in (None, ""):
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', value)
