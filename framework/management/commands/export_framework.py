import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from framework.exporting import export_catalogue
from framework.models import Framework


class Command(BaseCommand):
    help = "Write the loaded Framework for Action catalogue as JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--output", type=Path, help="file to write (default: standard output)")
        parser.add_argument("--framework", help="framework code (default: the current edition)")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["framework"]
        framework = Framework.objects.filter(code=code).first() if code else Framework.objects.current()
        if framework is None:
            raise CommandError(
                f"No framework {code!r} is loaded."
                if code
                else "No framework is loaded: run load_framework first."
            )
        text = json.dumps(export_catalogue(framework), ensure_ascii=False, indent=1) + "\n"
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {framework.code} to {options['output']}")
        else:
            self.stdout.write(text, ending="")
