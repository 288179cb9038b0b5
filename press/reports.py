"""The coverage report: a filter an editor chooses, the figures of the pieces it finds, and their charts.

Rules of counting, the same on the page, in the XLSX and in the PDF:
- A piece's date is its stored `date`: the day, or for a piece the sources date only to the month or the
  year, the first day of that month or year (VaguelyDated). "From" and "to" take a piece whose stored date
  lies between them, both days included; a piece without a date is left out as soon as either is given.
  So "from 1 September 2014" leaves out a piece dated only "2014" or "Fall 2014" (stored as 1 January).
- Over time, a piece dated to the month or the year counts in the first month (or year) of its period:
  counted by month, a piece dated only to the year ("2014", "Fall 2014") is in January of its year. The
  report does not hide this: a line under "Pieces by month" (and a row of the XLSX's "Figures" sheet, in
  the same words, year_only_note()) says how many pieces are dated only to the year and so counted in
  January. A separate "month not known" column was not chosen: it would break the months' time axis.
  The totals' "Dates" give the first and last dates at their precision: "2014", not "1 January 2014",
  when a piece of that stored date is dated only to the year (period_words()).
- An outlet takes its own pieces and those of the outlets whose parent it is (The Hollywood Reporter's
  include Pret-a-Reporter's), as on the public list.
- A person takes the pieces they wrote and those that mention them; several people, the pieces of any.
- A film takes the pieces that mention it; several, the pieces that mention any.
- Status: "published" (the default) is what the public site shows now (editorial.models.live());
  "drafts" is everything else (draft, in review, scheduled); "all" is both.
- The most-quoted people count the quotes, by named speaker, that the pieces found cite.

Every figure is an aggregate query (values().annotate(Count())): no piece is loaded to count it.
"""

import datetime
import math

import django_filters
from django import forms
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncMonth, TruncYear

from editorial.admin.keys import CheckedKeyChoices
from editorial.models import live
from people.models import Person
from press.models import Coverage, Outlet, Quote, Work
from press.models.dates import DatePrecision

TOP_OUTLETS = 10
TOP_QUOTED = 10
# Past this many months between the first and the last piece, the pieces are counted by year.
MONTHS_BY_MONTH = 36
STATUSES = [
    ("published", "On the site"),
    ("drafts", "Not on the site (draft, in review, scheduled)"),
    ("all", "All"),
]


class CheckedModelMultipleChoiceField(CheckedKeyChoices, django_filters.fields.ModelMultipleChoiceField):
    """Several rows by key; a key the column could not hold (letters, a number past 64 bits) is an invalid
    choice before any query runs."""


class CheckedModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """django-filter's filter of several rows by key, its keys checked (CheckedModelMultipleChoiceField)."""

    field_class = CheckedModelMultipleChoiceField


class ReportForm(forms.Form):
    """The report's filter form: a field that takes one value refuses an address that repeats it."""

    SINGLE = ("date_from", "date_to", "status")

    def clean(self):
        """Django's clean(); ValidationError on a single-valued field given more than once, and on a last
        day before the first."""
        cleaned = super().clean()
        for name in self.SINGLE:
            if len(self.data.getlist(name)) > 1:
                self.add_error(name, "Give this once: the address repeats it.")
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", "The last day is before the first.")
        return cleaned


