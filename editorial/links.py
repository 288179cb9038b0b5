"""Links to a page by its slug, reversed once per URL name instead of once per link.

reverse() tries every pattern of a name and checks and quotes the arguments: about 30 µs a link, and the L.A.
guide shows 120 links (4 ms of a 27 ms page). A slug route gives the same path for every slug but the slug
itself, so its path is reversed once, with a placeholder, and each link puts its slug in its place. A slug the
route could not take is left to reverse(), which refuses it as it always has.
"""

import functools
import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

PLACEHOLDER = "slug-placeholder-0"
PATH_SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # what Django's <slug:...> path converter accepts


def slug_url(name, slug):
    """reverse(name, kwargs={"slug": slug}), for a named route with a <slug:slug> path segment."""
    if not PATH_SLUG.fullmatch(slug):
        return reverse(name, kwargs={"slug": slug})
    return path_shape(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF).replace(
        PLACEHOLDER, slug
    )


@functools.cache
def path_shape(name, script_prefix, urlconf):
    """The path of the route name for the slug PLACEHOLDER, cached per (name, script prefix, URLconf).
    Raises ValueError when the route does not have exactly one <slug:slug> segment.
    """
    # Keyed on what reverse() itself reads besides the name: the prefix a server mounts the site under and the
    # URLconf (a test may swap it).
    shape = reverse(name, kwargs={"slug": PLACEHOLDER}, urlconf=urlconf)
    if shape.count(PLACEHOLDER) != 1:
        raise ValueError(f"{name} is not a route with one <slug:slug> segment: {shape}")
    return shape
