from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from territories import cog

PACKAGE_DATA = settings.BASE_DIR / "node_modules" / "@etalab" / "decoupage-administratif" / "data"

# Each table's French name, then "created", "updated" and "unchanged" agreed with it (singular, plural).
LABELS = [
    ("regions", "Régions", ("créée", "créées"), ("mise à jour", "mises à jour"), ("inchangée", "inchangées")),
    ("departments", "Départements", ("créé", "créés"), ("mis à jour", "mis à jour"), ("inchangé", "inchangés")),
    ("epcis", "EPCI", ("créé", "créés"), ("mis à jour", "mis à jour"), ("inchangé", "inchangés")),
    ("communes", "Communes", ("créée", "créées"), ("mise à jour", "mises à jour"), ("inchangée", "inchangées")),
]


class Command(BaseCommand):
    help = (
        "Charge les régions, départements, EPCI et communes du Code officiel géographique. "
        "Sans option : le fichier de la Bretagne livré avec l'application. "
        "Avec --region ou --all : le dossier data du paquet npm @etalab/decoupage-administratif."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            help=f"Dossier data du paquet @etalab/decoupage-administratif (par défaut : {PACKAGE_DATA}).",
        )
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--region", help="Code INSEE de la région à charger depuis le paquet, par exemple 28.")
        scope.add_argument(
            "--all", action="store_true", dest="whole_country", help="Charger toute la France depuis le paquet."
        )

    def handle(self, *args, source=None, region=None, whole_country=False, **options):
        if source and not (region or whole_country):
            raise CommandError(
                "Précisez la région à charger depuis ce dossier (--region CODE) ou toute la France (--all)."
            )
        folder = Path(source or PACKAGE_DATA)
        if (region or whole_country) and not folder.is_dir():
            raise CommandError(
                f"Dossier introuvable : {folder}. Installez le paquet (« npm ci ») ou indiquez --source."
            )
        try:
            if region or whole_country:
                dataset = cog.read_package(folder, region=region)
            else:
                dataset = cog.read_file()
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error

        counts = cog.load(dataset)

        self.stdout.write(f"Source : {describe(dataset)}.")
        for table, label, *words in LABELS:
            n = counts[table]
            parts = [
                count(value, word) for value, word in zip([n.created, n.updated, n.unchanged], words, strict=True)
            ]
            self.stdout.write(f"{label} : {', '.join(parts)}.")
        absent = cog.absent_communes(dataset)
        if absent:
            self.stdout.write(
                self.style.WARNING(
                    f"Communes de ces départements absentes de cette édition, conservées : {number(len(absent))} ("
                    f"{', '.join(absent[:10])}{' …' if len(absent) > 10 else ''})."
                )
            )
        self.stdout.write(self.style.SUCCESS("Territoires chargés."))


def describe(dataset):
    if dataset["version"] is None:
        return f"{dataset['source']} (édition inconnue)"
    return f"{dataset['source']} {dataset['version']} (COG {dataset['edition'] or 'inconnu'})"


def count(n, word):
    """Return « 1 créée », « 2 créées »: in French, 0 and 1 take the singular."""
    singular, plural = word
    return f"{number(n)} {singular if n < 2 else plural}"


def number(n):
    """Format an integer the French way, with a narrow no-break space between thousands."""
    return f"{n:,}".replace(",", "\u202f")
