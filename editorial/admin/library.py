"""The admins libraries register, mended where they fail: called from EditorialConfig.ready(), once every
admin module is registered."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin


class MendedAccessAttemptAdmin(AccessAttemptAdmin):
    """django-axes' list of sign-in attempts, whose "Clean up expired attempts" action works.

    The action reads request.axes_attempt_time, which django-axes sets only on a sign-in request; anywhere
    else it fails with AttributeError (jazzband/django-axes#1424). Unset, it counts the cool-off from now.
    """

    actions = ["cleanup_expired_attempts"]

    @admin.action(description="Clean up expired attempts")
    def cleanup_expired_attempts(self, request, queryset):
        """django-axes' action, with request.axes_attempt_time set to None when the request has none."""
        if not hasattr(request, "axes_attempt_time"):
            request.axes_attempt_time = None
        return super().cleanup_expired_attempts(request, queryset)


def mend_library_admins(site):
    """Replaces the admins of site that libraries registered with their mended versions above."""
    if isinstance(site._registry.get(AccessAttempt), AccessAttemptAdmin):
        site.unregister(AccessAttempt)
        site.register(AccessAttempt, MendedAccessAttemptAdmin)
