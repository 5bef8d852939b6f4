"""Search that ignores case and accents, on SQLite and PostgreSQL alike.

Both sides of the comparison are folded: the stored text by the `__fold` transform (PostgreSQL's `unaccent`
extension, or a Python function registered on each SQLite connection), the searched words in Python.

A search is bounded: each word adds a condition that every row is tested against, so a visitor pasting a whole page
into a search field would hold a worker for seconds. Only the first MAX_SEARCH_LENGTH characters and, of them, the
first MAX_SEARCH_WORDS words are searched.
"""

import re
import unicodedata
from functools import reduce
from operator import and_, or_

from django.db import NotSupportedError, connection
from django.db.models import CharField, Q, TextField, Transform

MAX_SEARCH_LENGTH = 100
MAX_SEARCH_WORDS = 8


def fold(text):
    """Return `text` lower-cased and without accents: « Réemploi » becomes « reemploi »."""
    if text is None:
        return None
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def squash(text):
    """Return `text` folded and reduced to its letters and digits, so that names differing only by case, accents,
    spaces, hyphens or apostrophes compare equal: « Bain de Bretagne » and « Bain-de-Bretagne » give
    « baindebretagne »."""
    return re.sub(r"[\W_]", "", fold(text or ""))


# The plural endings folded on SQLite, tried in this order: « réseaux » → « réseau », « locaux » → « local »,
# « épiceries » → « épicerie », « lieux » → « lieu ». Words of three letters or fewer (« des », « bus », « gaz ») and
# words in « ss » (« cross ») are left as they are.
PLURAL_ENDINGS = [("eaux", "eau"), ("aux", "al"), ("s", ""), ("x", "")]
WORD = re.compile(r"\w{4,}")


def singular(word):
    """Return a folded `word` without its simple French plural ending: the same rule folds the searched words and
    the searched text, so that a plural and its singular meet, whatever irregular word the rule gets wrong."""
    if word.endswith("ss"):
        return word
    for plural, replacement in PLURAL_ENDINGS:
        if word.endswith(plural):
            return word[: -len(plural)] + replacement
    return word


def fold_plurals(text):
    """Return fold(text) with each word's simple plural folded (see `singular`)."""
    if text is None:
        return None
    return WORD.sub(lambda match: singular(match[0]), fold(text))


@CharField.register_lookup
@TextField.register_lookup
class Fold(Transform):
    lookup_name = "fold"
    output_field = TextField()

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        # fabrique_unaccent() is unaccent() made indexable (fabrique/migrations/0004_search_functions.py).
        return f"lower(fabrique_unaccent({sql}))", params

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"fold({sql})", params


@CharField.register_lookup
@TextField.register_lookup
class Squash(Transform):
    """The stored text as `squash` gives it: folded, letters and digits only."""

    lookup_name = "squash"
    output_field = TextField()

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"regexp_replace(lower(fabrique_unaccent({sql})), '[^[:alnum:]]', '', 'g')", params

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"squash({sql})", params


@CharField.register_lookup
@TextField.register_lookup
class FoldPlurals(Transform):
    """The text folded, and each of its words without its simple plural ending: on SQLite, where the catalogue
    search has no French stemming (PostgreSQL's stemming finds the plurals there: projects.filters.search_projects).
    """

    lookup_name = "fold_plurals"
    output_field = TextField()

    def as_sql(self, compiler, connection):
        raise NotSupportedError("fold_plurals exists on SQLite only: PostgreSQL stems the searched words instead.")

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"fold_plurals({sql})", params


def register_fold_on_sqlite(sender, connection, **kwargs):
    """Give each SQLite connection the `fold()`, `squash()` and `fold_plurals()` functions (connected to
    `connection_created`)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("fold", 1, fold, deterministic=True)
        connection.connection.create_function("squash", 1, squash, deterministic=True)
        connection.connection.create_function("fold_plurals", 1, fold_plurals, deterministic=True)


def bounded(text):
    """Return the part of a searched `text` that is searched: its first MAX_SEARCH_LENGTH characters."""
    return (text or "")[:MAX_SEARCH_LENGTH]


def search_words(text):
    """Return the words searched for in `text`, folded: at most MAX_SEARCH_WORDS, from its bounded part."""
    return fold(bounded(text)).split()[:MAX_SEARCH_WORDS]


def search_filter(fields, text):
    """Return a filter matching the rows where each word of `text` appears in one of `fields` (the first
    MAX_SEARCH_WORDS words of its first MAX_SEARCH_LENGTH characters: see `search_words`).

    On SQLite, a plural and its singular find each other: both sides are compared without their simple plural
    endings (PostgreSQL stems the catalogue's words instead: projects.filters.search_projects).
    """
    words = search_words(text)
    if not words:
        return Q()
    plurals = connection.vendor == "sqlite"
    lookup, words = ("fold_plurals", [fold_plurals(word) for word in words]) if plurals else ("fold", words)
    return reduce(
        and_, (reduce(or_, (Q(**{f"{field}__{lookup}__contains": word}) for field in fields)) for word in words)
    )
