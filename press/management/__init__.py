"""Management commands of the press app."""
