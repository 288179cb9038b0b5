"""Loads the First Kiss story from fixtures/ in one transaction: every object or none.

Unlike loaddata, every object passes full_clean() before it is saved, so a passage that does not occur
in its source is refused, and an error names the file, the object and the field.
"""

import json
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers import base
from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction

from config.routing import reading_from

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"


class FixtureError(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Loads the story from fixtures/ (or the given files), all or nothing; loading twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", help="Fixture files; by default every fixtures/*.json, by name."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, paths, database, **options):
        files = [Path(path) for path in paths] or sorted(FIXTURE_DIR.glob("*.json"))
        if not files:
            raise CommandError(f"No fixtures found in {FIXTURE_DIR}.")
        loaded = Counter()
        try:
            # Uniqueness checks read through the router: pinned, they read the database being loaded.
            with reading_from(database), transaction.atomic(using=database):
                for path in files:
                    for index, raw in enumerate(read_fixture(path)):
                        model_label = load_object(path, index, raw, database)
                        loaded[model_label] += 1
        except FixtureError as error:
            raise CommandError(f"{error}\nNothing was loaded: the database is as it was.") from None
        self.stdout.write(f"Loaded {sum(loaded.values())} objects from {len(files)} fixture files.")
        if options["verbosity"] > 1:
            for model_label, count in sorted(loaded.items()):
                self.stdout.write(f"  {model_label}: {count}")


def read_fixture(path):
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
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


def load_object(path, index, raw, database):
    where = describe(path, index, raw)
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("model"), str)
        or not isinstance(raw.get("fields"), dict)
    ):
        raise FixtureError(f'{where}: each object needs a "model" name and a "fields" mapping.')
    try:
        (deserialized,) = serializers.deserialize("python", [raw], using=database)
    except Exception as error:
        raise FixtureError(f"{where}: {find_bad_field(raw, database) or error}") from None
    instance = deserialized.object
    if instance.pk is not None:
        # The natural key matched a stored row: validate it as an update, not as a duplicate.
        instance._state.adding = (
            not type(instance)._default_manager.using(database).filter(pk=instance.pk).exists()
        )
    try:
        instance.full_clean()
    except ValidationError as error:
        problems = "; ".join(
            f"field '{field}': {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        )
        raise FixtureError(f"{where}: {problems}") from None
    try:
        with transaction.atomic(using=database):
            deserialized.save(using=database)
    except DatabaseError as error:
        raise FixtureError(f"{where}: the database refused it: {error}") from None
    return instance._meta.label_lower


def describe(path, index, raw):
    fields = raw.get("fields") if isinstance(raw, dict) else None
    name = ""
    if isinstance(fields, dict):
        for key in ("slug", "name", "headline", "title", "statement", "words", "question"):
            if isinstance(fields.get(key), str):
                name = f" “{fields[key][:60]}”"
                break
    model = raw.get("model", "?") if isinstance(raw, dict) else "?"
    return f"{Path(path).name}, object {index + 1} ({model}{name})"


def find_bad_field(raw, database):
    """Says which field of an object that failed to deserialize is wrong, and why."""
    try:
        model = apps.get_model(raw["model"])
    except (LookupError, ValueError):
        return f"unknown model “{raw['model']}”"
    for name, value in raw["fields"].items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return f"field '{name}': {model._meta.label_lower} has no such field"
        try:
            if field.many_to_many:
                base.deserialize_m2m_values(field, value, database, handle_forward_references=False)
            elif field.remote_field:
                base.deserialize_fk_value(field, value, database, handle_forward_references=False)
            else:
                field.to_python(value)
        except ObjectDoesNotExist:
            return f"field '{name}': no {field.related_model._meta.verbose_name} with key {json.dumps(value)}"
        except base.M2MDeserializationError as error:
            return (
                f"field '{name}': no {field.related_model._meta.verbose_name} with key {json.dumps(error.pk)}"
            )
        except ValidationError as error:
            return f"field '{name}': {' '.join(error.messages)} (got {json.dumps(value)})"
        except Exception as error:
            return f"field '{name}': {error} (got {json.dumps(value)})"
    return None
