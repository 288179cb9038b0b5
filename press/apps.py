"""The press app's configuration."""

from django.apps import AppConfig


class PressConfig(AppConfig):
    """The press app, shown in the admin as "Press"."""

    name = "press"
    verbose_name = "Press"
