import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from fabrique.volume import VOLUME_ACCOUNTS, VOLUME_PASSWORD, Sizes, VolumeBuilder
from needs.models import Need
from territories.models import Commune, Structure


class Command(BaseCommand):
    help = (
        "Remplit une base vide avec les données d'un grand réseau après dix ans (besoins, projets, historique, "
        "activités, partenaires), pour mesurer les pages à cette échelle. Usage local uniquement."
    )

    def add_arguments(self, parser):
        defaults = Sizes()
        parser.add_argument("--needs", type=int, default=defaults.needs, help="Nombre de besoins.")
        parser.add_argument("--projects", type=int, default=defaults.projects, help="Nombre de projets.")
        parser.add_argument("--activities", type=int, default=defaults.activities, help="Nombre d'activités lancées.")
        parser.add_argument(
            "--organizations", type=int, default=defaults.organizations, help="Nombre d'organisations partenaires."
        )
        parser.add_argument(
            "--involvements", type=int, default=defaults.involvements, help="Nombre d'implications de partenaires."
        )
        parser.add_argument(
            "--history",
            type=int,
            default=defaults.history,
            help="Nombre de lignes d'historique (besoins et projets), complété par des notes.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Graine du tirage : la même donne les mêmes données.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Accepter de s'exécuter alors que DEBUG est désactivé (configuration de production).",
        )

    def handle(self, *args, force=False, seed=1, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusé : DEBUG est désactivé, cette configuration ressemble à une production. "
                "Ces données sont fictives et les comptes ont un mot de passe public. "
                "Relancez avec --force si vous êtes sûr."
            )
        sizes = Sizes(**{field: options[field] for field in Sizes.__dataclass_fields__})
        if any(value < 0 for value in vars(sizes).values()):
            raise CommandError("Les nombres demandés ne peuvent pas être négatifs.")
        if sizes.organizations > 1_000_000:
            raise CommandError("Un million d'organisations au plus.")
        if sizes.needs < sizes.projects:
            raise CommandError("Chaque projet répond à au moins un besoin : demandez au moins autant de besoins.")
        if Need.objects.exists():
            raise CommandError(
                "Refusé : cette base contient déjà des besoins. Ces données se chargent dans une base vide."
            )
        if not Commune.objects.exists():
            call_command("load_territories", verbosity=0)
        if not Structure.objects.exists():
            call_command("load_structures", verbosity=0)
        started = time.monotonic()
        counts = VolumeBuilder(sizes, seed=seed).build()
        # The database's planner chooses its plans from statistics of the tables, which a bulk load leaves empty until
        # autovacuum comes by: gather them now, as they will be in production. (VACUUM, which also helps index-only
        # scans, cannot run inside a transaction: make bench runs it.)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        for name, count in counts.items():
            self.stdout.write(f"{name} : {count:,}".replace(",", "\u202f"))
        self.stdout.write(self.style.SUCCESS(f"Données de volume créées en {time.monotonic() - started:.0f} s."))
        emails = ", ".join(email for email, *_ in VOLUME_ACCOUNTS.values())
        self.stdout.write(f"Comptes : {emails} (mot de passe : {VOLUME_PASSWORD}).")
