"""The admin's base classes for every app: hardening (never a 500, nothing lost), the audit trail and the
publication workflow, inlines for long lists, the uncited claims report, and two-factor sign-in (its pages and
the admin of staff accounts' second factors, registered here). People and press build their
admins on these; `from editorial.admin import PublishableAdmin` is the way in. The accounts pages (sign-in
lockouts, your sign-ins) are views of their own, in editorial.admin.accounts."""

from editorial.admin.filters import MostUsedRelatedFieldListFilter
from editorial.admin.hardening import BadListAddress, HardenedAdmin
from editorial.admin.inlines import FetchedChoicesInline
from editorial.admin.reports import UncitedClaimsReport
from editorial.admin.twofactor import TwoFactorAccountAdmin
from editorial.admin.workflow import (
    AuditedAdmin,
    IllustratedAdmin,
    PublicationFilter,
    PublishableAdmin,
    row_change_action,
    stamp,
    with_disabled_fields,
)

__all__ = [
    "AuditedAdmin",
    "BadListAddress",
    "FetchedChoicesInline",
    "HardenedAdmin",
    "IllustratedAdmin",
    "MostUsedRelatedFieldListFilter",
    "PublicationFilter",
    "PublishableAdmin",
    "TwoFactorAccountAdmin",
    "UncitedClaimsReport",
    "row_change_action",
    "stamp",
    "with_disabled_fields",
]
