"""The press app's public pages: the home page (the film at a glance), the coverage list and each piece,
a film's page and an outlet's. Every claim shown is published and comes with its source.
"""

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe
from django_filters.views import FilterView

from editorial.seo import page_meta
from editorial.views import PlainFilterWidgets, PublishedDetailView
from people.models import Person
from press.charts import milestone_chart
from press.filters import LIST_CAP, CoverageFilter
from press.highlight import highlighted_text
from press.models import Coverage, Credit, DatePrecision, Fact, Outlet, Quote, Recommendation, Work

MENTIONS_SHOWN = 20  # pieces listed on a film's page; the coverage list has them all


def cited(queryset):
    """A published claim queryset with what its source link shows, fetched in the same query."""
    return queryset.published().with_source()


def film_facts(work):
    """The published facts about work (a Work), with their sources and whom else they name."""
    return cited(work.facts.all()).select_related("person", "organization", "neighbourhood")


def movie_data(work, credits, request):
    """The schema.org Movie (a dict for JSON-LD) of work: title, logline, URLs, the people of credits (Credit
    rows) as director, producer, actor and musicBy, the year as dateCreated and the runtime as an ISO 8601
    duration (PT3M).
    """
    people = {}
    for credit in credits:
        people.setdefault(credit.role, []).append(
            {
                "@type": "Person",
                "name": credit.person.name,
                "url": request.build_absolute_uri(credit.person.get_absolute_url()),
            }
        )
    data = {
        "@type": "Movie",
        "name": work.title,
        "description": work.logline,
        "url": request.build_absolute_uri(work.get_absolute_url()),
        "image": request.build_absolute_uri(work.card_url),
        "director": people.get(Credit.Role.DIRECTOR, []),
        "producer": people.get(Credit.Role.PRODUCER, []),
        "actor": people.get(Credit.Role.CAST, []),
        "musicBy": people.get(Credit.Role.MUSIC, []),
    }
    if work.year:
        data["dateCreated"] = str(work.year)
    if work.runtime_minutes:
        data["duration"] = f"PT{work.runtime_minutes}M"
    return data


@require_safe
def home(request):
    """/: the film named by settings.FILM_SLUG at a glance: credits, the milestone chart, appearances,
    making-of and criticism facts, featured and latest coverage, and four recommendations of the L.A. guide.
    404 until that film is published. GET and HEAD only."""
    film = get_object_or_404(Work.objects.published().select_related("made_for"), slug=settings.FILM_SLUG)
    credits = list(Credit.objects.published().filter(work=film).with_source().select_related("person"))
    milestones = list(cited(film.milestones.all()).select_related("platform"))
    coverage = Coverage.objects.published().for_lists().select_related("outlet")
    return render(
        request,
        "press/home.html",
        {
            "film": film,
            "credits": credits,
            "milestones": milestones,
            "chart": milestone_chart(milestones),
            "appearances": cited(film.appearances.all()).select_related("outlet"),
            "facts": film_facts(film).filter(topic__in=[Fact.Topic.MAKING, Fact.Topic.CRITICISM]),
            "featured": coverage.filter(featured=True).order_by("feature_order", "headline"),
            "latest": coverage.with_text()[:5],
            "recommendations": cited(Recommendation.objects.all()).select_related(
                "place__neighbourhood", "recommender"
            )[:4],
            **page_meta(
                request,
                f"{film.title}: the press room",
                film.synopsis or film.logline,
                og_type="video.movie",
                card_url=film.card_url,
                structured_data=movie_data(film, credits, request),
            ),
        },
    )


