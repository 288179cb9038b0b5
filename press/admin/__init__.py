"""press's admins, one module per concern; admin.autodiscover() imports this package, which registers them."""

from press.admin import catalogue, claims, coverage, provenance

__all__ = ["catalogue", "claims", "coverage", "provenance"]
