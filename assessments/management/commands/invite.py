"""Invite people to countries' teams from the command line: one, or a CSV list of them.

The same service as the team page and the Countries page, so the same e-mail. Each line of a
list is its own invitation: a bad line is reported with its number and changes nothing, the
others go ahead, and the command exits non-zero if any line failed.
"""

from __future__ import annotations

import csv
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments import services
from assessments.models import Country

COLUMNS = ("country", "role", "email", "name")


class Command(BaseCommand):
    help = "Invite a person to a country's team by e-mail (--country, --role, --email), or a list (--csv)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--country", help="the country's ISO 3166 alpha-3 code, e.g. AUT")
        parser.add_argument("--role", help="coordinator, contributor or observer")
        parser.add_argument("--email", help="the person's e-mail address")
        parser.add_argument("--name", default="", help="the person's name, for the e-mail's greeting")
        parser.add_argument("--csv", type=Path, help=f"a CSV file with a header row: {','.join(COLUMNS)}")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["csv"]:
            rows = self._read(options["csv"])
        elif options["country"] and options["role"] and options["email"]:
            rows = [
                (
                    0,
                    {
                        "country": options["country"],
                        "role": options["role"],
                        "email": options["email"],
                        "name": options["name"],
                    },
                )
            ]
        else:
            raise CommandError("Give --country, --role and --email, or --csv FILE.")
        failed = sum(not self._invite(line, row) for line, row in rows)
        if failed:
            raise CommandError(f"{failed} of {len(rows)} invitation(s) failed; nothing was changed for them.")

    def _read(self, path: Path) -> list[tuple[int, dict[str, str]]]:
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = set(COLUMNS[:3]) - set(reader.fieldnames or [])
                if missing:
                    raise CommandError(f"{path}: the header row lacks {', '.join(sorted(missing))}.")
                return [
                    (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader
                ]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"{path}: cannot be read ({exc}).") from None

    def _invite(self, line: int, row: dict[str, str]) -> bool:
        where = f"line {line}: " if line else ""
        country = Country.objects.filter(code=row.get("country", "").upper()).first()
        if country is None:
            self.stderr.write(f"{where}no country with the code {row.get('country', '')!r}")
            return False
        try:
            invitation = services.invite(
                country=country,
                role=row.get("role", "").lower(),
                email=row.get("email", ""),
                by=None,
                full_name=row.get("name", ""),
            )
        except ValidationError as exc:
            self.stderr.write(f"{where}{row.get('email', '')}: {' '.join(exc.messages)}")
            return False
        done = "added (had an account)" if invitation.accepted_at else "invited"
        self.stdout.write(f"{where}{invitation.email} {done} as {invitation.role} of {country.name}")
        return True
