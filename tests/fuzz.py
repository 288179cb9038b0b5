"""The fuzz layer's machinery: the Hypothesis settings profiles, the faults known to be open, requests sent as
raw bytes, isolation of each example, and the two things every example asserts: no response is a server
error, and a write leaves the database holding the whole change or none of it.

Hypothesis settings: the profile "ci" (the default) is derandomized and bounded so that the whole layer takes
a few minutes per database on a 2-core machine; HYPOTHESIS_PROFILE=long explores far more, with a random seed
each run (`HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/test_fuzz_*.py`). No example database is written.
The hostile values are in tests/fuzz_values.py; what the admin offers to fuzz, in tests/fuzz_targets.py.
"""

import os
import re
import sys
import traceback
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from time import monotonic
from urllib.parse import quote_from_bytes

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.models import FileField
from django.urls import reverse
from hypothesis import HealthCheck, Phase, event, settings

from editorial.models import Draft
from tests.admin_forms import admin_url
from tests.fuzz_values import raw

settings.register_profile(
    "ci",
    max_examples=6,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    # Each example runs in a savepoint of its own (isolated() below): sharing the test's fixtures is safe.
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "long", settings.get_profile("ci"), max_examples=200, derandomize=False, phases=list(Phase)
)
# Like "ci" without shrinking: when many examples fail (a list emptied of its open faults), each failure is
# reported at once, as found, instead of after minutes of search for its smallest form.
settings.register_profile("triage", settings.get_profile("ci"), phases=[Phase.explicit, Phase.generate])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def examples(weight):
    """A share of the profile's examples: `weight` times its max_examples."""
    return settings(max_examples=max(1, round(settings.default.max_examples * weight)))


# Faults known and being fixed (issue 13). While one is listed here, a server error it explains does not fail
# the fuzz layer (Hypothesis records it as an event instead); every other server error does. The lead empties
# this list as the fixes land: remove an entry, and the net catches that fault again.
@dataclass(frozen=True)
class OpenFault:
    what: str  # the fault, as issue 13 names it
    surfaces: (
        frozenset  # where the net meets it: public, changelist, export, autocomplete, action, form, login
    )
    raises: str  # a regular expression searched for in the traceback
    vendor: str | None = None  # "postgresql" or "sqlite"; None: both
    # For a fault that is slow rather than an error: (field name, value) regular expressions of what the net
    # does not send while the fault is open, so that it stays within its time.
    avoid: tuple[str, str] | None = None


# Faults the net knows of and that are still open, each an OpenFault: a 5xx it explains is noted, not failed.
# Empty: every fault issue 13 named, and every one the net found, is fixed and kept as a regular test.
KNOWN_OPEN_FAULTS = []


def avoided(surface, name, value):
    """True when a listed open fault asks the net not to send this value in this field yet."""
    for fault in KNOWN_OPEN_FAULTS:
        if surface in fault.surfaces and fault.avoid and fault.vendor in (None, connection.vendor):
            name_pattern, value_pattern = fault.avoid
            if re.search(name_pattern, str(name)) and re.search(value_pattern, str(value)):
                event(f"not sent while open: {fault.what}")
                return True
    return False


def open_fault(surface, trace):
    """The listed open fault that explains a server error met on `surface`, or None."""
    for fault in KNOWN_OPEN_FAULTS:
        if (
            surface in fault.surfaces
            and fault.vendor in (None, connection.vendor)
            and re.search(fault.raises, trace)
        ):
            return fault
    return None


# gunicorn refuses a request line longer than this (its limit_request_line) before Django sees it.
REQUEST_LINE_LIMIT = 4094


def query_string(pairs):
    return "&".join(
        f"{quote_from_bytes(raw(name), safe='')}={quote_from_bytes(raw(value), safe='')}"
        for name, value in pairs
    )


def pairs_of(data):
    """[(name, value)] from a dict whose values may be lists."""
    pairs = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, item))
    return pairs


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


def multipart(pairs):
    """A multipart/form-data body and its content type, for forms that carry a file."""
    boundary = b"fuzzBoundaryb7c1e0"
    body = []
    for name, value in pairs:
        body.append(b"--" + boundary)
        if isinstance(value, Upload):
            body.append(
                b'Content-Disposition: form-data; name="%s"; filename="%s"' % (raw(name), raw(value.filename))
            )
            body.append(b"Content-Type: " + value.content_type.encode())
            body += [b"", value.content]
        else:
            body.append(b'Content-Disposition: form-data; name="%s"' % raw(name))
            body += [b"", raw(value)]
    body += [b"--" + boundary + b"--", b""]
    return b"\r\n".join(body), f"multipart/form-data; boundary={boundary.decode()}"


