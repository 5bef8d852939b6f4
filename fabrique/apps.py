from django.apps import AppConfig
from django.db.backends.signals import connection_created


class FabriqueConfig(AppConfig):
    name = "fabrique"
    verbose_name = "Comptes et rôles"

    def ready(self):
        from fabrique.search import register_fold_on_sqlite

        connection_created.connect(register_fold_on_sqlite)
