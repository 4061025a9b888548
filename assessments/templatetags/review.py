from django import template

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """0.734 -> '73%'; None -> '—' (nothing to count)."""
    return "—" if share is None else f"{round(share * 100)}%"


@register.filter
def heat(share: float | None) -> str:
    """A CSS class from 'heat-0' (nothing met) to 'heat-10' (all met); 'heat-none' if nothing counts."""
    return "heat-none" if share is None else f"heat-{round(share * 10)}"
