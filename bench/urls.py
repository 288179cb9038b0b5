"""The site's own URLs, and the floors measured through the same middleware: a template of a given size
rendered with no database work, the same template after a page's own SQL, and a bare response."""

from functools import lru_cache

from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

ITEM = {
    "title": "A headline of the usual length about the film and its twenty strangers",
    "outlet": "The Daily Example",
    "date": "12 March 2014",
    "summary": "Two sentences in the press room's own words, as long as a summary usually is on the list. "
    "A second sentence, so that the item weighs what a real one does.",
    "url": "/coverage/a-piece/",
}


@lru_cache
def items_for(size):
    return [ITEM] * max(1, size // 420)  # one rendered item weighs about 420 bytes


def template_floor(request):
    try:
        size = min(int(request.GET.get("bytes", "20000")), 2_000_000)
    except ValueError:
        size = 20000
    return render(request, "bench/floor.html", {"items": items_for(size)})


@lru_cache(maxsize=32)
def statements_of(page):
    """The SQL statements a page runs for an anonymous visitor, with their parameters, recorded once."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        status = Client(SERVER_NAME="127.0.0.1").get(page).status_code
    if status != 200 or not all(sql.lstrip().upper().startswith("SELECT") for sql, _ in statements):
        return None  # only a page that answers and reads is replayed: a floor never writes
    return tuple(statements)


def sql_floor(request):
    """The template floor after the page's own SQL, run again through a plain cursor and fetched whole.

    It measures what the page could reach if building its objects and rendering its templates cost no more
    than the floor's: the part of the gap the database alone accounts for.
    """
    statements = statements_of(request.GET.get("page", ""))
    if statements is None:
        return HttpResponseBadRequest(
            "Give ?page= a public page that answers 200.", content_type="text/plain"
        )
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
    return template_floor(request)


def bare_floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/floor/template/", template_floor),
    path("bench/floor/sql/", sql_floor),
    path("bench/floor/bare/", bare_floor),
    *site_urlpatterns,
]
