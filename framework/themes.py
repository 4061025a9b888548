"""The themes that match a Protocol requirement to the ICAT organisations whose mandate covers it.

Editorial, like the pillars an organisation was matched to before: each organisation's themes are
read from the ICAT document (002) with line references, each requirement's from its rows in the
Framework (004). The Framework's own text is not changed by them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Agency

THEMES = {
    "children": _("children"),
    "labour_exploitation": _("labour exploitation"),
    "migration": _("migration"),
    "refugees_asylum": _("refugees and asylum"),
    "criminal_justice": _("criminal justice"),
    "victims_human_rights": _("victims' rights and human rights"),
    "gender": _("gender"),
    "health": _("health"),
    "development": _("development"),
    "peace_operations": _("peace operations"),
    "education_awareness": _("education and awareness"),
    "transport_borders": _("transport and borders"),
    "data_research": _("data and research"),
    "law_enforcement_cooperation": _("law enforcement and judicial cooperation"),
    "financial_crime": _("proceeds of crime and corruption"),
}


def organisations_for(
    requirements: dict[str, dict[str, Any]], organisations: list[Agency]
) -> dict[str, list[dict[str, Any]]]:
    """Per requirement, the ICAT organisations whose mandate covers its first (most specific)
    theme, with all the themes they share with it, in the order of their codes; for a requirement
    without themes (an edition not yet tagged), those whose mandate covers its pillar. (Any shared
    theme would offer nearly every organisation for every criminal-justice requirement.)"""
    out: dict[str, list[dict[str, Any]]] = {}
    for code, requirement in requirements.items():
        themes = list(requirement.get("themes") or [])
        wanted = set(themes)

        def covers(o: Agency, themes: list[str] = themes, pillar: int = requirement["pillar"]) -> bool:
            return themes[0] in o.themes if themes else pillar in o.pillars

        out[code] = [
            {
                "code": o.code,
                "name": o.name,
                "current_name": o.current_name,
                "themes": sorted(wanted & set(o.themes)),
            }
            for o in sorted(organisations, key=lambda o: o.code)
            if covers(o)
        ]
    return out
