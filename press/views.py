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


# What a page reads of each piece it lists (includes/coverage_item.html): nothing else is loaded.
def film_credits(work):
    """The published credits of work (a Work), in their order, as a list of Credit rows with the person's
    name and slug, the role, the credited name and the source: what includes/credits.html and movie_data()
    read."""
    credits = Credit.objects.published().filter(work=work).select_related("person")
    # In their order within the one work: ordering by the work too (Meta.ordering) would join it for nothing.
    return list(
        credits.showing("role", "credited_as", "person__name", "person__slug").order_by("order", "pk")
    )


def film_milestones(work):
    """The published view milestones of work (a Work), fewest views first, as a list of Milestone rows with
    what the chart and the table read (includes/milestone_chart.html, includes/milestones.html)."""
    return list(
        work.milestones.published()
        .select_related("platform")
        .showing(
            "views",
            "views_wording",
            "days_after_posting",
            "date",
            "date_precision",
            "date_wording",
            "platform__name",
        )
        .order_by("views", "pk")
    )


def film_appearances(work):
    """The published appearances of work (a Work), in their order, with the outlet's name and slug and the
    source (includes/appearances.html)."""
    return (
        work.appearances.published()
        .select_related("outlet")
        .showing("description", "date_wording", "outlet__name", "outlet__slug")
        .order_by("order", "pk")
    )


# What includes/facts.html reads of a fact, besides its source.
FACT_FIELDS = (
    "statement",
    "topic",
    "organization__name",
    "organization__slug",
    "neighbourhood__name",
    "neighbourhood__slug",
)


def film_facts(work):
    """The published facts about work (a Work), with their sources and the organization or neighbourhood
    they name (what includes/facts.html reads)."""
    return work.facts.published().select_related("organization", "neighbourhood").showing(*FACT_FIELDS)


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
    credits = film_credits(film)
    milestones = film_milestones(film)
    coverage = Coverage.objects.published().for_lists()
    return render(
        request,
        "press/home.html",
        {
            "film": film,
            "credits": credits,
            "milestones": milestones,
            "chart": milestone_chart(milestones),
            "appearances": film_appearances(film),
            "facts": film_facts(film).filter(topic__in=[Fact.Topic.MAKING, Fact.Topic.CRITICISM]),
            "featured": coverage.filter(featured=True).order_by("feature_order", "headline"),
            "latest": coverage.with_text()[:5],
            "recommendations": Recommendation.objects.published()
            .select_related("place__neighbourhood", "recommender")
            .showing(
                "occasion",
                "in_their_words",
                "place__name",
                "place__slug",
                "place__category",
                "place__neighbourhood__name",
                "recommender__name",
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

    def __init__(self, *args, cap, counted=None, **kwargs):
        """counted: the rows to count when object_list holds only those its pages need (a search's best
        matches, CoverageFilter.matches); object_list itself when None."""
        super().__init__(*args, **kwargs)
        self.cap = cap
        self.counted = self.object_list if counted is None else counted
        self.is_capped = False

    @cached_property
    def count(self):
        """The number of rows, counted no further than cap (int); sets is_capped when there are more."""
        found = self.counted.order_by()[: self.cap + 1].count()
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
        return Coverage.objects.published().for_lists()

    def get_filterset(self, filterset_class):
        """The CoverageFilter, told how many rows the page asked for needs in order (its rows_wanted)."""
        filterset = super().get_filterset(filterset_class)
        requested = self.request.GET.get("page") or "1"
        try:
            number = int(requested) if len(requested) < 8 else None
        except ValueError:
            number = 1  # not a number: page 1 is shown (paginate_queryset())
        if number is not None and number > 0:
            # A page past the end is shown as the last, which ends sooner.
            filterset.rows_wanted = self.paginate_by * number
        return filterset

    def get_paginator(self, queryset, per_page, **kwargs):
        """A CappedPaginator capped at LIST_CAP rows, counting a search's matches (CoverageFilter.matches)."""
        return CappedPaginator(queryset, per_page, cap=LIST_CAP, counted=self.filterset.matches, **kwargs)

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
        .only("name", "slug")
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

    # The search document is the database's alone: the page shows the text itself.
    queryset = Coverage.objects.select_related("outlet__parent").defer("search_document")
    template_name = "press/coverage_detail.html"

    def get_context_data(self, **kwargs):
        coverage = self.object
        self.people = list(coverage_people(coverage))
        # Each list loads what the page shows of it, and is ordered within this one piece: the models' own
        # orderings start with the piece, which would join it for nothing.
        return super().get_context_data(
            **kwargs,
            text=highlighted_text(coverage.text, coverage.passages.only("slug", "text").order_by("pk")),
            questions=coverage.questions.select_related("answered_by")
            .only("order", "question", "answer", "answered_by__name")
            .order_by("order", "pk"),
            # Through the claim's own piece column, indexed, rather than a join through every passage.
            quotes=Quote.objects.filter(Q(coverage=coverage) | Q(first_published_in=coverage))
            .published()
            .filter(passage__isnull=False)
            .select_related("speaker", "said_to_outlet", "said_to_person")
            .showing(
                "words",
                "mode",
                "speaker_description",
                "speaker__name",
                "speaker__slug",
                "said_to_outlet__name",
                "said_to_person__name",
            ),
            authors=self.authors,
            mentioned_people=[person for person in self.people if person.is_mentioned],
            mentioned_places=coverage.mentioned_places.published()
            .select_related("neighbourhood")
            .only("name", "slug", "category", "neighbourhood__name"),
            mentioned_works=coverage.mentioned_works.published().only("title", "slug"),
            related=Coverage.objects.published()
            .for_lists()
            .filter(pk__in=linked_pieces(coverage))
            .exclude(pk=coverage.pk),
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
        self.credits = film_credits(work)
        milestones = film_milestones(work)
        return super().get_context_data(
            **kwargs,
            credits=self.credits,
            milestones=milestones,
            chart=milestone_chart(milestones),
            appearances=film_appearances(work),
            facts=film_facts(work).prefetch_related(
                # A list on each fact (includes/facts.html reads `disagreements`): asking the relation for
                # its prefetched rows would build a related manager per fact.
                Prefetch(
                    "disagrees_with",
                    queryset=Fact.objects.published().showing("statement"),
                    to_attr="disagreements",
                )
            ),
            coverage=work.mentioned_in.published().for_lists()[:MENTIONS_SHOWN],
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
            coverage=outlet.coverage.published().for_lists()[:50],
            appearances=outlet.appearances.published()
            .select_related("work")
            .showing("description", "work__title", "work__slug"),
        )

    def get_page_meta(self):
        outlet = self.object
        return {
            "title": outlet.name,
            "description": outlet.description or f"What {outlet.name} published about {settings.FILM_TITLE}.",
            "structured_data": {"@type": "NewsMediaOrganization", "name": outlet.name},
        }
