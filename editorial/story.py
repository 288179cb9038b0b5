"""The story's rows (fixtures/*.json, natural keys) against the database: what `load_story` adds and leaves
alone, and what `restore_story` changes back.

A story row is found by its model and natural key (AuditedModel.NATURAL_KEY), read from the fixture itself, so
that a row already stored is left alone without its references even being looked up. LoadedStoryRow remembers
every story row once loaded, which tells a row an editor deleted from one a new release of the story adds.
"""

import json
from dataclasses import dataclass, field

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers import base
from django.db import DatabaseError, models, transaction

from config.routing import reading_from
from editorial.fixtures import FixtureError, StoryRow, canonical
from editorial.images import IllustratedModel
from editorial.models import LoadedStoryRow

# What happened to each story row.
ADDED = "added"  # missing and never loaded: the story adds it
LEFT_ALONE = "left alone"  # stored: kept exactly as editors left it
LEFT_DELETED = "left deleted"  # loaded once, deleted since by an editor: not brought back
LEFT_OUT = "left out"  # new, but refers to a row an editor deleted: not added
RECREATED = "re-created"  # restore only: loaded once, deleted since, brought back
RESTORED = "restored"  # restore only: stored, and fields changed back to the story's values
ACTIONS = [ADDED, LEFT_ALONE, LEFT_DELETED, LEFT_OUT, RECREATED, RESTORED]
CHANGES = {ADDED, RECREATED, RESTORED}

SHOWN_CHARACTERS = 60
NONE = "(none)"


class Rehearsal(Exception):
    """Rolls a rehearsal's transaction back."""


@dataclass(frozen=True)
class FieldChange:
    """One field a restore changes: stored value -> the story's value, each also as shown to the reader."""

    name: str
    old: object
    new: object
    old_shown: str
    new_shown: str


@dataclass(frozen=True)
class Outcome:
    """What a load or a restore did (or, rehearsed, would do) with one story row."""

    row: StoryRow = field(compare=False)
    label: str
    key_json: str
    action: str
    changes: tuple[FieldChange, ...] = ()
    note: str = ""


def load(rows, database, *, restore=False):
    """Loads the story rows into the database (an alias), all or nothing; returns one Outcome per row.

    By default a stored row (same model and natural key) is left alone, fields and many-to-many relations; a
    missing row is added unless it was loaded before (left deleted) or refers to a row that is deleted or left
    out (left out). With restore=True, stored rows get the story's values back in the fields the fixture
    names (restored) and deleted rows are added again (re-created). Every row added or restored passes
    full_clean() first. Must run inside a transaction; raises FixtureError naming file, object and field.
    """
    ledger = set(LoadedStoryRow.objects.using(database).values_list("model", "natural_key"))
    partners = symmetric_partners(rows)
    gone = set()  # (label, key_json) of story rows that are not there and will not be in this load
    outcomes, newly_loaded = [], []
    # Uniqueness checks read through the router: pinned, they read the database being loaded.
    with reading_from(database):
        for row in rows:
            stored = find(row, database)
            loaded = (row.label, row.key_json) in ledger
            if stored is not None and not restore:
                outcome = Outcome(row, row.label, row.key_json, LEFT_ALONE)
            elif stored is None and loaded and not restore:
                outcome = Outcome(row, row.label, row.key_json, LEFT_DELETED)
            elif stored is None and (missing := missing_reference(row, gone)):
                outcome = Outcome(row, row.label, row.key_json, LEFT_OUT, note=f"it refers to {missing}")
            elif stored is None:
                add(row, database)
                outcome = Outcome(row, row.label, row.key_json, RECREATED if loaded else ADDED)
            else:
                changes = restore_fields(row, stored, database, partners)
                outcome = Outcome(row, row.label, row.key_json, RESTORED if changes else LEFT_ALONE, changes)
            if outcome.action in (LEFT_DELETED, LEFT_OUT):
                gone.add((row.label, row.key_json))
            elif not loaded:
                ledger.add((row.label, row.key_json))  # a row written twice in the story is recorded once
                newly_loaded.append(LoadedStoryRow(model=row.label, natural_key=row.key_json))
            outcomes.append(outcome)
        # In bulk: one row of the loader's record per story row is not content, and sends no signals.
        LoadedStoryRow.objects.using(database).bulk_create(newly_loaded)
    return outcomes


