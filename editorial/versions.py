"""Versions of every row editors keep, on django-reversion: what a version holds (the row and the inline rows
that belong to it, as the model's admin names them), restoring one, drafts of live rows, and the word-level
difference of two texts.

A version is a reversion Revision: one Version (a JSON copy) per row. Every save in the admin makes one
(VersionedAdmin); so does `load_story`. Restoring is done here rather than by Revision.revert(), which
saves raw: a raw save skips what a normal save does (updated_at, the redirect of a changed slug, the page
cache), and cannot tell a claim that would lose its source.

A draft of a live row is a Revision too, never applied until an editor publishes it: the change form and the
staff preview show it by applying it inside a transaction that is always rolled back (in_rolled_back_copy)."""

import difflib
import re
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.html import format_html, format_html_join
from reversion.errors import RevertError
from reversion.models import Revision, Version
from reversion.revisions import _follow_relations_recursive, _get_options, is_registered

from editorial import pagecache
from editorial.models import AuditedModel


class RestoreRefused(Exception):
    """A restore that would break a rule the rows keep (a claim losing its source words, a row that others
    still need); `problems` is a list of str, one per row, in words for the editor."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


class _RollBack(Exception):
    """Raised inside in_rolled_back_copy() to leave the transaction without keeping anything."""


@contextmanager
def in_rolled_back_copy():
    """A transaction whose every change is undone when the block ends, however it ends: for showing what a
    draft or a restore would make of the rows. What the block returns must be computed inside it (rendered
    pages, lists), since the rows go back as they were."""
    token = pagecache.held_back.set(True)
    try:
        with transaction.atomic():
            yield
            raise _RollBack
    except _RollBack:
        pass
    finally:
        pagecache.held_back.reset(token)


def versions_of(obj):
    """Version rows of obj (a registered model instance), newest first, each with its revision and user."""
    return (
        Version.objects.get_for_object(obj)
        .select_related("revision__user", "revision__draft")
        .order_by("-revision__date_created", "-pk")
    )


def copy_of(obj):
    """An unsaved Version per row of obj's version: obj and every row it follows (its inline rows), as they
    are stored now. A list, obj's first."""
    rows = [obj, *(row for row in _follow_relations_recursive(obj) if row != obj)]
    copies = []
    for row in rows:
        options = _get_options(type(row))
        copies.append(
            Version(
                content_type=ContentType.objects.get_for_model(row),
                object_id=force_str(getattr(row, options.object_id_field)),
                db=row._state.db or "default",
                format=options.format,
                serialized_data=serializers.serialize(options.format, [row], fields=options.fields),
                object_repr=force_str(row),
            )
        )
    return copies


def save_as_revision(copies, user, comment):
    """A new Revision (by user, with comment: str) holding copies (unsaved Versions from copy_of()); the
    Revision. Unlike reversion's create_revision(), it keeps copies of rows that are not stored (a draft's
    new inline rows)."""
    revision = Revision.objects.create(date_created=timezone.now(), user=user, comment=comment)
    for version in copies:
        version.revision = revision
    Version.objects.bulk_create(copies)
    return revision


def record_current(obj, user):
    """Makes sure obj's newest version is what is stored now: rows made before versions existed (the
    synthetic archive, a shell), or changed without one, get a version "Recorded as it stood" first, so
    that the next change can be compared with it and undone: the row and its inline rows as copy_of() makes
    them are compared with the newest version's. None."""
    if not is_registered(type(obj)):
        return
    newest = versions_of(obj).filter(revision__draft__isnull=True).first()
    copies = copy_of(obj)
    recorded = (
        {(row.content_type_id, row.object_id): row.serialized_data for row in rows_of(newest.revision, obj)}
        if newest
        else {}
    )
    now = {(copy.content_type.pk, copy.object_id): copy.serialized_data for copy in copies}
    if recorded != now:
        save_as_revision(copies, user, "Recorded as it stood before this change.")


def _dependency_order(versions):
    """versions (reversion Versions), each row's after those of the rows it refers to by a foreign key
    (passages before the claims that cite them)."""
    present = {version._model for version in versions}

    def depth(model, seen=()):
        targets = [
            field.related_model
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model in present and field.related_model not in seen
        ]
        return 1 + max((depth(target, (*seen, model)) for target in targets), default=0)

    return sorted(versions, key=lambda version: depth(version._model))


