"""The site's own URLs, and the floors measured through the same middleware: a template of a given size
rendered with no database work, the same template after a page's own SQL, the same template after the page's
own view has built and run its querysets through the ORM, and a bare response."""

from contextvars import ContextVar
from functools import lru_cache

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.forms import Select
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.backends.django import Template
from django.test import Client, RequestFactory
from django.urls import path, resolve
from django_filters import FilterSet

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
    client = Client(SERVER_NAME="127.0.0.1")
    client.get(page)  # a new connection's one-off catalogue lookups are not the page's

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        status = client.get(page).status_code
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


# While set, a page's template is not rendered: its context is evaluated (every queryset fetched, every
# paginator counted) and an empty string stands for the page.
_orm_only = ContextVar("orm_only", default=False)
_render = Template.render


def _render_or_only_evaluate(self, context=None, request=None):
    if not _orm_only.get():
        return _render(self, context, request)
    for value in (context or {}).values():
        if isinstance(value, QuerySet):
            list(value)
        elif isinstance(value, Paginator):
            value.count  # noqa: B018 (the count query the page's template makes)
        elif isinstance(value, FilterSet):
            for field in value.form.fields.values():
                if isinstance(field.widget, Select) and hasattr(field, "queryset"):
                    # The rows a select lists, read as its widget reads them (list() would count them first).
                    for _choice in field.choices:
                        pass
    return ""


Template.render = _render_or_only_evaluate


def orm_floor(request):
    """The template floor after the page's own view has built its querysets through the ORM and fetched them
    (model instances, select_related rows, the paginator's count), its templates not rendered.

    It measures what the page could reach if its templates cost no more than the floor's, while it keeps
    building its queries with the ORM: the part of the gap to the ceiling that the ORM alone accounts for.
    Takes ?page= (a public path with its query string) and ?bytes=; answers 400 for a page that does not
    answer 200 or runs another number of queries than the page itself (so the line measures the same work).
    """
    page = request.GET.get("page", "")
    if statements_of(page) is None:
        return HttpResponseBadRequest(
            "Give ?page= a public page that answers 200.", content_type="text/plain"
        )
    inner = RequestFactory(SERVER_NAME="127.0.0.1").get(page)
    inner.user = AnonymousUser()
    inner.session = request.session
    match = resolve(inner.path_info)
    counted = []
    token = _orm_only.set(True)
    try:
        with connection.execute_wrapper(lambda execute, *args: counted.append(1) or execute(*args)):
            response = match.func(inner, *match.args, **match.kwargs)
            if hasattr(response, "render"):
                response.render()
    finally:
        _orm_only.reset(token)
    if response.status_code != 200 or len(counted) != len(statements_of(page)):
        return HttpResponseBadRequest(
            f"The view answered {response.status_code} with {len(counted)} queries; the page runs "
            f"{len(statements_of(page))}.",
            content_type="text/plain",
        )
    return template_floor(request)


def bare_floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/floor/template/", template_floor),
    path("bench/floor/sql/", sql_floor),
    path("bench/floor/orm/", orm_floor),
    path("bench/floor/bare/", bare_floor),
    *site_urlpatterns,
]
