"""What every page's template may name without its view passing it: the site's own names, from settings."""

from django.conf import settings


def site(request):
    """The site name, the film's title and the film's slug (config/settings/base.py), for any template.

    Takes the request (unused: the names are the same on every page) and returns a dict of three strings:
    `site_name` ("First Kiss press room"), `film_title` ("First Kiss") and `film_slug` ("first-kiss", the
    film the home page and the "The film" link are about). Reads settings only, so it costs no query.
    """
    return {
        "site_name": settings.SITE_NAME,
        "film_title": settings.FILM_TITLE,
        "film_slug": settings.FILM_SLUG,
    }
