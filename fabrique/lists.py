"""What the list pages of every app share."""


def is_filtered(query, *, sort=None):
    """Return whether the query string of a list asks for a filter: a value for any key but the page and the sort
    (`sort` names its key, when the list has one)."""
    return any(value for key, value in query.items() if key not in {"page", sort})
