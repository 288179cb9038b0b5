"""Reading the story: fixtures/*.json, each object a model, its natural key and its fields, into StoryRows
with every problem named by file, object and field (FixtureError)."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, models

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"


class StoryCommand(BaseCommand):
    """What load_story and restore_story both take: fixture paths (by default every fixtures/*.json) and
    --database (an alias of settings.DATABASES)."""

    def add_arguments(self, parser):
        """Adds the positional fixture paths and --database."""
        parser.add_argument(
            "paths", nargs="*", help="Fixture files; by default every fixtures/*.json, by name."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)


class FixtureError(Exception):
    """A fixture that cannot be loaded; the message names the file, the object and the field."""


@dataclass(frozen=True)
class StoryRow:
    """One object of a fixture file: where it is, its model and its natural key (a tuple of JSON values)."""

    path: Path
    index: int
    raw: dict
    model: type[models.Model]
    key: tuple

    @property
    def label(self):
        """The model's lower-case label, e.g. "press.coverage" (str)."""
        return self.model._meta.label_lower

    @property
    def key_json(self):
        """The natural key as compact JSON (canonical()), as LoadedStoryRow stores it."""
        return canonical(self.key)

    @property
    def where(self):
        """Where the object is, for messages: "coverage.json, object 3 (press.coverage “first-kiss”)"."""
        return describe(self.path, self.index, self.raw)

    @property
    def name(self):
        """The row for messages: its label and natural key, e.g. press.coverage “first-kiss”."""
        return f"{self.label} “{' / '.join(str(part) for part in self.key)}”"


def fixture_files(paths):
    """The files named (str or Path), or by default every fixtures/*.json by name; FixtureError if none."""
    files = [Path(path) for path in paths] or sorted(FIXTURE_DIR.glob("*.json"))
    if not files:
        raise FixtureError(f"No fixtures found in {FIXTURE_DIR}.")
    return files


def read_story(files):
    """Every object of the given fixture files, in order, as StoryRows.

    Raises FixtureError naming the file (and the object) for a missing or unreadable file, a file that is
    not a JSON list, an object without "model" and "fields", an unknown model, a model without a natural
    key, or an object without the fields its natural key is made of.
    """
    rows = []
    for path in files:
        for index, raw in enumerate(read_fixture(path)):
            where = describe(path, index, raw)
            if (
                not isinstance(raw, dict)
                or not isinstance(raw.get("model"), str)
                or not isinstance(raw.get("fields"), dict)
            ):
                raise FixtureError(f'{where}: each object needs a "model" name and a "fields" mapping.')
            try:
                model = apps.get_model(raw["model"])
            except (LookupError, ValueError):
                raise FixtureError(f"{where}: unknown model “{raw['model']}”") from None
            if not hasattr(model, "NATURAL_KEY") or not hasattr(model._default_manager, "get_by_natural_key"):
                raise FixtureError(
                    f"{where}: {model._meta.label_lower} has no natural key to find its rows by."
                )
            key = tuple(key_part(model, raw["fields"], lookup, where) for lookup in model.NATURAL_KEY)
            rows.append(StoryRow(Path(path), index, raw, model, key))
    return rows


def read_fixture(path):
    """The list of objects in the fixture at path (str or Path), read as UTF-8 JSON. Raises FixtureError,
    naming the file, for a missing file, text that is not UTF-8 or not JSON, or JSON that is not a list.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FixtureError(f"{path}: no such fixture file.") from None
    except UnicodeDecodeError as error:
        raise FixtureError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start}).") from None
    except json.JSONDecodeError as error:
        raise FixtureError(
            f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}."
        ) from None
    if not isinstance(data, list):
        raise FixtureError(f"{path}: a fixture is a JSON list of objects.")
    return data


def key_part(model, values, lookup, where):
    """The value of one natural-key lookup ("passage__coverage__slug") in a fixture object's fields: a
    reference in a fixture is the natural key of the row it points to, so the lookup is read through it."""
    name, _, rest = lookup.partition("__")
    if name not in values:
        raise FixtureError(f"{where}: field '{name}' is missing; the row is found by it.")
    value = values[name]
    if not rest:
        return value
    related = model._meta.get_field(name).related_model
    if not isinstance(value, list) or len(value) != len(related.NATURAL_KEY):
        raise FixtureError(
            f"{where}: field '{name}': a reference is a list of the {related._meta.verbose_name}'s "
            f"{', '.join(related.NATURAL_KEY)} (got {json.dumps(value)})"
        )
    by_lookup = dict(zip(related.NATURAL_KEY, value, strict=True))
    if rest in by_lookup:
        return by_lookup[rest]
    return key_part(related, by_lookup, rest, where)


def canonical(key):
    """A natural key (a tuple of JSON values) as compact JSON text, non-ASCII kept: ["first-kiss"]."""
    return json.dumps(list(key), ensure_ascii=False, separators=(",", ":"))


def describe(path, index, raw):
    """Where a fixture object is, for messages: the file's name, its 1-based position, its model and the first
    of its slug, name, headline, title... (cut to 60 characters). raw may be any JSON value.
    """
    fields = raw.get("fields") if isinstance(raw, dict) else None
    name = ""
    if isinstance(fields, dict):
        for key in ("slug", "name", "headline", "title", "statement", "words", "question"):
            if isinstance(fields.get(key), str):
                name = f" “{fields[key][:60]}”"
                break
    model = raw.get("model", "?") if isinstance(raw, dict) else "?"
    return f"{Path(path).name}, object {index + 1} ({model}{name})"
