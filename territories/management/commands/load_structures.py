import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from territories.models import Department, Structure

# The four Breton TAg and their contacts, as the seed article gives them. (name, département, fields)
TAG_STRUCTURES = [
    ("TAg22", "22", {"email": "contact@richess.fr"}),
    ("TAg29", "29", {"email": "emergence@tag29.bzh"}),
    (
        "TAg35",
        "35",
        {
            "email": "contact@tag35.bzh",
            "label": Structure.Label.LABELLED,
            # Labelled by the Avise "since October 2017".
            "labelled_on": datetime.date(2017, 10, 1),
        },
    ),
    ("TAg56", "56", {"email": "revelateur@tag56.bzh"}),
]


class Command(BaseCommand):
    help = (
        "Crée les quatre structures TAg de Bretagne si elles n'existent pas encore. "
        "Une structure déjà présente n'est pas modifiée. Les départements doivent être chargés (load_territories)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        codes = [code for _, code, _ in TAG_STRUCTURES]
        departments = Department.objects.in_bulk(codes)
        missing = [code for code in codes if code not in departments]
        if missing:
            raise CommandError(
                f"Départements absents : {', '.join(missing)}. Lancez d'abord « manage.py load_territories »."
            )
        for name, code, fields in TAG_STRUCTURES:
            structure, created = Structure.objects.get_or_create(name=name, defaults=fields)
            if created:
                structure.departments.set([departments[code]])
                self.stdout.write(f"{name} : créée.")
            else:
                self.stdout.write(f"{name} : déjà présente, laissée telle quelle.")
        self.stdout.write(self.style.SUCCESS("Structures chargées."))
