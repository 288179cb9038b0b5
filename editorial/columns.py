"""Which columns a query leaves in the database: a row's columns cost Python time to build into objects, not
only time to read, so a page reads the few it shows."""

import functools


def unread(model, reads):
    """The field paths (list of str, e.g. "recommender__image") of every concrete, non-key column that a query
    of model, following the relations named in reads, would read and reads does not name; for
    QuerySet.defer(). reads maps a relation path ("" for model itself, "recommender", "place__neighbourhood")
    to the names of the fields read there (a set of str). The foreign keys a path follows are kept.
    """
    return list(_unread(model, tuple(sorted((path, frozenset(names)) for path, names in reads.items()))))


@functools.cache
def _unread(model, reads):
    followed = {}
    for path, _names in reads:
        parts = path.split("__") if path else []
        for depth, name in enumerate(parts):
            followed.setdefault("__".join(parts[:depth]), set()).add(name)
    unread_paths = []
    for path, names in reads:
        related = model
        for name in path.split("__") if path else []:
            related = related._meta.get_field(name).related_model
        prefix = f"{path}__" if path else ""
        kept = names | followed.get(path, set())
        unread_paths += [
            f"{prefix}{field.name}"
            for field in related._meta.concrete_fields
            if not field.primary_key and field.name not in kept
        ]
    return tuple(unread_paths)
