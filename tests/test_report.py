"""The coverage report (admin, editors): its figures and charts equal counts taken with the ORM for several
filters; the XLSX, print view and PDF hold the same; bad filters are a 400 with the form's errors."""

import datetime
import io
import re
from html import unescape

import openpyxl
import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from editorial.models import live
from people.models import Person
from press.models import Coverage, Outlet, Passage, Quote, Work
from tests.fuzz import assert_no_server_error, examples, send
from tests.fuzz_values import hostile_pairs
from tests.story import DIRECTOR, FILM, STUART_HERITAGE, THE_GUARDIAN, new_piece, new_staff_member

pytestmark = pytest.mark.django_db

REPORT = "/admin/press/coverage/report/"
XLSX = "/admin/press/coverage/report.xlsx"
PDF = "/admin/press/coverage/report.pdf"
PRINT = "/admin/press/coverage/report/print/"
KINDS = [kind for kind, _ in Coverage.Kind.choices]
STANCES = [stance for stance, _ in Coverage.Stance.choices]


@pytest.fixture
def pieces(db):
    """40 more pieces besides the story's: over 2014 and 2015, across three outlets, every kind and stance,
    one in four a draft, some by or about the director, some about the film, each with a quote or two."""
    outlets = [Outlet.objects.get(slug=THE_GUARDIAN), *Outlet.objects.exclude(slug=THE_GUARDIAN)[:2]]
    director = Person.objects.get(slug=DIRECTOR)
    heritage = Person.objects.get(slug=STUART_HERITAGE)
    film = Work.objects.get(slug=FILM)
    made = Coverage.objects.bulk_create(
        new_piece(
            f"report-piece-{n}",
            headline=f"Report piece {n}",
            outlet=outlets[n % 3] if n % 7 else None,
            kind=KINDS[n % len(KINDS)],
            stance=STANCES[n % len(STANCES)],
            date=datetime.date(2014 + n // 20, 1 + n % 12, 1 + n % 28) if n % 9 else None,
            date_precision="day" if n % 9 else "unknown",
            status="draft" if n % 4 == 0 else "published",
            save=False,
        )
        for n in range(40)
    )
    for n, piece in enumerate(made):
        if n % 3 == 0:
            piece.authors.add(director)
        if n % 5 == 0:
            piece.mentioned_people.add(director)
        if n % 2 == 0:
            piece.mentioned_works.add(film)
        passage = Passage.objects.create(coverage=piece, slug="kiss", text="Twenty strangers kiss")
        Quote.objects.create(
            coverage=piece, passage=passage, speaker=heritage if n % 2 else director, words="kiss"
        )
    return made


def published():
    return Coverage.objects.filter(live())


def filters():
    """(query string, the same filter as an ORM queryset) for the cases the report must count right."""
    director = Person.objects.get(slug=DIRECTOR)
    guardian = Outlet.objects.get(slug=THE_GUARDIAN)
    film = Work.objects.get(slug=FILM)
    return [
        ("", published()),
        (
            "date_from=2014-03-01&date_to=2014-09-30",
            published().filter(date__gte="2014-03-01", date__lte="2014-09-30"),
        ),
        (f"outlet={guardian.pk}", published().filter(Q(outlet=guardian) | Q(outlet__parent=guardian))),
        ("stance=admiring&stance=critical", published().filter(stance__in=["admiring", "critical"])),
        (
            f"person={director.pk}",
            published().filter(
                pk__in=Coverage.objects.filter(Q(authors=director) | Q(mentioned_people=director))
            ),
        ),
        ("status=drafts", Coverage.objects.exclude(live())),
        (
            f"work={film.pk}&status=all&kind=article",
            Coverage.objects.filter(mentioned_works=film, kind="article"),
        ),
    ]


def chart(html, chart_id):
    """{label: count} of the bars of the chart section chart_id, read from the page's HTML."""
    section = re.search(rf'<section class="report-figure" id="{chart_id}".*?</section>', html, re.S)
    assert section, chart_id
    bars = re.findall(
        r'<g class="bar" data-label="([^"]*)" data-count="(\d+)">'
        r'.*?<text class="bar-count[^"]*"[^>]*>(\d+)</text>',
        section.group(0),
        re.S,
    )
    for _, count, shown in bars:
        assert count == shown
    return {unescape(label): int(count) for label, count, _ in bars}


def total(html, name):
    return int(re.search(rf'data-total="{name}">(\d+)<', html).group(1))


def expected_figures(queryset):
    """The figures counted row by row with the ORM, each with its own query."""
    pieces = Coverage.objects.filter(pk__in=queryset.values("pk"))
    return {
        "pieces": pieces.count(),
        "kinds": {label: pieces.filter(kind=kind).count() for kind, label in Coverage.Kind.choices},
        "stances": {label: pieces.filter(stance=stance).count() for stance, label in Coverage.Stance.choices},
        "outlets": {
            **{
                outlet.name: pieces.filter(outlet=outlet).count()
                for outlet in Outlet.objects.filter(coverage__in=pieces).distinct()
            },
            **(
                {"Outlet not named": pieces.filter(outlet=None).count()}
                if pieces.filter(outlet=None).exists()
                else {}
            ),
        },
        "quotes": Quote.objects.filter(coverage__in=pieces).count(),
        "undated": pieces.filter(date=None).count(),
        "months": {
            f"{month:%b %Y}": pieces.filter(date__year=month.year, date__month=month.month).count()
            for month in pieces.dates("date", "month")
        },
        "years": {
            str(year.year): pieces.filter(date__year=year.year).count()
            for year in pieces.dates("date", "year")
        },
    }


@pytest.mark.parametrize("case", range(7))
def test_figures_and_charts_equal_orm_counts(editor_client, pieces, case):
    query, queryset = filters()[case]
    expected = expected_figures(queryset)
    response = editor_client.get(f"{REPORT}?{query}")
    assert response.status_code == 200
    html = response.content.decode()

    assert total(html, "pieces") == expected["pieces"]
    assert total(html, "quotes") == expected["quotes"]
    assert total(html, "undated") == expected["undated"]
    assert chart(html, "chart-kinds") == expected["kinds"]
    assert chart(html, "chart-stances") == expected["stances"]
    assert chart(html, "chart-outlets") == expected["outlets"]  # fewer than ten outlets: no "Other outlets"
    over_time = chart(html, "chart-over-time")
    by_year = all(re.fullmatch(r"\d{4}", label) for label in over_time)
    periods = expected["years"] if by_year else expected["months"]
    assert {label: count for label, count in over_time.items() if count} == periods
    assert sum(over_time.values()) == expected["pieces"] - expected["undated"]
    # The figures are the charts' tables too, for readers who cannot see the charts.
    assert html.count('class="report-table"') >= 5


def test_most_quoted_people_count_the_quotes_of_the_pieces_found(editor_client, pieces):
    director, heritage = Person.objects.get(slug=DIRECTOR), Person.objects.get(slug=STUART_HERITAGE)
    html = editor_client.get(f"{REPORT}?status=all").content.decode()
    quoted = chart(html, "chart-quoted")
    for person in (director, heritage):
        assert quoted[person.name] == Quote.objects.filter(speaker=person).count()
    assert list(quoted.values()) == sorted(quoted.values(), reverse=True)


def test_many_outlets_show_the_top_ten_then_the_others(editor_client, pieces):
    outlets = Outlet.objects.bulk_create(
        Outlet(name=f"Outlet {n}", slug=f"report-outlet-{n}", kind="newspaper") for n in range(14)
    )
    Coverage.objects.bulk_create(
        new_piece(f"many-{n}-{k}", headline=f"Many {n} {k}", outlet=outlet, status="published", save=False)
        for n, outlet in enumerate(outlets)
        for k in range(n + 1)
    )
    html = editor_client.get(REPORT).content.decode()
    outlets_chart = chart(html, "chart-outlets")
    assert len(outlets_chart) == 11
    assert list(outlets_chart)[0] == "Outlet 13" and outlets_chart["Outlet 13"] == 14
    assert sum(outlets_chart.values()) == published().count()


def test_the_filter_lives_in_the_address_and_every_link_carries_it(editor_client, pieces):
    query = "kind=column&stance=critical&date_from=2014-01-01"
    html = editor_client.get(f"{REPORT}?{query}").content.decode()
    for url in (XLSX, PDF, PRINT):
        assert f'href="{url}?{query.replace("&", "&amp;")}"' in html
    assert 'value="2014-01-01"' in html
    assert 'method="get"' in html and "Show the report" in html


def test_pieces_are_listed_paginated_with_links_to_their_change_pages(editor_client, pieces):
    html = editor_client.get(f"{REPORT}?status=all").content.decode()
    piece = Coverage.objects.get(slug="report-piece-1")
    assert f'href="/admin/press/coverage/{piece.pk}/change/"' in html
    Coverage.objects.bulk_create(
        new_piece(f"page-{n}", headline=f"Paged {n}", status="published", save=False) for n in range(60)
    )
    html = editor_client.get(REPORT).content.decode()
    assert 'rel="next"' in html and "Page 1 of 2" in html
    second = editor_client.get(f"{REPORT}?kind=article&page=2").content.decode()
    assert "kind=article" in re.search(r'rel="prev"|href="([^"]*)" rel="prev"', second).group(0)


def test_xlsx_holds_the_pieces_and_the_same_figures(editor_client, pieces):
    query, queryset = filters()[3]
    expected = expected_figures(queryset)
    response = editor_client.get(f"{XLSX}?{query}")
    assert response.status_code == 200
    assert re.fullmatch(
        r'attachment; filename="coverage-report-\d{4}-\d{2}-\d{2}\.xlsx"', response["Content-Disposition"]
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames == ["Pieces", "Figures"]
    rows = list(book["Pieces"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Headline", "Outlet", "Kind")
    assert sorted(row[0] for row in rows[1:]) == sorted(queryset.values_list("headline", flat=True))
    piece = queryset.exclude(date=None).exclude(outlet=None).first()
    row = next(row for row in rows if row[0] == piece.headline)
    assert row[1] == piece.outlet.name and row[3] == piece.get_stance_display()
    assert (
        row[5]
        == {"day": piece.date.isoformat(), "month": f"{piece.date:%Y-%m}", "year": str(piece.date.year)}[
            piece.date_precision
        ]
    )
    sections, current = {}, None
    for label, value, *_ in book["Figures"].iter_rows(values_only=True):
        if label is not None and value is None:
            current = sections.setdefault(label, {})
        elif label is not None:
            current[label] = value
    assert sections["Totals"]["Pieces"] == expected["pieces"]
    assert sections["Totals"]["Quotes"] == expected["quotes"]
    assert sections["Pieces by kind"] == expected["kinds"]
    assert sections["Pieces by stance"] == expected["stances"]
    assert sections["Pieces by outlet"] == expected["outlets"]
    assert sections["Filter"]["Stances"] == "Admiring, Critical"


def test_xlsx_keeps_text_that_looks_like_a_formula_as_text(editor_client):
    new_piece("formula", headline='=HYPERLINK("http://example.com")', status="published")
    response = editor_client.get(XLSX)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    headlines = [row[0].value for row in book["Pieces"].iter_rows(min_row=2)]
    assert '=HYPERLINK("http://example.com")' in headlines
    cell = next(row[0] for row in book["Pieces"].iter_rows(min_row=2) if row[0].value.startswith("="))
    assert cell.data_type == "s"


def test_print_view_has_the_report_without_admin_chrome(editor_client, pieces):
    response = editor_client.get(f"{PRINT}?stance=critical")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="chart-stances"' in html and "css/report.css" in html
    assert 'id="header"' not in html and "breadcrumbs" not in html and "<script" not in html
    assert chart(html, "chart-stances")["Critical"] == published().filter(stance="critical").count()


def test_pdf_is_made_without_the_network(editor_client, pieces):
    response = editor_client.get(f"{PDF}?kind=article")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "coverage-report-" in response["Content-Disposition"]


def test_making_a_pdf_leaves_the_image_checks_as_strict(editor_client):
    from PIL import ImageFile

    assert editor_client.get(PDF).status_code == 200
    # WeasyPrint's import would let Pillow load truncated images, and uploads through, in every process
    # that had made a PDF.
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_pdf_fetches_only_our_static_files():
    from press.admin.report import static_only_fetcher

    fetcher = static_only_fetcher()
    assert b".report-figure" in fetcher("http://testserver/static/css/report.css").read()
    for url in (
        "http://example.com/static/../../etc/passwd",
        "https://cdn.example.com/font.woff",
        "file:///etc/passwd",
        "http://testserver/static/../config/settings/base.py",
        "http://testserver/admin/",
        "http://testserver/static//etc/passwd",
        "http://testserver/static/",
        "http://testserver/static/css/../../config/settings/base.py",
        "http://testserver/static/css\\..\\..\\manage.py",
    ):
        with pytest.raises(ValueError):
            fetcher(url)


@pytest.mark.parametrize("url", [REPORT, XLSX, PDF, PRINT])
def test_contributors_get_403_saying_what_to_do(contributor_client, url):
    response = contributor_client.get(f"{url}?kind=article")
    assert response.status_code == 403
    assert "The coverage report is for editors: ask an editor" in response.content.decode()


def test_the_list_links_to_the_report_for_editors_only(editor_client, contributor):
    html = editor_client.get("/admin/press/coverage/?kind__exact=column&publication=draft").content.decode()
    assert 'href="/admin/press/coverage/report/?kind=column&amp;status=drafts"' in html
    editor_client.force_login(contributor)
    html = editor_client.get("/admin/press/coverage/").content.decode()
    assert "/admin/press/coverage/report/" not in html


def test_a_superuser_sees_the_report(client):
    client.force_login(new_staff_member("boss", is_superuser=True))
    assert client.get(REPORT).status_code == 200


BAD_QUERIES = [
    "date_from=yesterday",
    "date_to=2014-13-45",
    "date_from=99999-01-01",
    "outlet=999999",
    "outlet=abc",
    "outlet=99999999999999999999999999",
    "person=-1",
    "person=1e9",
    "work=0",
    "kind=poem",
    "stance=ADMIRING",
    "status=maybe",
    "date_from=2014-01-01&date_from=2015-01-01",
    "status=all&status=drafts",
    "outlet=1&outlet=%EF%BF%BF",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_filters_are_a_400_with_the_form_errors(editor_client, query):
    response = editor_client.get(f"{REPORT}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="errorlist' in html and "correct the filter" in html
    assert 'id="chart-kinds"' not in html
    for url in (XLSX, PRINT):
        assert editor_client.get(f"{url}?{query}").status_code == 400


def test_a_nul_in_the_filter_is_a_400(editor_client):
    for url in (REPORT, XLSX, PDF, PRINT):
        assert editor_client.get(f"{url}?date_from=2014%00").status_code == 400
        assert editor_client.get(f"{url}?outlet=1%00").status_code == 400


def test_the_page_number_beyond_the_last_is_the_last_page(editor_client, pieces):
    assert editor_client.get(f"{REPORT}?page=999999999999999999999").status_code == 200
    assert editor_client.get(f"{REPORT}?page=abc").status_code == 200


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_report_costs_the_same_queries_with_few_or_many_pieces(
    editor_client, pieces, django_assert_max_num_queries
):
    director = Person.objects.get(slug=DIRECTOR)
    guardian = Outlet.objects.get(slug=THE_GUARDIAN)
    url = f"{REPORT}?outlet={guardian.pk}&person={director.pk}&status=all&date_from=2000-01-01"
    count_queries(editor_client, url)
    few = count_queries(editor_client, url), count_queries(editor_client, REPORT)
    made = Coverage.objects.bulk_create(
        new_piece(
            f"budget-{n}",
            headline=f"Budget {n}",
            outlet=guardian,
            date=datetime.date(2014, 1 + n % 12, 1),
            date_precision="day",
            status="published",
            save=False,
        )
        for n in range(300)
    )
    for piece in made:
        piece.authors.add(director)
    many = count_queries(editor_client, url), count_queries(editor_client, REPORT)
    assert many == few
    with django_assert_max_num_queries(25):
        editor_client.get(url)


def test_the_report_reads_only(editor_client):
    for url in (REPORT, XLSX, PDF, PRINT):
        assert editor_client.post(url).status_code == 405


REPORT_PARAMETERS = ["date_from", "date_to", "outlet", "kind", "stance", "person", "work", "status", "page"]


def test_hostile_filters_never_break_the_report(staff):
    """As the fuzz layer does for every admin list: hostile values in every parameter of the report's
    page, print view and XLSX (the PDF only renders the print view), by a superuser and a contributor."""
    plausible = {
        "date_from": ["2014-03-10", "1899-12-31", "2100-01-01"],
        "date_to": ["2014-12-31", "0001-01-01", "9999-12-31"],
        "outlet": ["1", "2"],
        "person": ["1", "2"],
        "work": ["1"],
        "kind": [kind for kind, _ in Coverage.Kind.choices],
        "stance": [stance for stance, _ in Coverage.Stance.choices],
        "status": ["published", "drafts", "all"],
        "page": ["1", "2", "0", "-1"],
    }

    @examples(1)
    @given(data=st.data())
    def run(data):
        path = data.draw(st.sampled_from([REPORT, PRINT, XLSX]), label="path")
        pairs = hostile_pairs(data, REPORT_PARAMETERS, plausible)
        response = send(staff, "GET", path, pairs)
        assert_no_server_error(response, "report", "GET", path, pairs)
        assert response.status_code in (200, 400, 403)

    run()


def test_a_last_day_before_the_first_is_a_form_error(editor_client):
    for url in (REPORT, XLSX, PRINT, PDF):
        response = editor_client.get(f"{url}?date_from=2015-01-01&date_to=2014-01-01")
        assert response.status_code == 400
        assert "The last day is before the first." in response.content.decode()
    assert editor_client.get(f"{REPORT}?date_from=2014-01-01&date_to=2014-01-01").status_code == 200


def test_empty_values_in_an_address_choose_nothing(editor_client, pieces):
    whole = editor_client.get(REPORT).content.decode()
    for query in ("outlet=&person=", "outlet=&outlet=&kind=&stance=&work=&person=%20", "date_from=&date_to="):
        response = editor_client.get(f"{REPORT}?{query}")
        assert response.status_code == 200, query
        html = response.content.decode()
        assert total(html, "pieces") == total(whole, "pieces")
    guardian = Outlet.objects.get(slug=THE_GUARDIAN)
    html = editor_client.get(f"{REPORT}?outlet=&outlet={guardian.pk}").content.decode()
    assert chart(html, "chart-outlets").keys() <= {guardian.name, *(o.name for o in guardian.children.all())}


def test_outlets_can_be_chosen_without_javascript(editor_client, pieces):
    guardian = Outlet.objects.get(slug=THE_GUARDIAN)
    director = Person.objects.get(slug=DIRECTOR)
    html = editor_client.get(f"{REPORT}?outlet={guardian.pk}&person={director.pk}").content.decode()
    outlets = re.search(r'<select name="outlet".*?</select>', html, re.S).group(0)
    # Every outlet is an option of the plain <select multiple>, the chosen one selected.
    assert outlets.count("<option") == Outlet.objects.count()
    assert re.search(rf'<option value="{guardian.pk}" selected>', outlets)
    people = re.search(r'<select name="person".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="(\d+)" selected>', people) == [str(director.pk)]


def test_the_print_view_says_when_it_was_made_and_in_which_time_zone(editor_client):
    from django.utils import timezone

    html = editor_client.get(PRINT).content.decode()
    zone = timezone.localtime().strftime("%Z")  # PST or PDT, the site's zone (America/Los_Angeles)
    assert re.search(rf"First Kiss press room, \d{{1,2}} \w+ \d{{4}}, \d\d:\d\d {zone}<", html)


def test_print_view_and_pdf_list_the_pieces_newest_first(editor_client, pieces):
    html = editor_client.get(f"{PRINT}?status=all").content.decode()
    listed = re.search(
        r'<section class="report-figure report-printed-pieces".*?</section>', html, re.S
    ).group(0)
    headlines = [unescape(h) for h in re.findall(r'<li>[^<]*<span class="headline">([^<]*)</span>', listed)]
    assert len(headlines) == Coverage.objects.count()
    expected = list(Coverage.objects.values_list("headline", flat=True))  # newest first, undated last
    assert headlines == expected
    assert "more piece" not in listed
    assert editor_client.get(f"{PRINT}?kind=poem").status_code == 400


def test_print_view_lists_500_pieces_then_says_how_many_more_the_xlsx_lists(editor_client):
    Coverage.objects.bulk_create(
        new_piece(
            f"many-{n}",
            headline=f"Many {n:03}",
            date=datetime.date(2020, 1, 1),
            date_precision="day",
            save=False,
        )
        for n in range(503)
    )
    found = Coverage.objects.count()
    html = editor_client.get(f"{PRINT}?status=all").content.decode()
    listed = re.search(
        r'<section class="report-figure report-printed-pieces".*?</section>', html, re.S
    ).group(0)
    assert listed.count("<li>") == 500
    assert re.search(rf"The newest 500 of {found} pieces\s*: date, headline", listed)
    assert f"and {found - 500} more pieces: the XLSX lists every one." in listed
    few = editor_client.get(f"{PDF}?kind=interview").content
    many = editor_client.get(f"{PDF}?status=all").content
    assert many.startswith(b"%PDF")
    # The same HTML made the PDF: the 500 rows take pages a report of a few pieces does not.
    assert pdf_pages(many) >= pdf_pages(few) + 5


def pdf_pages(pdf):
    """The page count of pdf (bytes) as its page tree gives it, its compressed streams opened."""
    import contextlib
    import zlib

    texts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):  # a stream not compressed, or an image's
            texts.append(zlib.decompress(stream))
    return max(int(n) for text in texts for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", text))


def test_pieces_dated_only_to_the_year_are_said_to_be_counted_in_january(editor_client):
    dates = [
        ("year-only", datetime.date(2013, 1, 1), "year", "2013"),
        ("a-day", datetime.date(2013, 3, 10), "day", "10 March 2013"),
        ("a-month", datetime.date(2013, 6, 1), "month", "June 2013"),
    ]
    Coverage.objects.bulk_create(
        new_piece(
            f"dated-{slug}",
            headline=slug,
            kind="film_series",
            date=date,
            date_precision=precision,
            save=False,
        )
        for slug, date, precision, _ in dates
    )
    query = "kind=film_series&status=all&date_from=2013-01-01&date_to=2013-12-31"
    assert Coverage.objects.filter(kind="film_series", date__year=2013).count() == 3
    html = editor_client.get(f"{REPORT}?{query}").content.decode()
    note = "1 piece is dated only to the year (such as “2014” or “Fall 2014”): it is counted in January."
    over_time = re.search(r'id="chart-over-time".*?</section>', html, re.S).group(0)
    assert unescape(over_time).count(note) == 1
    assert chart(html, "chart-over-time")["Jan 2013"] == 1
    # The totals' dates are at their precision: not "1 January 2013" for a piece dated "2013".
    assert re.search(r"<th scope=\"row\">Dates</th><td>2013 to June 2013</td>", html)
    print_html = unescape(editor_client.get(f"{PRINT}?{query}").content.decode())
    assert note in print_html and "2013 to June 2013" in print_html
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(editor_client.get(f"{XLSX}?{query}").streaming_content)), read_only=True
    )
    figures = [row[:2] for row in book["Figures"].iter_rows(values_only=True)]
    assert (note, 1) in figures
    # Counted by month with no piece dated only to the year, nothing is said.
    html = editor_client.get(f"{REPORT}?{query.replace('2013-01-01', '2013-02-01')}").content.decode()
    assert "dated only to the year" not in html
