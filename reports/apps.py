from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Statistiques du réseau"

    def ready(self):
        from reports.freshness import watch_connection

        connection_created.connect(watch_connection, dispatch_uid="reports.watch_connection")
