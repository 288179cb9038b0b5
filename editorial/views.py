"""What every public page shares: one row's page (published, or a staff preview of a draft), social card
images, and robots.txt."""

import functools

from django.apps import apps
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from editorial import cards
from editorial.models import Draft, SocialCardMixin
from editorial.renderers import plain_widget_renderer
from editorial.seo import page_meta, visible
from editorial.versions import RestoreRefused, apply_draft, in_rolled_back_copy


@functools.cache
def form_class_made_once(filterset_class):
    """A subclass of filterset_class (a django-filter FilterSet) whose form class is made once, here.

    django-filter makes the form class anew for each filterset, so for each request: a field for each filter,
    then a class of them, before the form copies those fields once more. That is the same class each time for
    a filterset whose filters take nothing from the request (fixed choices, or a queryset given as a callable,
    which PlainFilterWidgets asks again for each form), as the public pages' filters do; each form still gets
    fields of its own.
    """
    form_class = filterset_class().get_form_class()
    return type(
        filterset_class.__name__,
        (filterset_class,),
        {
            "__module__": filterset_class.__module__,
            "__doc__": filterset_class.__doc__,
            "get_form_class": lambda self: form_class,
        },
    )


class PlainFilterWidgets:
    """For a django-filter FilterView whose filters take nothing from the request: its form class is made once
    (form_class_made_once()), and its inputs and selects are written without the template engine
    (editorial.renderers); the same HTML at a fraction of the cost."""

    def get_filterset(self, filterset_class):
        """The view's filterset, its form rendered by plain_widget_renderer."""
        filterset = super().get_filterset(form_class_made_once(filterset_class))
        filterset.form.renderer = plain_widget_renderer
        for name, filter_ in filterset.filters.items():
            # A choice of rows given as a callable depends on the moment (what is published now): the form
            # class made once holds the rows of its first request, so each form asks again.
            if callable(getattr(filter_, "queryset", None)) and name in filterset.form.fields:
                filterset.form.fields[name].queryset = filter_.get_queryset(self.request)
        return filterset


class PublishedDetailView(DetailView):
    """The public page of one row, found by its slug in the URL.

    Visitors get it once the row is published (a 404 before); staff also get drafts, to preview them, with
    the draft banner (`draft` in the context, see base.html), and a row on the site as its open Draft (of
    editorial.models) would leave it, with a banner saying the public sees the published version.
    The page's title, description, card and structured data come from get_page_meta(). GET and HEAD only:
    anything else is a 405."""

    http_method_names = ["get", "head"]

    def get_queryset(self):
        return visible(super().get_queryset(), self.request)

    def get_page_meta(self):
        """A dict of editorial.seo.page_meta()'s keyword arguments: title and description (str), and
        optionally og_type, card_url and structured_data (a schema.org dict)."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        """The page; for staff, a row with an open draft is shown as the draft leaves it (the rows are changed
        in a transaction rolled back once the page is rendered, so nothing else sees it)."""
        if not request.user.is_staff:
            return super().get(request, *args, **kwargs)
        self.object = self.get_object()
        draft = Draft.open_for(self.object) if hasattr(self.object, "is_published") else None
        if draft is None:
            return self.render_to_response(self.get_context_data(object=self.object))
        with in_rolled_back_copy():
            try:
                apply_draft(draft, self.object, request.user)
                self.object = self.get_queryset().get(pk=self.object.pk)
                self.draft_preview = draft
            except (RestoreRefused, type(self.object).DoesNotExist):
                pass
            response = self.render_to_response(self.get_context_data(object=self.object))
            response.render()
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["draft"] = not getattr(self.object, "is_published", True)
        context["draft_preview"] = getattr(self, "draft_preview", None)
        return {**context, **page_meta(self.request, **self.get_page_meta())}


@functools.cache
def card_models():
    """{CARD_KIND: model} for every installed model with a social card."""
    return {
        model.CARD_KIND: model
        for model in apps.get_models()
        if issubclass(model, SocialCardMixin) and model.CARD_KIND
    }


@require_safe
def card(request, kind, slug):
    """The social card of a published row as a PNG (1200 x 630 pixels), cached by browsers for a day;
    404 for an unknown kind or a row the public cannot see."""
    model = card_models().get(kind)
    if model is None:
        raise Http404("No such kind of card.")
    queryset = model.objects.published()
    if model.CARD_SELECT_RELATED:
        queryset = queryset.select_related(*model.CARD_SELECT_RELATED)
    instance = get_object_or_404(queryset, slug=slug)
    path = cards.card_file(kind, slug, *instance.card_text())
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def robots_txt(request):
    """robots.txt: every page but the admin may be crawled; the sitemap's absolute URL."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
