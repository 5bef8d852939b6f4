import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from imports.pending import clear_pending_files


class Command(BaseCommand):
    help = (
        "Efface les fichiers d'import déposés mais jamais confirmés, plus anciens que le délai donné. "
        "À lancer chaque jour (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=24,
            help="Âge, en heures, au-delà duquel un fichier en attente est effacé (24 par défaut).",
        )

    def handle(self, *args, hours, **options):
        if hours < 1:
            raise CommandError("--hours : indiquez un nombre d'heures d'au moins 1.")
        deleted = clear_pending_files(timezone.now() - datetime.timedelta(hours=hours))
        plural = "s" if deleted > 1 else ""
        self.stdout.write(
            f"{deleted} fichier{plural} d'import en attente effacé{plural} (déposé{plural} il y a plus de "
            f"{hours} heure{'s' if hours > 1 else ''})."
        )
