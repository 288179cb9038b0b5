"""The fuzz layer's machinery: hostile values, requests sent as raw bytes, isolation of each example, and the
two things every example asserts: no response is a server error, and a write leaves the database holding
the whole change or none of it.

Hypothesis settings: the profile "ci" (the default) is derandomized and bounded so that the whole layer takes
a few minutes per database on a 2-core machine; HYPOTHESIS_PROFILE=long explores far more, with a random seed
each run (`HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/test_fuzz_*.py`). No example database is written.
"""

import os
import re
import sys
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic
from urllib.parse import quote_from_bytes

from django.apps import apps
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_field

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


# Requests as the server receives them: every value encoded to UTF-8 with lone surrogates kept as their
# three-byte forms (a client can send any bytes; Django decodes them with replacement characters).
def raw(value):
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "surrogatepass")


# Hostile values. Each is what a browser, a script or an attacker can put in a query string or a form field.
CONTROL_CHARACTERS = [chr(code) for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]]
NONCHARACTERS = ["\ufffe", "\uffff", "\U0010ffff", "\U0001fffe"]
LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]
UNICODE_DIGITS = ["٣", "١٢٣", "۱۴", "１２", "２０１４", "𝟐𝟎𝟏𝟒", "²", "½", "Ⅻ", "৩", "߃", "๓"]
CONFUSABLES = ["аdmin", "Тhe Guаrdian", "ｆｉｒｓｔ", "ſ", "ﬁrst", "İ", "ı", "K", "Å", "ⅼ", "ꓲ", "ǅ"]
FORMATTING = [
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u00a0",
    "\u3000",
    "e\u0301",
    "🏳️‍🌈",
]
BIG_INTEGERS = [2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, -(2**64), 10**100]
EDGE_MOMENTS = [
    "0001-01-01",
    "0001-01-01 00:00:00",
    "0001-01-01T00:00:00-14:00",
    "9999-12-31",
    "9999-12-31 23:59",
    "9999-12-31 23:59:59.999999",
    "9999-12-31T23:59:59+14:00",
    "10000-01-01",
    "+10000-01-01",
    "0000-00-00",
    "2014-02-30",
    "2014-13-01",
    "-0001-01-01",
    "24:00",
    "23:59:60",
    "99999",
    "9999",
    "10000",
    "0",
]
NAMED = [
    "",
    " ",
    "\t\r\n",
    "null",
    "None",
    "undefined",
    "NaN",
    "-inf",
    "1e309",
    "-0",
    "0x1F",
    "1_000",
    "true",
    "on",
    "[]",
    "{}",
    '{"a": [1, {"b": null}]}',
    "' OR '1'='1' --",
    '"; DROP TABLE press_coverage; --',
    "%",
    "_",
    "\\",
    "\\x00",
    "%00",
    "%ED%A0%80",
    "../../../../etc/passwd",
    "..",
    "/",
    "//example.com",
    "javascript:alert(1)",
    "?a=1&b=2#c",
    "<script>alert(1)</script>",
    "{{ request }}",
    "{% debug %}",
    "${7*7}",
    "a" * 255,
    "a" * 256,
    "x" * 100_000,
    "é" * 100_000,
    "1" * 100_000,  # past the 4,300 digits int() reads
    "x " * 600_000,  # past the 1 MB a PostgreSQL tsvector holds
]
HOSTILE_VALUES = [
    *NAMED,
    *CONTROL_CHARACTERS,
    "a\x00b",
    "\x00" * 1000,
    *NONCHARACTERS,
    *LONE_SURROGATES,
    "a\ud800b",
    *UNICODE_DIGITS,
    *CONFUSABLES,
    *FORMATTING,
    *(str(number) for number in BIG_INTEGERS),
    *EDGE_MOMENTS,
]
# Short pieces (not all single characters) that hostile values are strung from.
HOSTILE_CHARACTERS = [
    *CONTROL_CHARACTERS,
    *NONCHARACTERS,
    *LONE_SURROGATES,
    *UNICODE_DIGITS,
    *CONFUSABLES,
    *FORMATTING,
    "0",
    "9",
    "a",
    "-",
    "'",
    '"',
    "%",
    "&",
    "=",
    "#",
    "+",
]


