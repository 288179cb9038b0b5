"""Profiles public pages under the production settings on the synthetic archive: where a page's time goes.

    DATABASE_URL=postgres://pressroom:pressroom@127.0.0.1:5432/pressroom_archive \
        .venv/bin/python bench/profile_pages.py [--runs 50] [--top 15] [--sort tottime] [PATH ...]

Without paths it profiles the pages `make bench` measures (picked from the archive as bench/run.py picks
them). Each page is fetched through Django's test client with the page cache off, once to warm the
template and URL caches, then --runs times under cProfile. Out, on stdout, per page: milliseconds per
request (wall clock under the profiler, so about 1.5x the real cost), the share spent waiting on the
database, and the top functions by --sort (tottime: own time; cumtime: with callees), as Markdown.
The archive is only read.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", "profile-only-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOCAL_HTTP", "1")
os.environ["PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from people.models import Person  # noqa: E402
from press.models import Coverage  # noqa: E402


def default_pages():
    """The pages bench/run.py measures, picked the same way: {name: path}."""
    piece = Coverage.objects.published().filter(slug__startswith="synthetic-").order_by("pk").first()
    person = Person.objects.published().filter(slug__startswith="synthetic-").order_by("pk").first()
    filtered = (
        Coverage.objects.published().filter(outlet__slug__startswith="synthetic-").order_by("outlet", "pk")
    )
    example = filtered.select_related("outlet").first()
    word = piece.text.split()[5].strip(".,").lower()
    return {
        "home": "/",
        "coverage list, page 1": "/coverage/",
        "coverage list, filtered": f"/coverage/?outlet={example.outlet.slug}&kind={example.kind}",
        "coverage list, outlet A to Z": "/coverage/?sort=outlet",
        "coverage search": f"/coverage/?q={word}",
        "coverage detail": f"/coverage/{piece.slug}/",
        "L.A. guide": "/places/",
        "person": f"/people/{person.slug}/",
        "film page": "/films/first-kiss/",
    }


def profile(client, path, runs, top, sort):
    """Markdown lines: the page's ms per request, its database share, and its top functions."""
    response = client.get(path)
    if response.status_code != 200:
        return [f"`{path}` answered {response.status_code}; not profiled.", ""]
    database = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            database[0] += time.perf_counter() - started

    profiler = cProfile.Profile()
    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        profiler.enable()
        for _ in range(runs):
            client.get(path)
        profiler.disable()
    elapsed = time.perf_counter() - started
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort)
    stats.print_stats(top)
    table = out.getvalue().split("   ncalls", 1)[-1]
    return [
        f"{elapsed / runs * 1000:.1f} ms a request under the profiler, "
        f"{database[0] / elapsed:.0%} of it in the database; top {top} by {sort}:",
        "",
        "```",
        "   ncalls" + table.rstrip(),
        "```",
        "",
    ]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", help="Public paths to profile (default: the bench's pages).")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumtime", "ncalls"])
    options = parser.parse_args()
    pages = {path: path for path in options.paths} or default_pages()
    client = Client()
    for name, path in pages.items():
        print(f"### {name} (`{path}`)\n")
        print("\n".join(profile(client, path, options.runs, options.top, options.sort)))


if __name__ == "__main__":
    main()
