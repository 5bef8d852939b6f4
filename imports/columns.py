"""The columns of each import template: their French names, whether they are required, and what each holds.

The same explanations fill the cell comments and the second sheet of the XLSX template and the /import/ page; the
same lists of values fill the template's drop-down lists.
"""

from dataclasses import dataclass

from fabrique.search import fold
from needs.models import NEED_SOURCE_ALIASES, NeedSource, NeedStatus, TerritoryKind
from partners.models import GOVERNED_FIELD, OrganizationKind
from projects.models import Programme, Stage, State, Visibility

DATE_HELP = "Au format JJ/MM/AAAA (15/03/2021) ou AAAA-MM-JJ (2021-03-15), ou une cellule de type date."
TERRITORY_HELP = (
    "Les communes concernées, séparées par des virgules : leur code INSEE (35238) ou leur nom (Rennes), "
    "cherché dans le département de la ligne."
)


def labels(choices):
    return ", ".join(f"« {label} »" for label in choices)


@dataclass(frozen=True)
class Column:
    key: str
    name: str
    required: bool
    help: str
    example: str = ""
    # The French labels the importer accepts, when the values are a closed list: the template offers them.
    choices: tuple[str, ...] = ()
    # For an optional column that some rows must fill, which rows: "pour un projet « Arrêté »".
    required_when: str = ""
    # The name of the column that may stand in for this one: « Référence » may be left empty for a row whose « N° »
    # names the record it updates.
    required_unless: str = ""

    @property
    def explanation(self):
        """Return what the column holds, starting with « Obligatoire » or « Facultatif » as every column does."""
        if self.required:
            need = "Obligatoire."
        elif self.required_unless:
            need = f"Obligatoire, sauf pour mettre à jour une fiche désignée par son « {self.required_unless} »."
        elif self.required_when:
            need = f"Facultatif ; obligatoire {self.required_when}."
        else:
            need = "Facultatif."
        return f"{need} {self.help}".rstrip()

    @property
    def required_label(self):
        """Return what the « Obligatoire » column of the guide and of the /import/ page says."""
        if self.required:
            return "oui"
        if self.required_unless:
            return f"oui, sauf avec un « {self.required_unless} »"
        return "non"


@dataclass(frozen=True)
class ImportKind:
    slug: str
    label: str  # « besoins »: what the page calls the rows
    filename: str
    columns: tuple[Column, ...]

    def column(self, key):
        return next(column for column in self.columns if column.key == key)

    @property
    def required_columns(self):
        return [column for column in self.columns if column.required]

    def names(self, *keys):
        """Return the names of these columns: the exports name their columns as the import reads them."""
        return [self.column(key).name for key in keys]


def header_key(name):
    """Return how a column name compares: without case, accents, stars nor extra spaces."""
    return " ".join(fold(name or "").replace("*", " ").split())


# What an update of an existing record writes: the one source of the rule, in the help of « Référence » and on the
# /import/ page.
UPDATE_RULE = (
    "Une fiche existante n'est mise à jour que des colonnes présentes dans le fichier : une colonne absente, ou une "
    "cellule vide d'une colonne facultative, garde ce que la fiche contient (pour effacer une valeur, passez par la "
    "page de la fiche) ; une cellule vide d'une colonne obligatoire est une erreur. Les valeurs par défaut (« si "
    "vide ») ne valent que pour une nouvelle fiche."
)
NUMBER_NAME = "N°"


def reference_column(example):
    """Return the Référence column, with an example in the style of the kind's own references."""
    return Column(
        "reference",
        "Référence",
        False,
        f"Votre référence de la ligne (par exemple {example}), unique dans votre structure. Importer à nouveau une "
        "ligne de même référence met à jour la fiche au lieu d'en créer une seconde. Vide avec un « N° », la fiche "
        f"garde sa référence. {UPDATE_RULE}",
        example,
        required_unless=NUMBER_NAME,
    )


def number_column(label):
    """Return the N° column: the number the Fabrique gives a record, the first column of the lists' exports."""
    return Column(
        "number",
        NUMBER_NAME,
        False,
        f"Le numéro de la fiche dans la Fabrique, tel que l'export de la liste des {label} le donne : la ligne met à "
        f"jour cette fiche, qui doit être de votre structure. Vide pour une nouvelle fiche. Une liste exportée, "
        "corrigée puis importée met ainsi à jour ses fiches, même sans référence.",
        "",
        required_when="si « Référence » est vide",
    )