def rehearse(rows, database, *, restore=False):
    """What load() would do, without changing the database: it runs and is rolled back."""
    outcomes = []
    try:
        with transaction.atomic(using=database):
            outcomes = load(rows, database, restore=restore)
            raise Rehearsal
    except Rehearsal:
        pass
    return outcomes


def symmetric_partners(rows):
    """For a symmetrical many-to-many relation (Fact.disagrees_with), the story rows that name each row:
    {(label, field name, key_json): [StoryRow]}. Such a relation goes both ways though a fixture names it on
    one side only, so a row's story value is what it names and what names it."""
    partners = {}
    for row in rows:
        for name, value in row.raw["fields"].items():
            try:
                relation = row.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if relation.many_to_many and relation.remote_field.symmetrical and isinstance(value, list):
                for reference in value:
                    if isinstance(reference, list):
                        partners.setdefault((row.label, name, canonical(reference)), []).append(row)
    return partners


def find(row, database):
    """The stored row with the story row's natural key, or None."""
    manager = row.model._default_manager.db_manager(database)
    try:
        return manager.get_by_natural_key(*row.key)
    except row.model.DoesNotExist:
        return None
    except (ValueError, TypeError, ValidationError):
        return None  # a key of the wrong type: the row is deserialized as new, which names the field


def missing_reference(row, gone):
    """The first row this story row refers to that is deleted or left out, named, or ''."""
    for name, value in row.raw["fields"].items():
        try:
            relation = row.model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # deserializing names the unknown field
        if not relation.is_relation or not hasattr(relation.related_model, "NATURAL_KEY"):
            continue
        references = value if relation.many_to_many and isinstance(value, list) else [value]
        for reference in references:
            if isinstance(reference, list) and (
                (label := relation.related_model._meta.label_lower, canonical(reference)) in gone
            ):
                return f"{label} “{' / '.join(str(part) for part in reference)}”, which is not there"
    return ""


def deserialize(row, database):
    """The fixture object of row as Django's DeserializedObject, references resolved on database. Raises
    FixtureError naming the object and, where it can tell, the field at fault (find_bad_field()).
    """
    try:
        (deserialized,) = serializers.deserialize("python", [row.raw], using=database)
    except Exception as error:
        raise FixtureError(f"{row.where}: {find_bad_field(row.raw, database) or error}") from None
    return deserialized


