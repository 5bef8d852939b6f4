"""The figures are kept in the cache until a fact they count changes.

Every statement that writes to a table of the apps whose rows the figures count (territories, needs, projects,
partners) is seen on its way to the database, whichever code sent it: a form, a transition, the import's bulk
writes, the admin. Once its transaction commits, the single `FiguresVersion` row's number grows by one. Figures are
cached under the number read before they were computed: figures computed from older facts are filed under an older
number, and no request reads them again. Writing the number after the commit, in its own short statement, holds no
lock while the writing transaction runs.
"""

import hashlib
import re

from django.apps import apps
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import F

from reports.models import FiguresVersion

# The apps whose rows the figures count (their many-to-many tables included).
COUNTED_APPS = ["territories", "needs", "projects", "partners"]
# How long cached figures are kept, at most, even when nothing changes: a day, so that a change made outside the
# application (by hand in the database) shows the next day.
TIMEOUT = 24 * 3600

WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w]+)"?', re.IGNORECASE)


def counted_tables():
    return {
        model._meta.db_table
        for label in COUNTED_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


class WriteWatcher:
    """A database execute wrapper that notes, for after the commit, every write to a counted table."""

    def __init__(self):
        self.tables = None

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        match = WRITE.match(sql)
        if match:
            if self.tables is None:
                self.tables = counted_tables()
            if match[1] in self.tables:
                transaction.on_commit(figures_changed, using=context["connection"].alias)
        return result


watch_writes = WriteWatcher()


def watch_connection(sender, connection, **kwargs):
    """Watch the writes of each new database connection (connected to `connection_created`)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def figures_changed():
    try:
        FiguresVersion.objects.filter(pk=1).update(number=F("number") + 1)
    except DatabaseError:
        # The migrations that write reference data run before the one that creates this table: until it exists,
        # no figure is cached, and there is nothing to make stale. (After a commit, no transaction is left broken.)
        pass


def cached_figures(key, compute):
    """Return the figures that `compute()` returns for `key` (a tuple of what they depend on), from the cache while
    no fact they count has changed since they were computed."""
    number = FiguresVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    if number is None:
        # Without its row (a database emptied by hand), nothing tells the cache is fresh: compute every time.
        return compute()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    cache_key = f"statistiques:{number}:{digest}"
    figures = cache.get(cache_key)
    if figures is None:
        figures = compute()
        cache.set(cache_key, figures, TIMEOUT)
    return figures
