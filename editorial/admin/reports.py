"""Reports editors work from in the admin."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse


class UncitedClaimsReport:
    """For the ModelAdmin of what claims cite (a passage): a page, at uncited-claims/ below its list, of every
    claim that cites nothing yet, grouped by model, each with a link to the form where it is fixed.

    claim_models maps each claim model to the relations its str() reads (for select_related); cited_field
    is the claims' foreign key to what they cite; origin_field the row a claim names as where it comes from.
    Staff who cannot view this admin's rows get a 403."""

    claim_models = {}
    cited_field = "passage"
    origin_field = "coverage"
    uncited_claims_template = "admin/editorial/uncited_claims.html"

    def get_urls(self):
        """uncited-claims/ (admin:<app>_uncited_claims) before the admin's own URLs."""
        name = f"{self.opts.app_label}_uncited_claims"
        uncited = path("uncited-claims/", self.admin_site.admin_view(self.uncited_claims), name=name)
        return [uncited, *super().get_urls()]

    def uncited_claims(self, request):
        """The report as a TemplateResponse; raises PermissionDenied without the view permission."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        groups = []
        for model, relations in self.claim_models.items():
            claims = model.objects.filter(**{f"{self.cited_field}__isnull": True}).select_related(*relations)
            url_name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            groups.append(
                {
                    "name": model._meta.verbose_name_plural,
                    "changelist": reverse(f"{url_name}_changelist") + "?cited=no",
                    "claims": [
                        {
                            "text": str(claim),
                            "piece": getattr(claim, self.origin_field, None),
                            "url": reverse(f"{url_name}_change", args=[claim.pk]),
                        }
                        for claim in claims
                    ],
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Uncited claims",
            "subtitle": None,
            "groups": groups,
            "total": sum(len(group["claims"]) for group in groups),
            "opts": self.opts,
        }
        return TemplateResponse(request, self.uncited_claims_template, context)
