"""The people app's configuration."""

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """The people app, shown in the admin as "People and places"."""

    name = "people"
    verbose_name = "People and places"
