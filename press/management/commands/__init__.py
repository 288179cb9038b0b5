"""make_archive: a synthetic archive of published rows, in a database of its own, for measuring."""
