from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy

from press.models import Coverage


class LatestCoverageFeed(Feed):
    title = "First Kiss press room: coverage"
    link = reverse_lazy("press:coverage-list")
    description = "The newest coverage of First Kiss added to the press room, each with its source."

    def items(self):
        return Coverage.objects.published().select_related("outlet")[:50]

    def item_title(self, coverage):
        return coverage.headline

    def item_description(self, coverage):
        return f"{coverage.outlet_display}, {coverage.date_display}. {coverage.summary}"

    def item_author_name(self, coverage):
        return coverage.outlet_display
