"""The feeds of coverage, RSS 2.0 at /coverage/feed/ and Atom at /coverage/feed/atom/: the newest published
pieces with when each went public and last changed, safe for XML whatever their text holds."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import feedgenerator

from editorial.validators import without_control_characters
from press.models import Coverage


def xml_safe(value):
    """value without what XML 1.0 cannot carry: a str cleaned (without_control_characters()), a list or tuple
    cleaned item by item, anything else as it is.
    """
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, list | tuple):
        return [xml_safe(item) for item in value]
    return value


class XmlSafeFeedMixin:
    """A Django feed generator that leaves out what XML 1.0 cannot carry, from the channel and from every
    item: a row stored before editors' text was cleaned on save (or written by other means) must not take
    the feed down for everyone, as Django's XML writer refuses such characters with an exception."""

    def write(self, outfile, encoding):
        """Writes the feed as Django does, after cleaning every value of the channel and its items."""
        self.feed = {name: xml_safe(value) for name, value in self.feed.items()}
        self.items = [{name: xml_safe(value) for name, value in item.items()} for item in self.items]
        super().write(outfile, encoding)


class XmlSafeRssFeed(XmlSafeFeedMixin, feedgenerator.Rss201rev2Feed):
    """RSS 2.0, XML-safe (XmlSafeFeedMixin). Each item's <pubDate> only: RSS 2.0 has no element for the
    last change, so Django's generator leaves updateddate out."""


class XmlSafeAtomFeed(XmlSafeFeedMixin, feedgenerator.Atom1Feed):
    """Atom 1.0 (RFC 4287), XML-safe (XmlSafeFeedMixin): each entry's <published> and <updated>."""


class LatestCoverageFeed(Feed):
    """RSS 2.0 of the 50 first published pieces in the coverage list's order (newest date first, undated
    last): headline, outlet and date with the summary, the outlet as author, when it went public.
    """

    feed_type = XmlSafeRssFeed
    title = f"{settings.SITE_NAME}: coverage"
    description = (
        f"The newest coverage of {settings.FILM_TITLE} added to the press room, each with its source."
    )

    # Every link is made absolute here with the request's host, as the pages' canonical links are: Django's
    # Feed would prefix the domain of the sites framework's Site (installed for redirects), not the host.

    def get_object(self, request, *args, **kwargs):
        """The request itself: what link(), feed_url() and items() make their absolute links with."""
        return request

    def link(self, request):
        """The coverage list's absolute address."""
        return request.build_absolute_uri(reverse("press:coverage-list"))

    def feed_url(self, request):
        """The feed's own absolute address, without a query string."""
        return request.build_absolute_uri(request.path)

    def items(self, request):
        """The 50 pieces, each with its absolute address as `feed_link`."""
        pieces = list(Coverage.objects.published().select_related("outlet")[:50])
        for piece in pieces:
            piece.feed_link = request.build_absolute_uri(piece.get_absolute_url())
        return pieces

    def item_link(self, coverage):
        return coverage.feed_link

    def item_title(self, coverage):
        return coverage.headline

    def item_description(self, coverage):
        """ "<outlet>, <date as the sources give it>. <summary>"."""
        return f"{coverage.outlet_display}, {coverage.date_display}. {coverage.summary}"

    def item_author_name(self, coverage):
        """The outlet's name (or words saying the copy names none): the piece's authors are
        not read, which would cost a query per item.
        """
        return coverage.outlet_display

    def item_pubdate(self, coverage):
        """When the piece went public on the site (an aware datetime): its published_at, or, when none was
        set (public at once), when the row was made."""
        return coverage.published_at or coverage.created_at

    def item_updateddate(self, coverage):
        """When the row last changed (an aware datetime, updated_at): Atom's <updated>; RSS has no place
        for it."""
        return coverage.updated_at


class LatestCoverageAtomFeed(LatestCoverageFeed):
    """The same pieces as LatestCoverageFeed in Atom 1.0, which carries each entry's last change (<updated>)
    beside when it went public (<published>); the description becomes the Atom subtitle."""

    feed_type = XmlSafeAtomFeed
    subtitle = LatestCoverageFeed.description
