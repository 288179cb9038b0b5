"""Times the coverage report (admin) on a large archive: the page for several filters, the XLSX and the PDF.

    ARCHIVE_DATABASE_URL=postgres://pressroom:pressroom@127.0.0.1:5432/pressroom_archive \
        .venv/bin/python manage.py make_archive            # once: 100,000 pieces
    DATABASE_URL=postgres://pressroom:pressroom@127.0.0.1:5432/pressroom_archive \
        .venv/bin/python bench/report.py [--runs 5]

It reads DATABASE_URL as the archive (never run it against the real database: it adds a superuser
"bench-report"), renders each address through Django's test client with DEBUG off and the page cache off
(the admin is never cached anyway), and prints, per address, the best and the median of --runs runs in
milliseconds, the queries it ran and the bytes it answered. Out: a Markdown table on stdout.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("PAGE_CACHE_SECONDS", "0")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from people.models import Person  # noqa: E402
from press.models import Coverage, Outlet, Work  # noqa: E402

REPORT = "/admin/press/coverage/report/"


def addresses():
    """(name, URL) of the report addresses to time, on the archive's own rows."""
    outlet = Outlet.objects.filter(slug="synthetic-outlet-13").first() or Outlet.objects.first()
    piece = Coverage.objects.filter(slug="synthetic-coverage-0").first()
    person = (piece.authors.first() if piece else None) or Person.objects.order_by("pk").first()
    film = Work.objects.order_by("pk").first()
    return [
        ("page, no filter (on the site)", REPORT),
        ("page, all statuses", f"{REPORT}?status=all"),
        ("page, one year", f"{REPORT}?date_from=2016-01-01&date_to=2016-12-31"),
        ("page, one outlet", f"{REPORT}?outlet={outlet.pk}"),
        ("page, two stances", f"{REPORT}?stance=admiring&stance=critical"),
        ("page, one person", f"{REPORT}?person={person.pk}"),
        ("page, the film, articles", f"{REPORT}?work={film.pk}&kind=article"),
        ("page, no filter, page 1,000", f"{REPORT}?page=1000"),
        ("print view, no filter", f"{REPORT}print/"),
        ("XLSX, one outlet", f"/admin/press/coverage/report.xlsx?outlet={outlet.pk}"),
        ("XLSX, no filter (every piece on the site)", "/admin/press/coverage/report.xlsx"),
        ("PDF, no filter", "/admin/press/coverage/report.pdf"),
    ]


def timed(client, url):
    """(seconds, queries, bytes) of one GET of url, its body read whole."""
    with CaptureQueriesContext(connection) as context:
        started = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seconds = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return seconds, len(context.captured_queries), len(body)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per address (XLSX and PDF: 2)")
    args = parser.parse_args()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-report", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    pieces = Coverage.objects.count()
    print(f"{connection.vendor}, {pieces:,} pieces ({Coverage.objects.published().count():,} on the site)\n")
    print("| address | best ms | median ms | queries | bytes |")
    print("|---|---:|---:|---:|---:|")
    for name, url in addresses():
        runs = 2 if "XLSX" in name or "PDF" in name else args.runs
        timed(client, url)  # warms the connection, the templates and the database's cache
        results = [timed(client, url) for _ in range(runs)]
        times = [seconds * 1000 for seconds, _, _ in results]
        print(
            f"| {name} (`{url}`) | {min(times):,.0f} | {statistics.median(times):,.0f} | "
            f"{results[0][1]} | {results[0][2]:,} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