class ReportFilter(django_filters.FilterSet):
    """The report's filter over Coverage, read from the query string (see the module's rules): date_from,
    date_to (YYYY-MM-DD), outlet, person, work (several keys each), kind, stance (several values each),
    status (published, drafts or all). A bad value is a form error (self.errors): no figures then.
    """

    date_from = django_filters.DateFilter(
        field_name="date",
        lookup_expr="gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Give the first day as a date, e.g. 2014-03-10."},
    )
    date_to = django_filters.DateFilter(
        field_name="date",
        lookup_expr="lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Give the last day as a date, e.g. 2014-12-31."},
    )
    outlet = CheckedModelMultipleChoiceFilter(
        queryset=Outlet.objects.order_by("name"),
        method="filter_outlet",
        label="Outlets",
        help_text="An outlet includes its blogs' pieces.",
        error_messages={
            "invalid_choice": "There is no outlet “%(value)s”.",
            "invalid_pk_value": "“%(pk)s” is not an outlet.",
        },
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=Coverage.Kind.choices,
        label="Kinds",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "“%(value)s” is not a kind of coverage."},
    )
    stance = django_filters.MultipleChoiceFilter(
        choices=Coverage.Stance.choices,
        label="Stances",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "“%(value)s” is not a stance."},
    )
    person = CheckedModelMultipleChoiceFilter(
        queryset=Person.objects.order_by("name"),
        method="filter_person",
        label="People",
        help_text="Pieces they wrote or that mention them.",
        error_messages={
            "invalid_choice": "There is no person “%(value)s”.",
            "invalid_pk_value": "“%(pk)s” is not a person.",
        },
    )
    work = CheckedModelMultipleChoiceFilter(
        queryset=Work.objects.order_by("title"),
        method="filter_work",
        label="Films",
        widget=forms.CheckboxSelectMultiple,
        help_text="Pieces that mention the film.",
        error_messages={
            "invalid_choice": "There is no film “%(value)s”.",
            "invalid_pk_value": "“%(pk)s” is not a film.",
        },
    )
    status = django_filters.ChoiceFilter(
        choices=STATUSES,
        method="filter_status",
        label="Status",
        empty_label=None,
        error_messages={"invalid_choice": "Choose published, drafts or all."},
    )

    # Fields taking several values, whose empty values (outlet=&person=, an address emptied by hand) are
    # dropped: an empty value chooses nothing, as if it were not there.
    MULTIPLE = ("outlet", "kind", "stance", "person", "work")

    class Meta:
        model = Coverage
        fields = []
        form = ReportForm

    def __init__(self, data=None, *args, **kwargs):
        """django-filter's FilterSet over data (a QueryDict or None), its MULTIPLE fields' empty values
        left out."""
        if data is not None:
            data = data.copy()
            for name in self.MULTIPLE:
                if name in data:
                    values = [value for value in data.getlist(name) if value.strip()]
                    if values:
                        data.setlist(name, values)
                    else:
                        del data[name]
        super().__init__(data, *args, **kwargs)

    def filter_queryset(self, queryset):
        """The pieces the filter finds; without a status, those on the site."""
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = self.filter_status(queryset, "status", "published")
        return queryset

    def filter_status(self, queryset, name, value):
        """The pieces on the site ("published"), the others ("drafts"), or all ("all")."""
        if value == "published":
            return queryset.filter(live())
        if value == "drafts":
            return queryset.exclude(live())
        return queryset

    def filter_outlet(self, queryset, name, outlets):
        """The pieces of outlets (Outlet rows) and of the outlets whose parent is one of them."""
        if not outlets:
            return queryset
        chosen = Outlet.objects.filter(
            Q(pk__in=[o.pk for o in outlets]) | Q(parent__in=[o.pk for o in outlets])
        )
        return queryset.filter(outlet__in=chosen.values("pk"))

    def filter_person(self, queryset, name, people):
        """The pieces any of people (Person rows) wrote or that mention any of them."""
        if not people:
            return queryset
        keys = [person.pk for person in people]
        # Two lists of keys, one from each link table: an OR across two joins would read every piece.
        wrote = Coverage.authors.through.objects.filter(person__in=keys).values("coverage_id")
        mention = Coverage.mentioned_people.through.objects.filter(person__in=keys).values("coverage_id")
        return queryset.filter(Q(pk__in=wrote) | Q(pk__in=mention))

    def filter_work(self, queryset, name, works):
        """The pieces that mention any of works (Work rows)."""
        if not works:
            return queryset
        mention = Coverage.mentioned_works.through.objects.filter(work__in=[work.pk for work in works])
        return queryset.filter(pk__in=mention.values("coverage_id"))


