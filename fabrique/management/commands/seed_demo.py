from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fabrique.demo import create_demo_data, create_demo_organizations
from fabrique.models import User
from territories.models import Structure

DEMO_PASSWORD = "fabrique-demo"

# (e-mail, first name, last name, role, structure name, organisation: its key in fabrique.demo.ORGANIZATIONS)
DEMO_ACCOUNTS = [
    ("revelateur35@fabrique.test", "Maëlle", "Le Gall", User.Role.REVELATEUR, "TAg35", None),
    ("revelateur29@fabrique.test", "Yann", "Kerouédan", User.Role.REVELATEUR, "TAg29", None),
    ("revelateur22@fabrique.test", "Nolwenn", "Le Bihan", User.Role.REVELATEUR, "TAg22", None),
    ("revelateur56@fabrique.test", "Erwan", "Guillou", User.Role.REVELATEUR, "TAg56", None),
    ("collectivite35@fabrique.test", "Gwenaëlle", "Riou", User.Role.COLLECTIVITE, None, "rennes_metropole"),
    ("avise@fabrique.test", "Claire", "Dumont", User.Role.AVISE, None, None),
    ("admin@fabrique.test", "Admin", "Fabrique", User.Role.ADMIN, None, None),
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
        names = [name for *_, name, _organization in DEMO_ACCOUNTS if name]
        structures = Structure.objects.in_bulk(names, field_name="name")
        missing = {name for name in names if name not in structures}
        if missing:
            raise CommandError(
                f"Structures absentes : {', '.join(sorted(missing))}. "
                "Lancez d'abord load_territories puis load_structures."
            )
        with transaction.atomic():
            organizations = create_demo_organizations()
            users, created = {}, 0
            for email, first_name, last_name, role, structure_name, organization in DEMO_ACCOUNTS:
                users[email] = User.objects.filter(email=email).first()
                if users[email] is None:
                    users[email] = User.objects.create_user(
                        email,
                        DEMO_PASSWORD,
                        first_name=first_name,
                        last_name=last_name,
                        role=role,
                        structure=structures.get(structure_name),
                        organization=organizations.get(organization),
                    )
                    created += 1
            structures_filled = create_demo_data(users, organizations)
        self.stdout.write(
            self.style.SUCCESS(
                f"Comptes de démonstration : {created} créé(s), {len(DEMO_ACCOUNTS) - created} déjà présent(s)."
            )
        )
        self.stdout.write(f"Besoins et projets de démonstration ajoutés pour {structures_filled} structure(s).")
        self.stdout.write(f"Mot de passe de tous les comptes de démonstration : {DEMO_PASSWORD}")
