"""manage.py import_coverage: the admin's import of coverage from a spreadsheet, for a large file."""

import os
import stat
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from press import importing

# The largest file the command reads (bytes): 100,000 rows of coverage take about 60 MB as CSV.
COMMAND_MAX_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Imports coverage from a CSV (UTF-8) or XLSX file, as the admin does (press.importing): prints the "
        "preview row by row, then asks before writing. Pieces arrive as drafts; published pieces are never "
        f"changed; all or nothing. Up to {importing.COMMAND_MAX_ROWS:,} rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The spreadsheet: .csv (UTF-8) or .xlsx, a header row first.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help="Match a column to a field, e.g. --map 'Publication=outlet'; fields: "
            f"{', '.join(importing.FIELDS)}"
            ", or 'ignore'. Other columns are matched by their headers, as the admin suggests.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Print the preview and write nothing.")
        parser.add_argument(
            "--user", help="The username the import is recorded as (its versions, created by)."
        )
        parser.add_argument("--no-input", action="store_true", help="Import without asking.")

    def handle(self, *args, file, map, dry_run, user, no_input, **options):
        """Reads file, prints the plan and its summary, and unless dry_run applies it (after a "y" unless
        no_input). Raises CommandError, in words, for a file that cannot be read or imported, a bad --map,
        an unknown --user, a prompt without a terminal, or a database that refused a row (nothing
        written)."""
        importer = None
        if user:
            try:
                importer = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user is called “{user}”.") from None
        path = Path(file)
        data = self.read_file(path)
        try:
            dataset = importing.read_table(data, max_rows=importing.COMMAND_MAX_ROWS)
        except importing.ImportFileError as error:
            raise CommandError(f"{path.name}: {error}") from None
        for note in dataset.reading_notes:
            self.stdout.write(note)
        mapping = self.mapping(dataset.headers, map)
        try:
            plan = importing.plan(dataset, mapping, importer, file_name=path.name)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.print_plan(plan)
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        if not (plan.count(importing.Action.NEW) or plan.count(importing.Action.UPDATE)):
            self.stdout.write("Nothing to import.")
            return
        if not no_input and not self.confirmed():
            self.stdout.write("Nothing was imported.")
            return
        with tqdm(total=len(plan.rows), unit="row", file=self.stderr._out, disable=None) as bar:
            try:
                importing.apply(plan, progress=lambda row: bar.update())
            except importing.ImportFailed as error:
                raise CommandError(
                    importing.failure_words(error).replace(
                        "Look at the preview", "Run the command with --dry-run"
                    )
                ) from None
        self.stdout.write(self.style.SUCCESS(f"Imported from {plan.file_name}: {plan.summary()}"))

    @staticmethod
    def confirmed():
        """True when the person at the terminal answers "y" or "yes". Raises CommandError without a terminal
        (stdin not a tty, or closed): a script or cron job must say --no-input."""
        if not sys.stdin or not sys.stdin.isatty():
            raise CommandError(
                "No terminal to ask “Import?” at: add --no-input to import without a prompt (or --dry-run to "
                "only see the preview)."
            )
        try:
            return input("Import? [y/N] ").strip().lower() in ("y", "yes")
        except EOFError:
            raise CommandError("No answer to “Import?”: add --no-input to import without a prompt.") from None

    @staticmethod
    def read_file(path):
        """The bytes of path (Path). Raises CommandError, in words, for a path that is not a regular file
        (a device such as /dev/zero, a FIFO, a folder), one over COMMAND_MAX_BYTES, or one that cannot be
        read. Reads at most COMMAND_MAX_BYTES + 1 bytes, so a file growing meanwhile cannot fill memory."""
        not_regular = CommandError(
            f"{path} is not a regular file (a device, a pipe or a folder): give the path of a .csv or .xlsx "
            "file."
        )
        try:
            # Looked at before opening: opening a FIFO would wait for a writer.
            if not stat.S_ISREG(path.stat().st_mode):
                raise not_regular
            with path.open("rb") as opened:
                if not stat.S_ISREG(os.fstat(opened.fileno()).st_mode):
                    raise not_regular
                data = opened.read(COMMAND_MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from None
        if len(data) > COMMAND_MAX_BYTES:
            raise CommandError(
                f"{path} is larger than {COMMAND_MAX_BYTES // (1024 * 1024)} MB, the most the command reads: "
                "split it into several files and import each."
            )
        return data

    def mapping(self, headers, pairs):
        """{column index: field} from the headers' suggestions, changed by pairs ("Header=field" strs)."""
        mapping = importing.suggested_mapping(headers)
        by_header = {header.casefold(): index for index, header in enumerate(headers)}
        for pair in pairs:
            if "=" not in pair:
                raise CommandError(
                    f"--map {pair}: give --map as \"Header=field\", e.g. --map 'Publication=outlet'."
                )
            header, _, name = pair.rpartition("=")
            index = by_header.get(header.strip().casefold())
            if not header or index is None:
                raise CommandError(f"--map {pair}: the file has no column headed “{header}”.")
            name = name.strip()
            if name == "ignore":
                mapping.pop(index, None)
                continue
            if name not in importing.FIELDS:
                raise CommandError(f"--map {pair}: “{name}” is not one of {', '.join(importing.FIELDS)}.")
            mapping = {column: field for column, field in mapping.items() if field != name}
            mapping[index] = name
        return mapping

    def print_plan(self, plan):
        """Writes the preview: the mapping, each row with what happens and why, the outlets and people to
        add, the summary."""
        for index, name in sorted(plan.mapping.items()):
            self.stdout.write(
                f"Column {importing.column_letter(index)} “{plan.headers[index]}” → {importing.FIELDS[name]}"
            )
        for row in plan.rows:
            self.stdout.write(f"Row {row.number}: {row.status}: {row.headline}")
            for line in row.errors + row.notes:
                self.stdout.write(f"    {line}")
        if plan.new_outlets:
            self.stdout.write(f"New outlets (drafts): {', '.join(plan.new_outlets)}")
        if plan.new_people:
            self.stdout.write(f"New people (drafts): {', '.join(plan.new_people)}")
        self.stdout.write(plan.summary())
