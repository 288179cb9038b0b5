"""What every public page tells browsers, search engines and link previews about itself."""

import json

from django.conf import settings
from django.utils.safestring import mark_safe

JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def page_meta(request, title, description, *, og_type="website", card_url=None, structured_data=None):
    """Context for base.html: title, description, canonical link, OpenGraph/Twitter tags and JSON-LD."""
    canonical = request.build_absolute_uri(request.path)
    data = {"@context": "https://schema.org", **structured_data} if structured_data else None
    return {
        "meta": {
            "title": title,
            "description": " ".join(description.split())[:300],
            "canonical": canonical,
            "og_type": og_type,
            "image": request.build_absolute_uri(card_url) if card_url else None,
            "site_name": settings.SITE_NAME,
            "jsonld": mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))
            if data
            else None,
        }
    }


def visible(queryset, request):
    """Visitors see published rows only; staff also see drafts, to preview them."""
    return queryset.all() if request.user.is_staff else queryset.published()