def send(client, method, path, pairs=(), **headers):
    """Sends the request (see _send); FUZZ_SLOW=1 prints each one slower than 1.5 s, to find what costs."""
    started = monotonic()
    try:
        return _send(client, method, path, pairs, **headers)
    finally:
        if (spent := monotonic() - started) > 1.5 and os.environ.get("FUZZ_SLOW"):
            print(f"\nSLOW {spent:.1f}s {describe(method, path, pairs, limit=80)}", file=sys.stderr)


def _send(client, method, path, pairs=(), **headers):
    """Sends the request with the pairs in the query string (GET, HEAD) or the body (POST), and returns the
    response with its streamed content read, so a fault while streaming shows as a server error too."""
    if method in ("GET", "HEAD"):
        url = f"{path}?{query_string(pairs)}" if pairs else path
        if len(url) + len(method) + 10 > REQUEST_LINE_LIMIT:
            event("a URL gunicorn would refuse, not sent")
            return None
        response = getattr(client, method.lower())(url, **headers)
    elif any(isinstance(value, Upload) for _, value in pairs):
        body, content_type = multipart(pairs)
        response = client.post(path, body, content_type=content_type, **headers)
    else:
        body = query_string(pairs).encode("ascii")
        response = client.post(path, body, content_type="application/x-www-form-urlencoded", **headers)
    if response.streaming and response.status_code < 500:
        try:
            response.streamed = b"".join(response.streaming_content)
        except Exception:
            response.status_code = 500
            response.exc_info = sys.exc_info()
    # No response.close() here: the test client closed it already, and a second close would fire
    # request_finished, whose handler closes the database connection in the middle of the test's transaction.
    return response


def describe(method, path, pairs, limit=300):
    def short(value):
        text = repr(value)
        return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"

    lines = [f"{method} {path} on {connection.vendor}"]
    lines += [f"    {short(name)} = {short(value)}" for name, value in pairs]
    return "\n".join(lines)


def trace_of(response):
    if getattr(response, "exc_info", None):
        return "".join(traceback.format_exception(*response.exc_info))
    return "(no traceback: the view returned the server error itself)"


def assert_no_server_error(response, surface, method, path, pairs):
    """Fails with the request and the traceback's last lines when the response is a 5xx, unless a listed
    open fault explains it."""
    if response is None or response.status_code < 500:
        return
    trace = trace_of(response)
    if fault := open_fault(surface, trace):
        event(f"known open fault: {fault.what}")
        return
    last_lines = "\n".join(trace.strip().splitlines()[-12:])
    raise AssertionError(
        f"Server error {response.status_code} for\n{describe(method, path, pairs)}\n\n{last_lines}"
    )


