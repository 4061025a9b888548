"""Print the current second-factor code of a demo account, for signing in without an app."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError

from portal import mfa

from .load_demo import DEMO_ACCOUNTS


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account (only the demo's; real accounts use their app)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("email", help="one of the demo accounts that load_demo printed")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        if email not in DEMO_ACCOUNTS:
            raise CommandError("Only the demo accounts' codes can be printed; real accounts use their app.")
        factor = Authenticator.objects.filter(user__username=email, type=Authenticator.Type.TOTP).first()
        if factor is None:
            raise CommandError(f"{email} has no second factor; run load_demo first.")
        self.stdout.write(mfa.current_code(str(factor.data["secret"])))