THEMES_HELP = (
    "Un ou plusieurs thèmes de la Fabrique, séparés par des virgules ; majuscules, accents, tirets et apostrophes "
    "sont ignorés (« enfance jeunesse » vaut « Enfance-jeunesse »). Un thème inconnu est signalé avec le plus proche."
)
DEPARTMENT = Column(
    "department",
    "Département",
    True,
    "Un département couvert par votre structure : son code (35) ou son nom (Ille-et-Vilaine).",
    "35",
)
EPCI = Column(
    "epci",
    "EPCI",
    False,
    "L'intercommunalité, par son SIREN (243500139) ou son nom, dans le département de la ligne.",
    "Rennes Métropole",
)
COMMUNES = Column("communes", "Communes", False, TERRITORY_HELP, "Rennes, 35051")
NEED_STATUSES = [NeedStatus.DETECTED, NeedStatus.QUALIFIED, NeedStatus.ON_HOLD, NeedStatus.DISMISSED]

NEEDS = ImportKind(
    slug="besoins",
    label="besoins",
    filename="modele-import-besoins",
    columns=(
        number_column("besoins"),
        reference_column("B-2021-04"),
        Column(
            "title", "Intitulé", True, "Le besoin en une phrase (200 caractères au plus).", "Se déplacer sans voiture"
        ),
        Column("description", "Description", True, "Ce qui a été constaté, par qui, pour qui.", "Les habitants…"),
        Column("themes", "Thèmes", True, THEMES_HELP, "Mobilité, Bien-vieillir"),
        Column(
            "source",
            "Origine",
            True,
            f"Qui a fait remonter le besoin : {labels(NeedSource.labels)}. Les anciens libellés "
            f"{labels(NEED_SOURCE_ALIASES)} se lisent « {NeedSource.COLLECTIVITE.label} ».",
            "Habitants",
            choices=tuple(NeedSource.labels),
        ),
        Column("source_detail", "Précision sur l'origine", False, "À quelle occasion.", ""),
        Column("target_public", "Public concerné", False, "Qui le besoin concerne.", "Personnes âgées"),
        DEPARTMENT,
        EPCI,
        COMMUNES,
        Column(
            "territory_kind",
            "Type de territoire",
            False,
            f"{labels(TerritoryKind.labels)}.",
            "Rural",
            choices=tuple(TerritoryKind.labels),
        ),
        Column("detected_on", "Détecté le", True, f"La date de détection. {DATE_HELP}", "15/03/2021"),
        Column(
            "status",
            "Statut",
            False,
            f"{labels([status.label for status in NEED_STATUSES[:-1]])} ou « {NEED_STATUSES[-1].label} » ; "
            f"« {NeedStatus.DETECTED.label} » si vide. Un besoin « {NeedStatus.IN_STUDY.label} » s'ouvre depuis la "
            "Fabrique, dans un projet. Une fiche existante garde son statut : il se change depuis sa page.",
            "Qualifié",
            choices=tuple(status.label for status in NEED_STATUSES),
        ),
        Column(
            "status_reason",
            "Motif",
            False,
            "Le motif de ce statut.",
            "",
            required_when=f"pour un besoin « {NeedStatus.ON_HOLD.label} » ou « {NeedStatus.DISMISSED.label} »",
        ),
    ),
)

IMPORTABLE_STAGES = [Stage.OPPORTUNITY_STUDY, Stage.PORTEUR_SEARCH, Stage.FEASIBILITY_STUDY, Stage.LAUNCH_SUPPORT]
IMPORTABLE_VISIBILITIES = [Visibility.INTERNAL, Visibility.PARTNERS]
STOPPED = f"pour un projet « {State.STOPPED.label} »"

