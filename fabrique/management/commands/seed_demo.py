from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fabrique.demo import create_demo_data
from fabrique.models import User
from territories.models import Structure

DEMO_PASSWORD = "fabrique-demo"

# (e-mail, first name, last name, role, structure name)
DEMO_ACCOUNTS = [
    ("revelateur35@fabrique.test", "Maëlle", "Le Gall", User.Role.REVELATEUR, "TAg35"),
    ("revelateur29@fabrique.test", "Yann", "Kerouédan", User.Role.REVELATEUR, "TAg29"),
    ("revelateur22@fabrique.test", "Nolwenn", "Le Bihan", User.Role.REVELATEUR, "TAg22"),
    ("revelateur56@fabrique.test", "Erwan", "Guillou", User.Role.REVELATEUR, "TAg56"),
    ("avise@fabrique.test", "Claire", "Dumont", User.Role.AVISE, None),
    ("admin@fabrique.test", "Admin", "Fabrique", User.Role.ADMIN, None),
]


class Command(BaseCommand):
    help = "Crée les comptes et les données de démonstration (pour un usage local uniquement)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Accepter de s'exécuter alors que DEBUG est désactivé (configuration de production).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusé : DEBUG est désactivé, cette configuration ressemble à une production. "
                "Les comptes de démonstration ont un mot de passe public. Relancez avec --force si vous êtes sûr."
            )
        structures = Structure.objects.in_bulk([name for *_, name in DEMO_ACCOUNTS if name], field_name="name")
        missing = {name for *_, name in DEMO_ACCOUNTS if name and name not in structures}
        if missing:
            raise CommandError(
                f"Structures absentes : {', '.join(sorted(missing))}. "
                "Lancez d'abord load_territories puis load_structures."
            )
        with transaction.atomic():
            users, created = {}, 0
            for email, first_name, last_name, role, structure_name in DEMO_ACCOUNTS:
                users[email] = User.objects.filter(email=email).first()
                if users[email] is None:
                    users[email] = User.objects.create_user(
                        email,
                        DEMO_PASSWORD,
                        first_name=first_name,
                        last_name=last_name,
                        role=role,
                        structure=structures.get(structure_name),
                    )
                    created += 1
            structures_filled = create_demo_data(users)
        self.stdout.write(
            self.style.SUCCESS(
                f"Comptes de démonstration : {created} créé(s), {len(DEMO_ACCOUNTS) - created} déjà présent(s)."
            )
        )
        self.stdout.write(f"Besoins et projets de démonstration ajoutés pour {structures_filled} structure(s).")
        self.stdout.write(f"Mot de passe de tous les comptes de démonstration : {DEMO_PASSWORD}")
