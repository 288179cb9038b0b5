"""The filter forms of /coverage/ and /places/ are written by editorial.renderers without the template engine:
a visitor gets the same HTML, byte for byte, whatever the query string holds."""

import pytest
from django.forms.renderers import get_default_renderer
from django.http import QueryDict
from django.utils.safestring import mark_safe

from editorial.renderers import plain_widget_renderer
from people.filters import PlaceFilter
from press.filters import CoverageFilter
from tests.story import SILVER_LAKE

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "q=first+kiss&outlet=the-guardian&kind=column&stance=critical&year=2014&sort=oldest&work=first-kiss",
    "q=\"<b>a & b</b>\"&outlet=<script>&kind=zz&stance=&year=abc&person='x'&place=%00&sort=<>&work=nope",
    f"neighbourhood={SILVER_LAKE}&category=restaurant",
    'neighbourhood="><&category=<i>',
]


@pytest.mark.parametrize("filterset_class", [CoverageFilter, PlaceFilter])
@pytest.mark.parametrize("query", QUERIES)
def test_filter_forms_render_as_django_templates_do(filterset_class, query):
    form = filterset_class(QueryDict(query)).form
    form.is_valid()
    for field in form:
        django = field.as_widget()
        form.renderer = plain_widget_renderer
        plain = field.as_widget()
        form.renderer = get_default_renderer()
        assert plain == django


def test_values_marked_safe_are_written_as_they_are():
    """A value marked safe is not escaped again, as Django's stringformat filter keeps it."""
    context = {
        "widget": {
            "type": "text",
            "name": "q",
            "value": mark_safe("a &amp; b"),
            "attrs": {"placeholder": mark_safe("&lt;"), "required": True, "disabled": False, "maxlength": 20},
            "template_name": "django/forms/widgets/text.html",
        }
    }
    template = "django/forms/widgets/text.html"
    assert plain_widget_renderer.render(template, context) == get_default_renderer().render(template, context)