class CappedPaginator(Paginator):
    """Pages through the first `cap` rows only, and counts no further than one past them.

    An exact count, and an OFFSET deep into the list, both cost a read of every row before the page; capped,
    page 50 costs what page 1 does whatever the size of the archive.
    """

    def __init__(self, *args, cap, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap
        self.is_capped = False

    @cached_property
    def count(self):
        """The number of rows, counted no further than cap (int); sets is_capped when there are more."""
        found = self.object_list.order_by()[: self.cap + 1].count()
        self.is_capped = found > self.cap
        return min(found, self.cap)


class CoverageListView(PlainFilterWidgets, FilterView):
    """/coverage/: published pieces, filtered, searched and sorted by CoverageFilter, 20 a page through
    the first LIST_CAP matches. A filter it does not understand gives the page with its error and status 400;
    a page past the end or malformed gives the nearest real page with a message.
    """

    filterset_class = CoverageFilter
    paginate_by = 20
    template_name = "press/coverage_list.html"
    page_message = ""

    def get_queryset(self):
        return Coverage.objects.published().for_lists().select_related("outlet")

    def get_paginator(self, queryset, per_page, **kwargs):
        """A CappedPaginator capped at LIST_CAP rows."""
        return CappedPaginator(queryset, per_page, cap=LIST_CAP, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        """An out-of-range or malformed page shows the nearest real page and says so, instead of a 404."""
        paginator = self.get_paginator(queryset, page_size)
        requested = self.request.GET.get("page") or "1"
        try:
            page = paginator.page(requested)
        except InvalidPage:
            past_the_end = requested.isdigit() and requested.strip("0") != ""
            number = paginator.num_pages if past_the_end else 1
            shown = requested if len(requested) <= 20 else requested[:20] + "…"
            if past_the_end and paginator.is_capped:
                self.page_message = (
                    f"The list pages through the first {LIST_CAP:,} pieces, so there is no page “{shown}”; "
                    f"showing page {number}, the last. Add a filter or a search word to reach the others."
                )
            else:
                self.page_message = (
                    f"There is no page “{shown}”; showing page {number} of {paginator.num_pages}."
                )
            page = paginator.page(number)
        return paginator, page, page.object_list, page.has_other_pages()

    def active_filters(self):
        """Each filter in use, with the address of the same list without it: how to loosen an empty result."""
        form = self.filterset.form
        active = []
        for name, value in self.request.GET.items():
            if name in form.fields and name != "sort" and value:
                rest = self.request.GET.copy()
                rest.pop(name)
                rest.pop("page", None)
                active.append(
                    {
                        "label": form.fields[name].label or name,
                        "value": value,
                        "without": f"?{rest.urlencode()}",
                    }
                )
        return active

    def render_to_response(self, context, **response_kwargs):
        """The page, with status 400 when a filter's value was not understood."""
        if self.filterset.form.errors:
            # The page still says which filter was not understood and how to fix it.
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, **kwargs):
        """The list's context, with page_message, active_filters and the page's metadata."""
        context = super().get_context_data(**kwargs)
        context["page_message"] = self.page_message
        context["active_filters"] = self.active_filters()
        context.update(
            page_meta(
                self.request,
                "Coverage",
                f"Everything the press wrote about {settings.FILM_TITLE}: filter by outlet, kind, stance, "
                "year, person, place or film, or search the text.",
                structured_data={"@type": "CollectionPage", "name": f"Coverage of {settings.FILM_TITLE}"},
            )
        )
        return context


def coverage_people(coverage):
    """Authors and people mentioned, in one query."""
    authored = Coverage.authors.through.objects.filter(coverage=coverage, person=OuterRef("pk"))
    mentioned = Coverage.mentioned_people.through.objects.filter(coverage=coverage, person=OuterRef("pk"))
    # Who to look at first, from the two link tables: testing every person would read all of them.
    linked = (
        Coverage.authors.through.objects.filter(coverage=coverage)
        .values("person")
        .union(Coverage.mentioned_people.through.objects.filter(coverage=coverage).values("person"))
    )
    return (
        Person.objects.published()
        .filter(pk__in=linked)
        .annotate(is_author=Exists(authored), is_mentioned=Exists(mentioned))
    )


def news_article_data(coverage, authors, request):
    """The schema.org NewsArticle (a dict for JSON-LD) of coverage: headline cut to 110 characters,
    summary, URLs, authors (Person rows), the outlet as publisher, datePublished as precise as the date is
    known, and the original URL as isBasedOn.
    """
    data = {
        "@type": "NewsArticle",
        "headline": coverage.headline[:110],
        "description": coverage.summary,
        "url": request.build_absolute_uri(coverage.get_absolute_url()),
        "image": [request.build_absolute_uri(coverage.card_url)],
        "author": [{"@type": "Person", "name": author.name} for author in authors],
        "about": {"@type": "Movie", "name": settings.FILM_TITLE},
    }
    if coverage.outlet:
        data["publisher"] = {"@type": "Organization", "name": coverage.outlet.name}
    if coverage.date:
        # ISO 8601 allows a date only as precise as it is known: 2014, 2014-03 or 2014-03-10.
        formats = {DatePrecision.DAY: "%Y-%m-%d", DatePrecision.MONTH: "%Y-%m", DatePrecision.YEAR: "%Y"}
        data["datePublished"] = coverage.date.strftime(formats[coverage.date_precision])
    if coverage.url:
        data["isBasedOn"] = coverage.url
    return data


def linked_pieces(coverage):
    """The pieces this one cites or is cited by, as one subquery over the links, which are indexed both ways;
    two subqueries joined by OR would make the database read every piece."""
    links = Coverage.cites.through.objects
    return (
        links.filter(from_coverage=coverage)
        .values("to_coverage")
        .union(links.filter(to_coverage=coverage).values("from_coverage"))
    )


class CoverageDetailView(PublishedDetailView):
    """/coverage/<slug>/: the piece, its text with every cited passage highlighted and anchored, its Q&A,
    the quotes drawn from it or first published in it, who and what it mentions, and the pieces it cites or
    that cite it.
    """

    queryset = Coverage.objects.select_related("outlet__parent")
    template_name = "press/coverage_detail.html"

    def get_context_data(self, **kwargs):
        coverage = self.object
        self.people = list(coverage_people(coverage))
        return super().get_context_data(
            **kwargs,
            text=highlighted_text(coverage.text, coverage.passages.all()),
            questions=coverage.questions.select_related("answered_by"),
            # Through the claim's own piece column, indexed, rather than a join through every passage.
            quotes=cited(Quote.objects.filter(Q(coverage=coverage) | Q(first_published_in=coverage)))
            .filter(passage__isnull=False)
            .select_related("speaker", "said_to_outlet", "said_to_person"),
            authors=self.authors,
            mentioned_people=[person for person in self.people if person.is_mentioned],
            mentioned_places=coverage.mentioned_places.published().select_related("neighbourhood"),
            mentioned_works=coverage.mentioned_works.published(),
            related=Coverage.objects.published()
            .for_lists()
            .filter(pk__in=linked_pieces(coverage))
            .exclude(pk=coverage.pk)
            .select_related("outlet"),
        )

    @property
    def authors(self):
        """The piece's published authors (Person rows), read with the people it mentions in
        get_context_data().
        """
        return [person for person in self.people if person.is_author]

    def get_page_meta(self):
        coverage = self.object
        return {
            "title": coverage.headline,
            "description": coverage.summary,
            "og_type": "article",
            "card_url": coverage.card_url,
            "structured_data": news_article_data(coverage, self.authors, self.request),
        }


class WorkDetailView(PublishedDetailView):
    """/films/<slug>/: the film, its credits, milestones (chart and table), appearances, facts (each with
    those that disagree) and the first MENTIONS_SHOWN pieces that mention it, with how many there are
    (counted to LIST_CAP + 1).
    """

    queryset = Work.objects.select_related("made_for")
    template_name = "press/work_detail.html"

    def get_context_data(self, **kwargs):
        work = self.object
        self.credits = list(
            Credit.objects.published().filter(work=work).with_source().select_related("person")
        )
        milestones = list(cited(work.milestones.all()).select_related("platform"))
        return super().get_context_data(
            **kwargs,
            credits=self.credits,
            milestones=milestones,
            chart=milestone_chart(milestones),
            appearances=cited(work.appearances.all()).select_related("outlet"),
            facts=film_facts(work).prefetch_related(
                Prefetch("disagrees_with", queryset=Fact.objects.published().with_source())
            ),
            coverage=work.mentioned_in.published().for_lists().select_related("outlet")[:MENTIONS_SHOWN],
            coverage_count=work.mentioned_in.published().order_by()[: LIST_CAP + 1].count(),
            coverage_cap=LIST_CAP,
        )

    def get_page_meta(self):
        work = self.object
        return {
            "title": work.title,
            "description": work.synopsis or work.logline,
            "og_type": "video.movie",
            "card_url": work.card_url,
            "structured_data": movie_data(work, self.credits, self.request),
        }


class OutletDetailView(PublishedDetailView):
    """/outlets/<slug>/: the outlet, its published child outlets, its 50 first pieces and the works that
    appeared on it.
    """

    queryset = Outlet.objects.select_related("parent")
    template_name = "press/outlet_detail.html"

    def get_context_data(self, **kwargs):
        outlet = self.object
        return super().get_context_data(
            **kwargs,
            children=outlet.children.published(),
            coverage=outlet.coverage.published().for_lists().select_related("outlet")[:50],
            appearances=cited(outlet.appearances.all()).select_related("work"),
        )

    def get_page_meta(self):
        outlet = self.object
        return {
            "title": outlet.name,
            "description": outlet.description or f"What {outlet.name} published about {settings.FILM_TITLE}.",
            "structured_data": {"@type": "NewsMediaOrganization", "name": outlet.name},
        }
