"""Search that ignores case and accents, on SQLite and PostgreSQL alike.

Both sides of the comparison are folded: the stored text by the `__fold` transform (PostgreSQL's `unaccent`
extension, or a Python function registered on each SQLite connection), the searched words in Python.
"""

import unicodedata
from functools import reduce
from operator import and_, or_

from django.db.models import CharField, Q, TextField, Transform


def fold(text):
    """Return `text` lower-cased and without accents: « Réemploi » becomes « reemploi »."""
    if text is None:
        return None
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


@CharField.register_lookup
@TextField.register_lookup
class Fold(Transform):
    lookup_name = "fold"
    output_field = TextField()

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"lower(unaccent({sql}))", params

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"fold({sql})", params


def register_fold_on_sqlite(sender, connection, **kwargs):
    """Give each SQLite connection the `fold()` function (connected to `connection_created`)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("fold", 1, fold, deterministic=True)


def search_filter(fields, text):
    """Return a filter matching the rows where each word of `text` appears in one of `fields`."""
    words = fold(text or "").split()
    if not words:
        return Q()
    return reduce(and_, (reduce(or_, (Q(**{f"{field}__fold__contains": word}) for field in fields)) for word in words))