def clean(row, instance):
    """Runs instance.full_clean(); raises FixtureError naming the object and each field's messages."""
    try:
        instance.full_clean()
    except ValidationError as error:
        problems = "; ".join(
            f"field '{name}': {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
        raise FixtureError(f"{row.where}: {problems}") from None


def add(row, database):
    """Saves row as a new row on database, after full_clean(). Raises FixtureError when a stored row has
    the same natural key written differently, when validation fails, or when the database refuses it.
    """
    deserialized = deserialize(row, database)
    instance = deserialized.object
    if instance.pk is not None:
        raise FixtureError(f"{row.where}: a stored row has this natural key, written differently.")
    clean(row, instance)
    try:
        with transaction.atomic(using=database):
            deserialized.save(using=database)
            record_renditions(instance)
    except DatabaseError as error:
        raise FixtureError(f"{row.where}: the database refused it: {error}") from None


def restore_fields(row, stored, database, partners):
    """Gives the stored row the story's values in the fields the fixture names; returns what changed.

    Fields the fixture does not name (an image an editor added, who last changed it) keep their values."""
    story = deserialize(row, database)
    changes = []
    relations = {}
    for name in row.raw["fields"]:
        model_field = row.model._meta.get_field(name)
        if model_field.many_to_many:
            old = tuple(sorted(getattr(stored, name).values_list("pk", flat=True)))
            new = {model_field.related_model._meta.pk.to_python(pk) for pk in story.m2m_data[name]}
            for partner in partners.get((row.label, name, row.key_json), []):
                if (found := find(partner, database)) is not None:
                    new.add(found.pk)
            new = tuple(sorted(new))
            if old != new:
                relations[name] = new
                changes.append(FieldChange(name, old, new, *shown(model_field, old, new, database)))
            continue
        old, new = getattr(stored, model_field.attname), getattr(story.object, model_field.attname)
        if old != new:
            setattr(stored, model_field.attname, new)
            changes.append(FieldChange(name, old, new, *shown(model_field, old, new, database)))
    if not changes:
        return ()
    clean(row, stored)
    try:
        with transaction.atomic(using=database):
            # Raw, as the load saves: only the listed columns are written, "last changed" included.
            fields = [change.name for change in changes if change.name not in relations]
            if fields:
                models.Model.save_base(stored, using=database, raw=True, update_fields=fields)
            for name, pks in relations.items():
                getattr(stored, name).set(pks)
            record_renditions(stored)
    except DatabaseError as error:
        raise FixtureError(f"{row.where}: the database refused it: {error}") from None
    return tuple(changes)


def record_renditions(instance):
    """After a raw save, which skips IllustratedModel.save(): an image the fixture names has its renditions
    checked in storage, made and recorded now, so that its pages ask the storage nothing. None."""
    if isinstance(instance, IllustratedModel) and instance.image:
        instance.record_renditions()


def shown(model_field, old, new, database):
    """Both values of a changed field as a reader would recognise them, each at most about 60 characters."""
    if model_field.is_relation:
        names = {
            obj.pk: str(obj)
            for obj in model_field.related_model._base_manager.using(database).filter(
                pk__in=[pk for pk in (*as_tuple(old), *as_tuple(new)) if pk is not None]
            )
        }
        if model_field.many_to_many:
            return (
                shorten(", ".join(names.get(pk, str(pk)) for pk in values)) if values else NONE
                for values in (old, new)
            )
        return (shorten(names.get(pk, str(pk))) if pk is not None else NONE for pk in (old, new))
    return (shorten(value) for value in (old, new))


def as_tuple(value):
    """value as a tuple: a many-to-many field's tuple of keys as it is, one key as a 1-tuple."""
    return value if isinstance(value, tuple) else (value,)


def shorten(value):
    """A value as the reader sees it: None as "(none)", a non-str as str(), a str with its whitespace
    collapsed, cut to SHOWN_CHARACTERS with "…" and in curly quotes.
    """
    if value is None:
        return NONE
    if not isinstance(value, str):
        return str(value)
    text = " ".join(value.split())
    if len(text) > SHOWN_CHARACTERS:
        text = text[: SHOWN_CHARACTERS - 1].rstrip() + "…"
    return f"“{text}”"


def find_bad_field(raw, database):
    """Says which field of an object that failed to deserialize is wrong, and why."""
    try:
        model = apps.get_model(raw["model"])
    except (LookupError, ValueError):
        return f"unknown model “{raw['model']}”"
    for name, value in raw["fields"].items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return f"field '{name}': {model._meta.label_lower} has no such field"
        try:
            if model_field.many_to_many:
                base.deserialize_m2m_values(model_field, value, database, handle_forward_references=False)
            elif model_field.remote_field:
                base.deserialize_fk_value(model_field, value, database, handle_forward_references=False)
            else:
                model_field.to_python(value)
        except ObjectDoesNotExist:
            return (
                f"field '{name}': no {model_field.related_model._meta.verbose_name} "
                f"with key {json.dumps(value)}"
            )
        except base.M2MDeserializationError as error:
            return (
                f"field '{name}': no {model_field.related_model._meta.verbose_name} "
                f"with key {json.dumps(error.pk)}"
            )
        except ValidationError as error:
            return f"field '{name}': {' '.join(error.messages)} (got {json.dumps(value)})"
        except Exception as error:
            return f"field '{name}': {error} (got {json.dumps(value)})"
    return None
