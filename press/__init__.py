"""What was published about the film: outlets, works and credits, coverage, claims (quotes, milestones,
recommendations, facts) and the passages they cite; their pages, feed, filters and admins.

Builds on editorial/ and people/."""
