import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments.models import Country, Region


class Command(BaseCommand):
    help = "Load or update the UN Member States (and the fictitious demo countries) from fixtures/reference/countries.json."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--file", type=Path, default=settings.FRAMEWORK_FIXTURES_DIR / "reference" / "countries.json"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            rows = [(c, False) for c in data["countries"]] + [(c, True) for c in data["demo_countries"]]
            for c, _demo in rows:
                if c["region"] not in Region.values or len(c["code"]) != 3:
                    raise CommandError(f"{path.name}: country {c.get('code')!r} has a bad code or region")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"Nothing was loaded: {path}: {exc}") from exc
        created = updated = 0
        with transaction.atomic():
            existing = {c.code: c for c in Country.objects.all()}
            for c, demo in rows:
                values = {
                    "name": c["name"],
                    "region": c["region"],
                    "subregion": c.get("subregion", ""),
                    "is_demo": demo,
                }
                obj = existing.get(c["code"])
                if obj is None:
                    Country.objects.create(code=c["code"], **values)
                    created += 1
                elif any(getattr(obj, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(obj, k, v)
                    obj.save()
                    updated += 1
        if created or updated:
            self.stdout.write(self.style.SUCCESS(f"Countries: {created} created, {updated} updated."))
        else:
            self.stdout.write("No changes: countries already loaded and up to date.")
