"""Left-to-right fragments inside right-to-left pages: available in every template (a builtin).

``{{ person.email|ltr }}`` isolates an address, a web address or a number with its unit, so that
an Arabic sentence keeps its punctuation in place around it."""

import unicodedata

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def ltr(value: object) -> SafeString | str:
    if value in (None, ""):
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', value)


# First strong isolate ... pop directional isolate: invisible marks that keep a fragment's own
# direction even where no element can (a PDF's running header takes the text of a heading).
FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"


@register.filter
def isolate(value: object) -> str:
    """``value`` between isolating marks, in the direction of its first strong letter."""
    if value in (None, ""):
        return ""
    return f"{FSI}{value}{PDI}"


@register.filter
def text_dir(value: object) -> str:
    """'rtl' when a typed text begins (by its first strong letter) in Arabic or Hebrew script,
    else 'ltr': a ``dir`` for renderers that do not know ``dir="auto"``."""
    for char in str(value or ""):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"