PROJECTS = ImportKind(
    slug="projets",
    label="projets",
    filename="modele-import-projets",
    columns=(
        number_column("projets"),
        reference_column("P-2021-04"),
        Column("title", "Intitulé", True, "Le nom du projet (200 caractères au plus).", "Tiers-lieu de Callac"),
        Column("themes", "Thèmes", True, THEMES_HELP, "Lien social et tiers-lieux"),
        DEPARTMENT,
        EPCI,
        COMMUNES,
        Column("solution_type", "Type de solution", False, "Tiers-lieu, conciergerie…", "Tiers-lieu"),
        Column("internal_summary", "Résumé interne", False, "Lu par votre structure seulement.", ""),
        Column("public_summary", "Résumé public", False, "Lu par les partenaires.", ""),
        Column(
            "programme",
            "Programme",
            False,
            f"{labels(Programme.labels)} ; « {Programme.REVELATEUR.label} » si vide, pour un nouveau projet.",
            "Révélateur",
            choices=tuple(Programme.labels),
        ),
        Column(
            "visibility",
            "Visibilité",
            False,
            f"« {Visibility.INTERNAL.label} » (si vide, pour un nouveau projet) ou « {Visibility.PARTNERS.label} ». "
            "Un projet se rend public depuis sa page, une fois relu ; un projet public mis à l'une de ces deux "
            "valeurs quitte le Carnet de projets, comme depuis sa page.",
            "Interne à la structure",
            choices=tuple(visibility.label for visibility in IMPORTABLE_VISIBILITIES),
        ),
        Column(
            "stage",
            "Étape",
            True,
            f"L'étape atteinte : {labels([stage.label for stage in IMPORTABLE_STAGES])}. Un projet lancé s'importe "
            "à l'étape « Amorçage » puis se lance depuis sa page, avec les données de l'activité.",
            "Étude d'opportunité",
            choices=tuple(stage.label for stage in IMPORTABLE_STAGES),
        ),
        Column(
            "state",
            "État",
            False,
            f"{labels(State.labels)} ; « {State.RUNNING.label} » si vide. Une fiche existante garde son étape et son "
            "état : ils se changent depuis sa page.",
            "En cours",
            choices=tuple(State.labels),
        ),
        Column("stopped_reason", "Motif de l'arrêt", False, "Ce qui a arrêté le projet.", "", required_when=STOPPED),
        Column(
            "stopped_on",
            "Arrêté le",
            False,
            "La date de l'arrêt, ni antérieure à « Ouvert le » (ni au COPIL qui a décidé de poursuivre), ni à "
            "venir ; elle date l'arrêt dans l'historique et les statistiques. Pour un projet arrêté par le COPIL de "
            "l'étude d'opportunité, elle peut rester vide : c'est la date du COPIL. Vide pour un projet qui n'est pas "
            f"arrêté. {DATE_HELP}",
            "",
            required_when=STOPPED,
        ),
        Column(
            "opened_on",
            "Ouvert le",
            True,
            f"La date d'ouverture de l'étude ; pour un projet existant, pas après le COPIL qu'il a tenu. {DATE_HELP}",
            "01/09/2020",
        ),
        Column(
            "copil_on",
            "Date du COPIL",
            False,
            "La date du COPIL qui a décidé de poursuivre ; elle date le passage à la « Recherche de porteur » dans "
            "l'historique et les statistiques. Les étapes suivantes, dont le fichier ne donne pas la date, ne sont "
            "pas datées : le projet est à son étape, sans changement d'étape inventé dans l'historique. À l'étude "
            f"d'opportunité, seulement pour un projet arrêté par son COPIL. {DATE_HELP}",
            "",
            required_when="au-delà de l'étude d'opportunité",
        ),
        Column(
            "copil_body",
            "Instance du COPIL",
            False,
            "L'instance qui a décidé (COPIL de l'étude, bureau communautaire…).",
            "",
            required_when="avec la date du COPIL",
        ),
    ),
)

IMPORTABLE_ORGANIZATION_KINDS = [kind for kind in OrganizationKind if kind not in GOVERNED_FIELD]

ORGANIZATIONS = ImportKind(
    slug="organisations",
    label="organisations",
    filename="modele-import-organisations",
    columns=(
        Column("name", "Nom", True, "Le nom de l'organisation.", "Bretagne Active"),
        Column(
            "kind",
            "Type",
            True,
            f"{labels([kind.label for kind in IMPORTABLE_ORGANIZATION_KINDS])}. Les collectivités (communes, EPCI, "
            "départements, régions) s'ajoutent depuis l'annuaire, d'après les données de référence.",
            "Finance solidaire",
            choices=tuple(kind.label for kind in IMPORTABLE_ORGANIZATION_KINDS),
        ),
        Column(
            "siren",
            "SIREN",
            False,
            "9 chiffres. Une organisation de l'annuaire de même SIREN est mise à jour ; sans SIREN, "
            "celle qui porte exactement le même nom.",
            "",
        ),
        Column("siret", "SIRET", False, "14 chiffres commençant par le SIREN ; il remplit le SIREN.", ""),
        Column("website", "Site web", False, "L'adresse complète, https://…", ""),
        Column(
            "commune",
            "Commune du siège",
            False,
            "Son code INSEE (35238) ou son nom, suivi du code de son département si plusieurs communes "
            "portent ce nom (Saint-Malo (35)).",
            "",
        ),
    ),
)

KINDS = {kind.slug: kind for kind in (NEEDS, PROJECTS, ORGANIZATIONS)}
