from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from framework.loading import LoadError, load_fixtures


class Command(BaseCommand):
    help = "Load or update the Framework for Action catalogue and reference data from fixtures/."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--fixtures",
            type=Path,
            default=settings.FRAMEWORK_FIXTURES_DIR,
            help="folder holding framework/*.json and reference/*.json (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_fixtures(directory=options["fixtures"])
        except LoadError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(report.summary()) if report.changed else report.summary())
