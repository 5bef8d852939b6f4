from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territories import cog
from territories.management.commands.load_territories import PACKAGE_DATA, describe, number


class Command(BaseCommand):
    help = (
        "Écrit le fichier compact d'une région (par défaut, la Bretagne livrée avec l'application) "
        "à partir du dossier data du paquet npm @etalab/decoupage-administratif. Ne touche pas à la base."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", default=PACKAGE_DATA, help=f"Dossier data du paquet (par défaut : {PACKAGE_DATA})."
        )
        parser.add_argument("--region", default="53", help="Code INSEE de la région (par défaut : 53, Bretagne).")
        parser.add_argument(
            "--output", default=cog.SHIPPED_FILE, help=f"Fichier à écrire (par défaut : {cog.SHIPPED_FILE})."
        )

    def handle(self, *args, source, region, output, **options):
        try:
            dataset = cog.read_package(source, region=region)
            if dataset["version"] is None:
                raise ValueError(f"package.json introuvable à côté de {source} : impossible de dater l'édition.")
            cog.write_file(dataset, output)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{Path(output).name} écrit depuis {describe(dataset)} : {number(len(dataset['departments']))} "
                f"départements, {number(len(dataset['communes']))} communes, {number(len(dataset['epcis']))} EPCI."
            )
        )
