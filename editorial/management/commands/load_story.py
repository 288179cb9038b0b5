"""Loads the First Kiss story from fixtures/ in one transaction, adding what is missing and leaving what is
stored as editors left it.

In: fixture files (JSON lists of objects with natural keys), by default every fixtures/*.json by name.
Out: the rows added; a report of what was added, left alone, left deleted and left out, per model (with
-v 2, per row). A story row already stored (same model and natural key) is never written, fields and
many-to-many relations alike; a story row loaded once and deleted since stays deleted (LoadedStoryRow
remembers what was loaded). `restore_story` is the command that writes the story's values back.

Unlike loaddata, every object passes full_clean() before it is saved, so a passage that does not occur in its
source is refused. Errors: CommandError naming the file, the object and the field; nothing is loaded then.
"""

from collections import Counter

import reversion
from django.core.management.base import CommandError
from django.db import transaction

from editorial import fixtures, story


class Command(fixtures.StoryCommand):
    """manage.py load_story [paths ...] [--database ALIAS]: see the module's docstring."""

    help = (
        "Adds the story's missing rows from fixtures/ (or the given files), all or nothing; rows already "
        "stored, or deleted by an editor since they were loaded, are left as they are. Loading twice "
        "changes nothing."
    )

    def handle(self, *args, paths, database, verbosity, **options):
        try:
            files = fixtures.fixture_files(paths)
            rows = fixtures.read_story(files)
            # One version of every row it writes, so the first edit can be compared with the story's words.
            with transaction.atomic(using=database), reversion.create_revision(using=database):
                reversion.set_comment("Loaded from the story (load_story).")
                outcomes = story.load(rows, database)
        except fixtures.FixtureError as error:
            raise CommandError(f"{error}\nNothing was loaded: the database is as it was.") from None
        if verbosity > 0:
            report(self.stdout, outcomes, files, verbosity)


def report(out, outcomes, files, verbosity):
    """Writes counts of what happened (in total, then per model) and, from verbosity 2, each row."""
    totals = Counter(outcome.action for outcome in outcomes)
    counts = ", ".join(f"{totals[action]} {action}" for action in story.ACTIONS if totals[action])
    out.write(f"Story: {counts or 'no rows'} ({len(outcomes)} rows in {len(files)} fixture files).")
    per_model = Counter((outcome.label, outcome.action) for outcome in outcomes)
    for label in sorted({outcome.label for outcome in outcomes}):
        counts = ", ".join(
            f"{per_model[label, action]} {action}" for action in story.ACTIONS if per_model[label, action]
        )
        out.write(f"  {label}: {counts}")
    if verbosity > 1:
        for outcome in outcomes:
            note = f" ({outcome.note})" if outcome.note else ""
            out.write(f"  {outcome.action}: {outcome.row.name}{note}")
    if totals[story.LEFT_DELETED] or totals[story.LEFT_OUT]:
        out.write(
            "Rows an editor deleted stay deleted; `manage.py restore_story --dry-run` lists what restoring "
            "the story would bring back."
        )
