"""Template filters for the claims' sources: `{% load sources %}`."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

UNPUBLISHED_SOURCE = mark_safe('<span class="source">a source not yet published</span>')


@register.filter
def source_link(passage):
    """Where a claim comes from, as safe HTML: a link to passage (a Passage) on its piece's page, named by the
    piece's source_label, once the piece is published; words saying the source is not published yet before,
    or when there is no passage (None or a missing variable, as the include this replaces said).

    A filter rather than an include: it runs once per claim listed, and the template engine would resolve
    six variables to say the same.
    """
    coverage = getattr(passage, "coverage", None)
    if coverage is None or not coverage.is_published:
        return UNPUBLISHED_SOURCE
    return format_html(
        '<a class="source" href="{}">{}</a>', passage.get_absolute_url(), coverage.source_label
    )
