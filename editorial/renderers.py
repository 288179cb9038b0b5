"""A form renderer for the public pages' filter forms: Django's own, with its plain inputs and selects written
in Python.

Django renders each widget through its template engine: a select is a template that includes one template
per option and, for the widget and each option, another for the attributes. On the coverage list and the L.A.
guide that was a quarter of the page's time, for a few lines of HTML. The functions below write the same
bytes as Django's templates (django/forms/widgets/input.html, select.html, select_option.html and attrs.html,
whose output the renderer strips); any other template, or a value they were not written for, goes to
Django's templates as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe


class NotPlain(Exception):
    """A widget context the functions below do not write byte for byte like Django's templates."""


def text(value):
    """What {{ value }} writes for a str (escaped unless marked safe); NotPlain for anything else, which the
    template language would localize or call."""
    if not isinstance(value, str):
        raise NotPlain
    return conditional_escape(value)


def formatted(value):
    """What {{ value|stringformat:'s' }} writes: str() of the value, escaped unless it was marked safe (the
    filter keeps a safe value safe); NotPlain for a tuple, which the filter formats otherwise."""
    if isinstance(value, tuple):
        raise NotPlain
    return str(value) if isinstance(value, SafeData) else escape(str(value))


def attributes(attrs):
    """django/forms/widgets/attrs.html: ` name="value"` each, True as the bare name, False left out."""
    written = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            written.append(f" {text(name)}")
        else:
            written.append(f' {text(name)}="{formatted(value)}"')
    return "".join(written)


def plain_input(widget):
    """django/forms/widgets/input.html (text.html, number.html... include it)."""
    value = "" if widget["value"] is None else f' value="{formatted(widget["value"])}"'
    kind, name = text(widget["type"]), text(widget["name"])
    return f'<input type="{kind}" name="{name}"{value}{attributes(widget["attrs"])}>'


def plain_option(option):
    """django/forms/widgets/select_option.html."""
    if option["template_name"] != "django/forms/widgets/select_option.html":
        raise NotPlain
    return (
        f'<option value="{formatted(option["value"])}"{attributes(option["attrs"])}>'
        f"{text(option['label'])}</option>"
    )


def plain_select(widget):
    """django/forms/widgets/select.html, with each option's template included (its last newline kept)."""
    html = [f'<select name="{text(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{text(group_name)}">')
        for option in group_choices:
            html.append(f"\n  {plain_option(option)}\n")
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


PLAIN = {
    **{f"django/forms/widgets/{name}.html": plain_input for name in ("input", "text", "number", "search")},
    "django/forms/widgets/select.html": plain_select,
}


class PlainWidgetRenderer(DjangoTemplates):
    """Django's default form renderer, writing plain inputs and selects (PLAIN) without its template engine;
    the same HTML, byte for byte."""

    def render(self, template_name, context, request=None):
        """The rendered template (str): from PLAIN when it writes this one, else Django's template."""
        writer = PLAIN.get(template_name)
        if writer is not None and set(context) == {"widget"}:
            try:
                return mark_safe(writer(context["widget"]).strip())
            except NotPlain:
                pass
        return super().render(template_name, context, request)


# One renderer for every form that asks, as Django keeps one default: its template engine is made once.
plain_widget_renderer = PlainWidgetRenderer()
