import datetime

from django.core.management.base import BaseCommand

from notifications.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Donne aux révélateurs les rappels du jour (COPIL à venir, suivis N+1 et N+3 attendus, projets sans "
        "nouvelles depuis 90 jours), chacun selon ses préférences, puis envoie les récapitulatifs hebdomadaires dus. "
        "À lancer chaque jour : deux lancements le même jour n'envoient rien deux fois."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Le jour à considérer comme aujourd'hui, au format AAAA-MM-JJ (par défaut : aujourd'hui).",
        )

    def handle(self, *args, date=None, **options):
        given = send_reminders(date)
        self.stdout.write(f"{given} rappel(s) donné(s).")
