"""The hostile values the fuzz layer sends, and the Hypothesis strategies that draw them.

Values: control characters, noncharacters, lone surrogates, Unicode digits, confusables, formatting
characters, big integers, dates and times at the calendar's edges, and named values (injections, paths,
template syntax, megabyte texts). Strategies: `hostile_text` (one hostile value), `hostile_or` (hostile or
plausible), `hostile_pairs` (query or form parameters), `field_values` (what a model field itself allows).
`raw` writes any value as the bytes a client sends. The requests and what every example asserts:
tests/fuzz.py.
"""

from datetime import date, datetime, time, timedelta

from hypothesis import strategies as st
from hypothesis.extra.django import from_field


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


def hostile_pairs(data, names, plausible, max_size=4, short=True):
    chosen = data.draw(
        st.lists(st.sampled_from(names) | hostile_text(short=True), min_size=1, max_size=max_size),
        label="parameters",
    )
    return [
        (name, data.draw(hostile_or(plausible.get(name), short=short), label=repr(name))) for name in chosen
    ]
