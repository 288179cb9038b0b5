"""The site's own URLs, and two floors measured through the same middleware: a template of a given size
rendered with no database work, and a bare response."""

from functools import lru_cache

from django.http import HttpResponse
from django.shortcuts import render
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


def bare_floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/floor/template/", template_floor),
    path("bench/floor/bare/", bare_floor),
    *site_urlpatterns,
]
