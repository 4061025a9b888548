import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from framework.search import terms

register = template.Library()


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """``text`` escaped, with the query's words marked; matching is done on the raw text."""
    words = sorted({t for t in terms(query) if len(t) > 1}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out: list[str] = []
    pos = 0
    for match in pattern.finditer(text):
        out.append(escape(text[pos : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        pos = match.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


@register.filter
def english(text: object) -> SafeString:
    """The Framework's English text inside a sentence in another language, marked so that screen
    readers switch voice and Arabic pages keep its punctuation in place: ``{{ x|english }}``."""
    return format_html('<span lang="en">{}</span>', text)