def rows_of(revision, obj):
    """The Versions of revision (a reversion Revision) that make obj's version: obj's own and those of the
    rows it follows (its inline rows, by their foreign key to obj). A revision may hold more (the story
    loader's holds every row, a list action's every row it changed), which obj's version leaves alone."""
    model = type(obj)
    own = (ContentType.objects.get_for_model(model).pk, str(obj.pk))
    follows = {}
    for name in _get_options(model).follow:
        relation = getattr(model, name).rel
        follows[ContentType.objects.get_for_model(relation.related_model).pk] = relation.field.attname
    rows = []
    for version in revision.version_set.filter(content_type__in=[own[0], *follows]).order_by("pk"):
        if (version.content_type_id, version.object_id) == own:
            rows.insert(0, version)
        elif version.content_type_id in follows:
            attname = follows[version.content_type_id]
            if str(getattr(version._object_version.object, attname)) == own[1]:
                rows.append(version)
    return rows


def restore(revision, obj, user, base=None):
    """Puts obj's version in revision (a reversion Revision; see rows_of()) back as it holds it, with normal
    saves (so updated_at is now and updated_by is user, a changed slug redirects, the page cache renews),
    deleting the rows that now belong to obj but did not then (a quote added since). Returns the restored
    objects, obj first.

    With base (the Revision a draft was made from), only what revision changed from base is applied: the
    fields it changed, the inline rows it added, changed or removed; what changed on the rows since base
    (a quote added in its own admin, the featuring set in the list) is kept.

    Raises RestoreRefused, having changed nothing, when the result would break a rule: each restored row's
    clean() (a claim whose words are not in its passage, a text that drops a cited passage), a row still
    needed by another (on_delete=PROTECT), a foreign key to a row that is gone, or a version that no longer
    loads (saved before a migration changed its model). Run it inside a transaction that keeps the revision
    it makes (create_revision())."""
    try:
        versions = rows_of(revision, obj)
        based_on = {(row.content_type_id, row.object_id): row for row in rows_of(base, obj)} if base else None
        for version in [*versions, *(based_on or {}).values()]:
            version._local_field_dict  # noqa: B018 (loads it now, or raises RevertError)
    except RevertError as error:
        raise RestoreRefused(
            [f"This version no longer fits the rows as they are stored now ({error})"]
        ) from None
    if not versions:
        raise RestoreRefused([f"This version does not hold {obj._meta.verbose_name} “{obj}”."])
    with transaction.atomic():
        stored = {}
        for version in versions:
            row = version._model._base_manager.filter(pk=version._object_version.object.pk).first()
            if row is not None:
                stored[(type(row), str(row.pk))] = row
        if based_on is None:
            # Everything that belongs to the restored rows now and is not in the version goes.
            gone = [
                row
                for kept in stored.values()
                for row in _follow_relations_recursive(kept)
                if (type(row), str(row.pk)) not in stored
            ]
        else:
            # Only what the draft removed from its base goes, unless it changed since: another editor's
            # change is not lost unseen.
            held = {(version.content_type_id, version.object_id) for version in versions}
            gone, changed_since = [], []
            for key, version in based_on.items():
                if key in held:
                    continue
                for row in version._model._base_manager.filter(pk=version._object_version.object.pk):
                    (changed_since if changed_fields(version, copy_of(row)[0]) else gone).append(row)
        problems = (
            [
                f"The {row._meta.verbose_name} “{row}”, which the draft removes, was changed since the draft "
                "was saved; it is kept."
                for row in changed_since
            ]
            if based_on is not None
            else []
        )
        problems += _delete_all(gone)
        restored = []
        for version in _dependency_order(versions):
            deserialized = version._object_version
            row = deserialized.object
            key = (type(row), str(row.pk))
            changes = None
            before = based_on.get((version.content_type_id, version.object_id)) if based_on else None
            if before is not None and key not in stored:
                # Deleted since the draft was made: it stays deleted, and a change the draft made to it
                # has nothing left to apply to.
                if changed_fields(before, version):
                    problems.append(
                        f"The {row._meta.verbose_name} “{row}”, which the draft changes, was deleted since "
                        "the draft was saved."
                    )
                continue
            if before is not None:
                changes = changed_fields(before, version)
                if not changes:
                    continue
                row = stored[key]
                _merge_many(row, before, changes)
            try:
                with transaction.atomic():
                    save_restored(row, deserialized, changes, key not in stored, user)
            except (IntegrityError, ObjectDoesNotExist):
                problems.append(
                    f"The {row._meta.verbose_name} “{row}” refers to a row that no longer exists."
                )
                continue
            restored.append(row)
        for row in restored:
            problems += restore_problems(row)
        if not problems:
            try:
                connection.check_constraints()
            except IntegrityError as error:
                problems.append(f"A restored row refers to a row that no longer exists ({error}).")
        if problems:
            raise RestoreRefused(list(dict.fromkeys(problems)))
    return restored


# What every save changes, and so what no comparison of versions tells.
RECORD_FIELDS = ("created_at", "created_by", "updated_at", "updated_by")


