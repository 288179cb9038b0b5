from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils import feedgenerator

from editorial.validators import without_control_characters
from press.models import Coverage


def xml_safe(value):
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, list | tuple):
        return [xml_safe(item) for item in value]
    return value


class XmlSafeRssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 that leaves out what XML 1.0 cannot carry, from the channel and from every item: a row
    stored before editors' text was cleaned on save (or written by other means) must not take the feed
    down for everyone, as Django's XML writer refuses such characters with an exception."""

    def write(self, outfile, encoding):
        self.feed = {name: xml_safe(value) for name, value in self.feed.items()}
        self.items = [{name: xml_safe(value) for name, value in item.items()} for item in self.items]
        super().write(outfile, encoding)


class LatestCoverageFeed(Feed):
    feed_type = XmlSafeRssFeed
    title = f"{settings.SITE_NAME}: coverage"
    link = reverse_lazy("press:coverage-list")
    description = (
        f"The newest coverage of {settings.FILM_TITLE} added to the press room, each with its source."
    )

    def items(self):
        return Coverage.objects.published().select_related("outlet")[:50]

    def item_title(self, coverage):
        return coverage.headline

    def item_description(self, coverage):
        return f"{coverage.outlet_display}, {coverage.date_display}. {coverage.summary}"

    def item_author_name(self, coverage):
        return coverage.outlet_display