def months_between(first, last):
    """The first day of each month from first's to last's (datetime.date), both included."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def report_figures(queryset):
    """The figures of the pieces in queryset (Coverage, filtered), as a dict:

    - totals: {"pieces", "dated", "undated", "outlets", "quotes", "people_quoted"} (ints), "first" and
      "last" (the earliest and latest stored dates, datetime.date or None);
    - totals also "year_only" (int, the dated pieces dated only to the year), "first_words" and
      "last_words" (str, period_words());
    - over_time: {"by": "month" or "year", "rows": [(label str, count int), ...]} every month (or year) from
      the first to the last piece, empty ones included, oldest first; by year past MONTHS_BY_MONTH months;
      by month with pieces dated only to the year, "note": year_only_note();
    - by_outlet: [(name, count)] the TOP_OUTLETS outlets with most pieces, then "Other outlets" (the rest,
      when there is a rest); pieces naming no outlet count under "Outlet not named";
    - by_kind, by_stance: [(label, count)] every kind and stance, in the order of their choices;
    - most_quoted: [(name, quotes)] the TOP_QUOTED named speakers quoted most in these pieces.

    Five aggregate queries whatever the number of pieces: by kind and stance (with the totals), by outlet,
    over time, by speaker, and the names of the most-quoted speakers.
    """
    pieces = queryset.order_by()
    # By precision too, so that the first and last dates are known at theirs, and the pieces dated only to
    # the year are counted, in the same query.
    groups = list(
        pieces.values("kind", "stance", "date_precision").annotate(
            count=Count("*"), dated=Count("date"), first=Min("date"), last=Max("date")
        )
    )
    totals = {
        "pieces": sum(group["count"] for group in groups),
        "dated": sum(group["dated"] for group in groups),
        "first": min((group["first"] for group in groups if group["first"]), default=None),
        "last": max((group["last"] for group in groups if group["last"]), default=None),
        "year_only": sum(group["dated"] for group in groups if group["date_precision"] == DatePrecision.YEAR),
    }
    totals["undated"] = totals["pieces"] - totals["dated"]
    totals["first_words"] = period_words(totals["first"], groups, "first")
    totals["last_words"] = period_words(totals["last"], groups, "last")
    outlets = by_outlet(pieces, totals["pieces"])
    totals["outlets"] = outlets["count"]
    speakers = dict(
        Quote.objects.filter(coverage__in=pieces.values("pk"))
        .order_by()
        .values("speaker")
        .annotate(count=Count("*"))
        .values_list("speaker", "count")
    )
    totals["quotes"] = sum(speakers.values())
    named = sorted(((count, key) for key, count in speakers.items() if key is not None), key=lambda q: -q[0])
    totals["people_quoted"] = len(named)
    counted_over_time = over_time(pieces, totals["first"], totals["last"])
    if counted_over_time["by"] == "month" and totals["year_only"]:
        counted_over_time["note"] = year_only_note(totals["year_only"])
    return {
        "totals": totals,
        "over_time": counted_over_time,
        "by_outlet": outlets["rows"],
        "by_kind": summed(groups, "kind", Coverage.Kind.choices),
        "by_stance": summed(groups, "stance", Coverage.Stance.choices),
        "most_quoted": most_quoted(named),
    }


def year_only_note(count):
    """The words (str) saying that count (int) pieces dated only to the year are counted in January."""
    if count == 1:
        return "1 piece is dated only to the year (such as “2014” or “Fall 2014”): it is counted in January."
    return (
        f"{count:,} pieces are dated only to the year (such as “2014” or “Fall 2014”): they are counted in"
        " January of their year."
    )


def period_words(date, groups, end):
    """date (datetime.date or None), the first or last stored date (end: "first" or "last") of groups
    (report_figures()'s), in the words of the least precise piece stored at it: "2014", "March 2014" or
    "10 March 2014"; "" for None."""
    if date is None:
        return ""
    precisions = {group["date_precision"] for group in groups if group[end] == date}
    if DatePrecision.YEAR in precisions:
        return f"{date:%Y}"
    if DatePrecision.MONTH in precisions:
        return f"{date:%B %Y}"
    return f"{date:%-d %B %Y}"


def most_quoted(named):
    """[(name, quotes)] of the TOP_QUOTED first speakers of named ([(quotes, person key)], most first),
    most quoted first, then by name."""
    # Ties at the cut are settled by name, so the top ten do not depend on the order the database gave.
    if len(named) > TOP_QUOTED:
        cut = named[TOP_QUOTED - 1][0]
        named = [(count, key) for count, key in named if count >= cut]
    names = dict(Person.objects.filter(pk__in=[key for _, key in named]).values_list("pk", "name"))
    return sorted(((names[key], count) for count, key in named), key=lambda row: (-row[1], row[0]))[
        :TOP_QUOTED
    ]


def over_time(pieces, first, last):
    """The dated pieces counted by month, or by year when first and last (dates or None) lie more than
    MONTHS_BY_MONTH months apart; see report_figures()."""
    if first is None:
        return {"by": "month", "rows": []}
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    by = "month" if span <= MONTHS_BY_MONTH else "year"
    trunc = TruncMonth if by == "month" else TruncYear
    counted = dict(
        pieces.filter(date__isnull=False)
        .annotate(period=trunc("date"))
        .values("period")
        .annotate(count=Count("*"))
        .values_list("period", "count")
    )
    counted = {(p.date() if isinstance(p, datetime.datetime) else p): n for p, n in counted.items()}
    if by == "month":
        periods = months_between(first, last)
        return {"by": by, "rows": [(f"{p:%b %Y}", counted.get(p, 0)) for p in periods]}
    periods = [datetime.date(year, 1, 1) for year in range(first.year, last.year + 1)]
    return {"by": by, "rows": [(str(p.year), counted.get(p, 0)) for p in periods]}


def by_outlet(pieces, total):
    """{"rows": the TOP_OUTLETS outlets with most of pieces, then "Other outlets"; "count": how many
    outlets (int) the pieces come from}; see report_figures()."""
    counted = list(pieces.values("outlet").annotate(count=Count("*")).values_list("outlet", "count"))
    named = sorted(counted, key=lambda row: -row[1])
    if len(named) > TOP_OUTLETS:
        cut = named[TOP_OUTLETS - 1][1]
        named = [row for row in named if row[1] >= cut]
    names = dict(Outlet.objects.filter(pk__in=[key for key, _ in named if key]).values_list("pk", "name"))
    rows = sorted(
        ((names.get(key, "Outlet not named"), count) for key, count in named),
        key=lambda row: (-row[1], row[0]),
    )[:TOP_OUTLETS]
    rest = total - sum(count for _, count in rows)
    if rest:
        rows.append(("Other outlets", rest))
    return {"rows": rows, "count": sum(1 for key, _ in counted if key is not None)}


def summed(groups, field, choices):
    """From groups (dicts with field and "count"), one row per choice (label, count) in choices' order."""
    counted = {}
    for group in groups:
        counted[group[field]] = counted.get(group[field], 0) + group["count"]
    return [(label, counted.get(value, 0)) for value, label in choices]


def nice_step(largest, ticks=4):
    """A round step (1, 2, 5 times a power of ten, at least 1) of which `ticks` reach at least largest
    (int)."""
    raw = max(largest, 1) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    # Counts are whole: a step below 1 would label ticks 0.25, 0.5...
    return max(1, next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))


