"""press's models, one module per concern; imported here so that Django finds them and code can say
`from press.models import Coverage`."""

from press.models.catalogue import Credit, Outlet, Work
from press.models.claims import Appearance, Fact, Milestone, Quote, Recommendation
from press.models.coverage import Coverage, InterviewQuestion
from press.models.dates import DatePrecision, VaguelyDated
from press.models.provenance import Cited, Passage

__all__ = [
    "Appearance",
    "Cited",
    "Coverage",
    "Credit",
    "DatePrecision",
    "Fact",
    "InterviewQuestion",
    "Milestone",
    "Outlet",
    "Passage",
    "Quote",
    "Recommendation",
    "VaguelyDated",
    "Work",
]
