from django.apps import AppConfig


class FabriqueConfig(AppConfig):
    name = "fabrique"
    verbose_name = "Comptes et rôles"
