from django import template
from django.apps import apps

from ..texts import field_limit, limit_hint

register = template.Library()


@register.simple_tag
def text_limit(field: str) -> str:
    """``{% text_limit "Answer.narrative" %}`` -> "Up to 20,000 characters", from the model field."""
    model_name, name = field.split(".")
    limit = field_limit(apps.get_model("assessments", model_name), name)
    return limit_hint(limit) if limit else ""
