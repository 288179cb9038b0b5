"""Resets one account's two-factor sign-in from the server: the way back when no one can do it in the admin
(the last superuser lost their phone and their recovery codes).

In: a username. Out: the account's authenticator apps and recovery codes removed, so that it sets one up
again at its next sign-in; the reset is logged (logger editorial.twofactor; not in the admin's history, which
names who did what in the admin). Errors: CommandError for an unknown username; an account without a second
factor is left as it is, and said so.
"""

import logging

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from editorial.twofactor import remove_second_factor

logger = logging.getLogger("editorial.twofactor")


class Command(BaseCommand):
    """manage.py reset_two_factor USERNAME: see the module's docstring."""

    help = "Removes an account's two-factor app and recovery codes; it sets them up again at next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            account = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist as error:
            raise CommandError(f"No account is named {username!r}.") from error
        if not remove_second_factor(account):
            self.stdout.write(f"{username} had no two-factor sign-in set up: nothing to reset.")
            return
        message = (
            "Reset two-factor sign-in (manage.py reset_two_factor): it is set up again at the next sign-in."
        )
        logger.warning("%s (account %s)", message, username)
        self.stdout.write(f"Two-factor sign-in reset for {username}: it is set up again at the next sign-in.")