# Isolation and the database's state.
@contextmanager
def isolated():
    """Runs an example in a savepoint that is always rolled back, even when the request broke the transaction
    on PostgreSQL: the next example starts from the same rows."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def watched_models():
    """Every model whose rows an editor's request may change: people/, press/, the admin's log, users and
    groups, with their many-to-many tables."""
    for label in ("people", "press", "admin", "auth"):
        yield from apps.get_app_config(label).get_models(include_auto_created=True)


def snapshot():
    """{table: {pk: row}} for every watched model; None when the transaction is broken (PostgreSQL after an
    error the view did not roll back), which is itself a server error already reported."""
    state = {}
    try:
        with transaction.atomic():
            for model in watched_models():
                fields = [field.attname for field in model._meta.concrete_fields if not field.generated]
                state[model._meta.db_table] = {
                    row[0]: row for row in model.objects.values_list("pk", *fields)
                }
    except DatabaseError:
        return None
    return state


def differences(before, after):
    """What changed between two snapshots, as short lines naming the table and the primary keys."""
    lines = []
    for table, rows in after.items():
        old = before.get(table, {})
        added = sorted(set(rows) - set(old), key=str)
        removed = sorted(set(old) - set(rows), key=str)
        changed = sorted((pk for pk in set(rows) & set(old) if rows[pk] != old[pk]), key=str)
        for kind, pks in (("added", added), ("removed", removed), ("changed", changed)):
            if pks:
                lines.append(f"{table}: {kind} {pks[:10]}")
    return lines


# Whole or none: what the admin meant to save is what the database holds.
@contextmanager
def recording_saves(model_admin):
    """Records (form, formsets) each time the admin saves through save_related: what it meant to save."""
    saved = []
    original = model_admin.save_related

    def save_related(request, form, formsets, change):
        original(request, form, formsets, change)
        saved.append((form, formsets))

    model_admin.save_related = save_related
    try:
        yield saved
    finally:
        del model_admin.save_related


def comparable(field, value):
    if isinstance(field, FileField):
        return str(value or "")
    try:
        return field.to_python(value)
    except Exception:
        return value


def assert_stored_as_meant(obj):
    """The row in the database holds every value the admin set on the object it saved."""
    fields = [field for field in obj._meta.concrete_fields if not field.generated]
    row = type(obj)._default_manager.filter(pk=obj.pk).values(*(field.attname for field in fields)).first()
    assert row is not None, f"{type(obj).__name__} {obj.pk} was saved but is not in the database"
    for field in fields:
        stored = comparable(field, row[field.attname])
        meant = comparable(field, getattr(obj, field.attname))
        assert stored == meant, f"{type(obj).__name__}.{field.name}: stored {stored!r}, meant {meant!r}"


def assert_whole(form, formsets, before, after):
    """A save is whole: the row, every new and changed inline row, none of the deleted ones, the chosen
    many-to-many rows, and a history entry."""
    instance = form.instance
    assert_stored_as_meant(instance)
    for formset in formsets:
        for obj in [*formset.new_objects, *(obj for obj, _ in formset.changed_objects)]:
            assert_stored_as_meant(obj)
        for obj in formset.deleted_objects:
            assert not type(obj)._default_manager.filter(pk=obj.pk).exists(), f"{obj!r} was not deleted"
    for field in instance._meta.many_to_many:
        if (
            field.name in form.cleaned_data
            and field.name in form.fields
            and not form.fields[field.name].disabled
        ):
            stored = set(getattr(instance, field.name).values_list("pk", flat=True))
            assert stored == {item.pk for item in form.cleaned_data[field.name]}, field.name
    log = LogEntry._meta.db_table
    assert set(after[log]) - set(before[log]), "saved without a history entry"


def assert_drafted(form, before, after):
    """A draft save of a row on the site: the rows are as they were, and the row's open draft holds every
    value the admin meant to save."""
    changed = differences(before, after)
    assert not changed, f"A draft save changed the rows the site shows: {changed}"
    instance = form.instance
    draft = Draft.open_for(instance)
    assert draft is not None, "saved as a draft, but the row has no open draft"
    version = draft.revision.version_set.get(
        content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
    )
    held = version._object_version.object
    for field in instance._meta.concrete_fields:
        if not field.generated:
            kept, meant = (comparable(field, getattr(obj, field.attname)) for obj in (held, instance))
            if isinstance(meant, datetime):
                # A version is JSON, which Django's encoder writes to the millisecond.
                meant = meant.replace(microsecond=meant.microsecond // 1000 * 1000)
            assert kept == meant, (
                f"draft of {type(instance).__name__}.{field.name}: {kept!r}, meant {meant!r}"
            )


def assert_shown_without_error(client, obj):
    """What was saved is then shown, without a server error, wherever it appears: its page and card on the
    site (staff see drafts), the feed, the sitemap, the home page, its admin list and history."""
    paths = ["/", reverse("press:coverage-feed"), reverse("sitemap")]
    # No page of its own, or none yet (a claim not cited yet): the admin's "View on site" says 404.
    with suppress(AttributeError):
        paths.append(obj.get_absolute_url().split("#")[0])
    if getattr(obj, "slug", None) and hasattr(obj, "card_url"):
        paths.append(obj.card_url)
    paths += [admin_url(type(obj), "changelist"), admin_url(type(obj), "history", obj.pk)]
    for path in paths:
        response = send(client, "GET", path)
        assert_no_server_error(response, "public" if "/admin/" not in path else "admin", "GET", path, [])


def check_write(response, surface, method, path, pairs, before, saved=()):
    """No server error; and the change is whole when the admin saved and redirected, none at all otherwise."""
    after = snapshot()
    assert_no_server_error(response, surface, method, path, pairs)
    if after is None:
        return  # the transaction broke: the server error above is the fault (a listed open one)
    if saved and response.status_code == 302 and getattr(response.wsgi_request, "saving_draft", False):
        assert_drafted(saved[-1][0], before, after)
    elif saved and response.status_code == 302:
        form, formsets = saved[-1]
        assert_whole(form, formsets, before, after)
    elif response is not None and response.status_code != 302:
        changed = differences(before, after)
        assert not changed, (
            f"Answered {response.status_code} but changed the database:\n{changed}\n"
            f"{method} {path} {pairs!r:.2000}\n{trace_of(response)[-2000:]}"
        )