def bar_chart(chart_id, title, rows, *, label_width=190, width=640, bar_height=22, gap=6):
    """A horizontal bar chart of rows ([(label, count)]) for templates/admin/press/coverage/report_chart.html,
    in SVG user units: {"id", "title", "width", "height", "kind": "bar", "bars": [{label, count, x, y,
    width, height, text_x, text_y}], "rows"}. The longest bar fills the plot; a zero is a bar of no width.
    """
    largest = max((count for _, count in rows), default=0)
    plot_left, plot_width = label_width, width - label_width - 60
    bars = []
    for n, (label, count) in enumerate(rows):
        length = round(plot_width * count / largest, 1) if largest else 0
        y = gap + n * (bar_height + gap)
        bars.append(
            {
                "label": label,
                "count": count,
                "x": plot_left,
                "y": y,
                "width": length,
                "height": bar_height,
                "label_x": plot_left - 8,
                "text_x": plot_left + length + 6,
                "text_y": y + bar_height * 0.7,
            }
        )
    return {
        "id": chart_id,
        "title": title,
        "kind": "bar",
        "width": width,
        "height": gap + len(rows) * (bar_height + gap) + gap,
        "bars": bars,
        "rows": rows,
        "total": sum(count for _, count in rows),
    }


def column_chart(chart_id, title, rows, *, width=640, height=260, left=50, bottom=60, top=20):
    """A column chart of rows ([(label, count)], in time order) for the same template, in SVG user units:
    as bar_chart(), "kind": "column", with "baseline", "y_ticks" ([{y, label}]) and each column's label
    placed under it (every label when few, else about twelve of them).
    """
    largest = max((count for _, count in rows), default=0)
    step = nice_step(largest)
    ticks = max(1, math.ceil(largest / step))
    axis_top = step * ticks
    plot_width, plot_height = width - left - 10, height - top - bottom
    slot = plot_width / max(len(rows), 1)
    label_every = max(1, math.ceil(len(rows) / 12))
    bars = []
    for n, (label, count) in enumerate(rows):
        column = round(plot_height * count / axis_top, 1)
        x = round(left + n * slot + slot * 0.15, 1)
        bars.append(
            {
                "label": label,
                "count": count,
                "x": x,
                "y": round(top + plot_height - column, 1),
                "width": round(slot * 0.7, 1),
                "height": column,
                "text_x": round(x + slot * 0.35, 1),
                "text_y": round(top + plot_height - column - 4, 1),
                "label_x": round(x + slot * 0.35, 1),
                "show_label": n % label_every == 0,
            }
        )
    return {
        "id": chart_id,
        "title": title,
        "kind": "column",
        "width": width,
        "height": height,
        "left": left,
        "right": width - 10,
        "baseline": top + plot_height,
        "label_y": top + plot_height + 16,
        "show_counts": len(rows) <= 24,
        "y_ticks": [
            {"y": round(top + plot_height * (1 - i / ticks), 1), "label": f"{int(step * i):,}"}
            for i in range(ticks + 1)
        ],
        "bars": bars,
        "rows": rows,
        "total": sum(count for _, count in rows),
    }


def report_charts(figures):
    """The charts of figures (report_figures()), in the page's order: over time, by outlet, by kind, by
    stance, most quoted."""
    period = "month" if figures["over_time"]["by"] == "month" else "year"
    over_time_chart = column_chart("chart-over-time", f"Pieces by {period}", figures["over_time"]["rows"])
    over_time_chart["note"] = figures["over_time"].get("note")
    return [
        over_time_chart,
        bar_chart("chart-outlets", "Pieces by outlet", figures["by_outlet"]),
        bar_chart("chart-kinds", "Pieces by kind", figures["by_kind"]),
        bar_chart("chart-stances", "Pieces by stance", figures["by_stance"]),
        bar_chart("chart-quoted", "Most-quoted people (quotes)", figures["most_quoted"]),
    ]
