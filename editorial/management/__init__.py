"""Management commands of the editorial app."""
