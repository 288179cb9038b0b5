"""Writes the First Kiss story's own values back over editors' changes, after listing every change.

In: fixture files, as for load_story (by default every fixtures/*.json by name). First it lists, row by row
and field by field (old -> new, each shortened to about 60 characters), what restoring would change: story
rows whose stored fields or many-to-many relations differ from the fixture, rows an editor deleted (brought
back) and rows never loaded (added). Only the fields a fixture names are compared and written; the rest of a
row (an image, who last changed it) is kept. Then it asks for confirmation, unless --no-input; --dry-run only
lists. It applies exactly the listed changes in one transaction, and refuses (changing nothing) if the
database changed between the listing and the answer. Every restored row passes full_clean().

Errors: CommandError naming the file, the object and the field of a bad fixture; nothing is changed then.
"""

import reversion
from django.core.management.base import CommandError
from django.db import transaction

from editorial import fixtures, story

PROMPT = "Restore these {count} rows? Type 'yes' to continue, or 'no' to cancel: "


class Changed(Exception):
    """The database changed between the listing and the restore."""


class Command(fixtures.StoryCommand):
    """manage.py restore_story [paths ...] [--database ALIAS] [--no-input] [--dry-run]: see the module's
    docstring.
    """

    help = (
        "Lists, then restores, the story's own values (fixtures/) over rows editors changed or deleted; asks "
        "first unless --no-input. Use load_story for the ordinary load, which never overwrites."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Restore without asking.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only list what would change.")

    def handle(self, *args, paths, database, interactive, dry_run, verbosity, **options):
        try:
            rows = fixtures.read_story(fixtures.fixture_files(paths))
            listed = changes(story.rehearse(rows, database, restore=True))
        except fixtures.FixtureError as error:
            raise CommandError(f"{error}\nNothing was restored: the database is as it was.") from None
        if not listed:
            if verbosity > 0:
                self.stdout.write("Nothing to restore: every story row is as the fixtures have it.")
            return
        if verbosity > 0 or dry_run or interactive:
            self.list(listed)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
            return
        if interactive and not confirmed(len(listed)):
            self.stdout.write("Restore cancelled: nothing was changed.")
            return
        try:
            # One version of every row it writes, so the first edit can be compared with the story's words.
            with transaction.atomic(using=database), reversion.create_revision(using=database):
                reversion.set_comment("Restored from the story (restore_story).")
                if changes(story.load(rows, database, restore=True)) != listed:
                    raise Changed
        except fixtures.FixtureError as error:
            raise CommandError(f"{error}\nNothing was restored: the database is as it was.") from None
        except Changed:
            raise CommandError(
                "The database changed after the list was made; nothing was restored. Run restore_story again "
                "to see the new list."
            ) from None
        if verbosity > 0:
            self.stdout.write(f"Restored {len(listed)} rows, exactly as listed.")

    def list(self, listed):
        """Writes the listed outcomes to stdout: each row and its action, then each field's old -> new."""
        rows = f"{len(listed)} row{'' if len(listed) == 1 else 's'}"
        self.stdout.write(f"Restoring the story would change {rows}:")
        for outcome in listed:
            self.stdout.write(f"  {outcome.row.name}: {outcome.action}")
            for change in outcome.changes:
                self.stdout.write(f"    {change.name}: {change.old_shown} -> {change.new_shown}")


def changes(outcomes):
    """The outcomes that change the database (added, re-created, restored), in order."""
    return [outcome for outcome in outcomes if outcome.action in story.CHANGES]


def confirmed(count):
    """Asks on the terminal; only "yes" goes on (no answer, as when input ends, is a no)."""
    try:
        return input(PROMPT.format(count=count)).strip().lower() == "yes"
    except EOFError:
        return False