def fields_of(version):
    """{attname: value as stored} of the fields a Version holds (ids for relations, lists of ids for
    many-to-many), without the record of who saved it (RECORD_FIELDS) and the columns the database
    generates."""
    skipped = {
        field.attname
        for field in version._model._meta.concrete_fields
        if field.name in RECORD_FIELDS or field.generated
    }
    return {name: value for name, value in version._local_field_dict.items() if name not in skipped}


def changed_fields(before, after):
    """{attname: value in after} for each field of fields_of() that differs between two Versions of one
    row."""
    old = fields_of(before)
    return {name: value for name, value in fields_of(after).items() if old.get(name) != value}


def _merge_many(row, before, changes):
    """Turns each many-to-many value of changes ({attname: ids}, from changed_fields(before, draft)) into
    the ids row (stored) has now, with those the draft added and without those it removed from before (a
    Version): a mention added since stays. None; changes is changed in place."""
    old = before._local_field_dict
    for field in row._meta.many_to_many:
        if field.attname in changes:
            drafted, based = set(changes[field.attname]), set(old.get(field.attname) or [])
            now = set(getattr(row, field.attname).values_list("pk", flat=True))
            changes[field.attname] = sorted((now | (drafted - based)) - (based - drafted))


def apply_draft(draft, obj, user):
    """Applies draft (an editorial.models.Draft of obj) to obj with restore(): what it changed from the
    version it was made from. The restored objects; RestoreRefused as restore() raises it, and when that
    version is gone (old versions pruned: Draft.base_revision is SET_NULL), since the whole draft would
    then undo what changed on the rows since."""
    if draft.base_revision_id is None:
        raise RestoreRefused(
            [
                "The version this draft was made from is no longer kept, so what it changed cannot be told "
                "from what others changed since."
            ]
        )
    return restore(draft.revision, obj, user, base=draft.base_revision)


def save_restored(row, deserialized, changes, adding, user):
    """Saves row (a model instance) as restore() puts it back: the whole deserialized version (a
    DeserializedObject), or only changes ({attname: value}) on the stored row; stamped by user."""
    many = {field.attname for field in row._meta.many_to_many}
    if changes is None:
        row._state.adding = adding
        m2m = deserialized.m2m_data
    else:
        for name, value in changes.items():
            if name not in many:
                setattr(row, name, value)
        m2m = {name: value for name, value in changes.items() if name in many}
    if isinstance(row, AuditedModel):
        row.updated_by = user
    row.save()
    for name, values in m2m.items():
        getattr(row, name).set(values)


def restore_problems(obj):
    """What obj (just restored) would break, as a list of str: its clean()'s messages; the claims it would
    leave without their source words are named there (press's models say so in their clean())."""
    try:
        obj.clean()
    except ValidationError as error:
        return error.messages
    except ObjectDoesNotExist:
        return [f"{obj._meta.verbose_name} “{obj}” refers to a row that no longer exists."]
    return []


def _delete_all(rows):
    """Deletes rows (model instances) in the order their protections allow; a list of str naming each row
    kept by rows outside the list (on_delete=PROTECT) and those rows (the claims citing a passage), [] when
    all went."""
    pending = list(rows)
    while pending:
        kept = {}
        for row in pending:
            try:
                with transaction.atomic():
                    row.delete()
            except models.ProtectedError as error:
                kept[row] = error.protected_objects
        if len(kept) == len(pending):
            return [
                f"Restoring would delete the {row._meta.verbose_name} “{row}”, which "
                + "; ".join(f"the {other._meta.verbose_name} “{other}”" for other in needed)
                + " still cites or needs; change those first."
                for row, needed in kept.items()
            ]
        pending = list(kept)
    return []


def keep_new_ids(copies):
    """On SQLite, keeps the ids that a rolled-back save gave to new rows (copies: Versions of a draft) from
    being given again: SQLite's AUTOINCREMENT counter is rolled back with the rows, so the next row saved
    would take the id a draft's new row holds, and publishing the draft would overwrite it. PostgreSQL's
    sequences are never rolled back. None."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for version in copies:
            table = version._model._meta.db_table
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            identifier = int(version.object_id)
            if row is None:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, identifier])
            elif row[0] < identifier:
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [identifier, table])


WORD = re.compile(r"\s+|\w+(?:['’]\w+)*|[^\w\s]")


def word_diff(old, new):
    """HTML of new against old (str, either may be None) word by word: removed words in <del>, added in
    <ins>, the rest as it stands; escaped. Words are runs of letters and digits (with inner apostrophes),
    each punctuation mark and each run of spaces a word of its own."""
    old_words, new_words = WORD.findall(old or ""), WORD.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("{}", "".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(("<del>{}</del>", "".join(old_words[a1:a2])))
        if b2 > b1:
            parts.append(("<ins>{}</ins>", "".join(new_words[b1:b2])))
    return format_html_join("", "{}", ((format_html(template, text),) for template, text in parts))