def moments():
    """Dates and times at both ends of the calendar, written as a browser or a script might."""
    near_start = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(1, 1, 2, 23, 59))
    near_end = st.datetimes(min_value=datetime(9999, 12, 30), max_value=datetime.max)
    writings = st.sampled_from(
        [
            lambda moment: moment.date().isoformat(),
            lambda moment: moment.isoformat(),
            lambda moment: moment.isoformat(sep=" ", timespec="minutes"),
            lambda moment: f"{moment.isoformat()}+14:00",
            lambda moment: f"{moment.isoformat()}-12:00",
            lambda moment: moment.time().isoformat(),
            lambda moment: str(moment.year),
        ]
    )
    return st.builds(lambda moment, write: write(moment), near_start | near_end, writings)


def huge_integers():
    return st.one_of(st.integers(min_value=2**63 - 1), st.integers(max_value=-(2**63) - 1)).map(str)


# gunicorn refuses a request line longer than this (its limit_request_line) before Django sees it.
REQUEST_LINE_LIMIT = 4094
SHORT_HOSTILE_VALUES = [value for value in HOSTILE_VALUES if len(raw(value)) <= 600] + ["x" * 1000, "é" * 300]


# One of each kind the issue names, drawn first and most often: Hypothesis favours a strategy's first
# branch and a list's first items, so a short derandomized run still meets every kind in every field.
FIRST_VALUES = [
    "\x00",
    "a\x00b",
    "\ud800",
    "\x0b",
    "٣",
    "１２",
    str(2**63),
    str(-(2**63) - 1),
    "9999-12-31 23:59",
    "9999",
    "0001-01-01",
    "a" * 256,
    "\ufffe",
    "",
    "x " * 600_000,
]
SHORT_FIRST_VALUES = [value for value in FIRST_VALUES if len(raw(value)) <= 600]


def hostile_text(short=False):
    """One hostile value: one of each kind, a named one, a short run of hostile characters, an edge moment, a
    huge integer, two hostile values joined, or any text Hypothesis makes. `short`: none longer than fits in a
    URL."""
    named = st.sampled_from(SHORT_HOSTILE_VALUES if short else HOSTILE_VALUES)
    first = st.sampled_from(SHORT_FIRST_VALUES if short else FIRST_VALUES)
    return st.one_of(
        first,
        first,
        first,  # a third of the draws: each kind often enough in a short run
        named,
        st.lists(st.sampled_from(HOSTILE_CHARACTERS), min_size=1, max_size=12).map("".join),
        moments(),
        huge_integers(),
        st.tuples(named, named).map("".join),
        st.text(max_size=30),
    )


def hostile_or(plausible, short=False):
    """A hostile value, or one of the plausible values given (so that the other fields reach deeper code),
    or a plausible value with hostile characters around it."""
    if not plausible:
        return hostile_text(short)
    real = st.sampled_from(sorted({str(value) for value in plausible}))
    return st.one_of(
        hostile_text(short),
        hostile_text(short),
        real,
        st.tuples(real, st.sampled_from(HOSTILE_CHARACTERS)).map("".join),
        st.tuples(st.sampled_from(HOSTILE_CHARACTERS), real).map("".join),
    )


def as_form_value(value):
    """A Python value Hypothesis made for a model field, written as a form field sends it."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value.total_seconds())
    if isinstance(value, bool):
        return "on" if value else ""
    return "" if value is None else str(value)


def field_values(model_field):
    """Values the model field itself allows (hypothesis.extra.django's from_field: extremes of its range,
    any character it takes) as form text, or nothing when the extra has no strategy for that field."""
    try:
        return from_field(model_field).map(as_form_value)
    except Exception:  # the extra has no strategy for relations, generated fields and some others
        return st.nothing()


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
