"""Volume data: the needs, projects, activities and partners of a large network after ten years, built in bulk so
that the pages, the statistics, the exports and the imports can be measured at that size (see `make bench`).

Every row is valid against the models' constraints and the product's rules: a need in study belongs to its
project, a project past the opportunity study has its COPIL, a stopped project keeps its stage and its reason, a
launched project has its activity, and every history row is dated in order (detection, qualification, opening,
COPIL, launch). The same seed and the same day give the same data. Local use only: the people are fictional.
"""

import bisect
import dataclasses
import datetime
import itertools
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from fabrique.models import User
from fabrique.validators import luhn_is_valid
from needs.models import Need, NeedEvent, Theme
from partners.models import Involvement, Organization
from projects.models import Activity, CopilDecision, FollowUp, Project, ProjectEvent
from territories.models import EPCI, Commune, Department, Region, Structure

Stage, State, Visibility = Project.Stage, Project.State, Project.Visibility
STAGES = list(Stage)
BATCH = 5000

VOLUME_PASSWORD = "fabrique-volume"
# The accounts the benchmark signs in with: (e-mail, first name, last name, role, structure name).
# The collectivité account is attached to Rennes Métropole (EPCI 243500139, Ille-et-Vilaine).
RENNES_METROPOLE = "243500139"
VOLUME_ACCOUNTS = {
    "avise": ("avise@volume.fabrique.test", "Claire", "Dumont", User.Role.AVISE, None),
    "revelateur": ("revelateur35@volume.fabrique.test", "Maëlle", "Le Gall", User.Role.REVELATEUR, "TAg35"),
    "collectivite": ("collectivite35@volume.fabrique.test", "Gwenaëlle", "Riou", User.Role.COLLECTIVITE, None),
    "admin": ("admin@volume.fabrique.test", "Admin", "Fabrique", User.Role.ADMIN, None),
}
# Other révélateurs of each structure, who share the work with the benchmark's révélateur.
COLLEAGUES = [("Yann", "Kerouédan"), ("Nolwenn", "Le Bihan"), ("Erwan", "Guillou")]


@dataclasses.dataclass
class Sizes:
    needs: int = 100_000
    projects: int = 20_000
    activities: int = 5_000
    organizations: int = 10_000
    involvements: int = 50_000
    history: int = 335_000


# What the field studies: a kind of solution, the themes it answers, and the need it answers.
SOLUTIONS = [
    ("Conciergerie solidaire", ["Bien-vieillir", "Lien social et tiers-lieux"], "Isolement des personnes âgées"),
    ("Garage solidaire", ["Mobilité", "Insertion et emploi"], "Pas de véhicule entretenu pour aller travailler"),
    ("Tiers-lieu", ["Lien social et tiers-lieux", "Culture"], "Plus de lieu de rencontre en centre-bourg"),
    ("Épicerie solidaire", ["Alimentation durable", "Commerce et services de proximité"], "Se nourrir à bas prix"),
    ("Recyclerie", ["Économie circulaire et réemploi", "Insertion et emploi"], "Des objets jetés encore utiles"),
    (
        "Café associatif",
        ["Commerce et services de proximité", "Lien social et tiers-lieux"],
        "Le dernier café a fermé",
    ),
    ("Plateforme de mobilité", ["Mobilité"], "Des offres d'emploi refusées faute de transport"),
    ("Auto-école solidaire", ["Mobilité", "Insertion et emploi"], "Le permis de conduire trop cher"),
    ("Laverie solidaire", ["Commerce et services de proximité"], "Des ménages sans lave-linge"),
    ("Cantine solidaire", ["Alimentation durable", "Lien social et tiers-lieux"], "Pas de repas à prix modéré"),
    ("Légumerie", ["Agriculture et circuits courts", "Alimentation durable"], "Les cantines sans produits locaux"),
    ("Maison de santé associative", ["Santé et handicap"], "Des médecins partis sans successeur"),
    ("Habitat partagé seniors", ["Habitat", "Bien-vieillir"], "Des seniors seuls dans de grandes maisons"),
    ("Atelier vélo", ["Mobilité", "Économie circulaire et réemploi"], "Des vélos abandonnés, des jeunes sans vélo"),
    ("Espace numérique", ["Numérique"], "Des démarches en ligne impossibles sans aide"),
    ("Accueil petite enfance", ["Enfance-jeunesse"], "Pas de mode de garde aux horaires décalés"),
    ("Coopérative d'énergie citoyenne", ["Transition énergétique"], "Des toits sans panneaux, des factures lourdes"),
    ("Ferme d'insertion", ["Agriculture et circuits courts", "Insertion et emploi"], "Des terres sans repreneur"),
]
NEED_REASONS = {
    Need.Status.ON_HOLD: [
        "En attente du prochain plan local de la communauté de communes.",
        "Reprise après le renouvellement du conseil municipal.",
        "En attente d'un diagnostic complémentaire des partenaires.",
    ],
    Need.Status.DISMISSED: [
        "Déjà couvert par une offre existante sur le territoire.",
        "Besoin trop diffus : aucun acteur local ne le confirme.",
        "Hors du champ de l'économie sociale et solidaire.",
    ],
}
STOP_REASONS = [
    "Aucun porteur identifié après huit mois de recherche.",
    "Le modèle économique ne tient pas sans aide pérenne.",
    "Le COPIL juge l'opportunité insuffisante.",
    "Une autre structure a ouvert un service équivalent.",
    "Les financeurs se sont retirés.",
]
PAUSE_REASONS = ["En attente des élections municipales.", "Le porteur pressenti reporte sa décision."]
NOTES = [
    "Rendez-vous avec les élus : ils souhaitent un COPIL élargi.",
    "Échange avec le CCAS, qui confirme le besoin.",
    "Réunion publique : une quarantaine d'habitants présents.",
    "Relance des partenaires financeurs.",
]
ORGANIZATION_KINDS = [
    (Organization.Kind.ASSOCIATION, 35, "Association"),
    (Organization.Kind.ESS, 20, "SCIC"),
    (Organization.Kind.COMPANY, 12, "Entreprise"),
    (Organization.Kind.PUBLIC_FUNDER, 5, "Fonds public"),
    (Organization.Kind.PRIVATE_FUNDER, 5, "Fondation"),
    (Organization.Kind.SOLIDARITY_FINANCE, 3, "Finance solidaire"),
    (Organization.Kind.NETWORK, 6, "Réseau"),
    (Organization.Kind.STATE, 4, "Service de l'État"),
    (Organization.Kind.OTHER, 10, "Collectif"),
]
ORGANIZATION_WORDS = ["Les Jardins", "L'Atelier", "Le Relais", "La Passerelle", "Les Ateliers", "L'Échappée", "Terre"]
LEGAL_FORMS = [
    (Activity.LegalForm.ASSOCIATION, 45),
    (Activity.LegalForm.SCIC, 20),
    (Activity.LegalForm.SCOP, 8),
    (Activity.LegalForm.ESS_COMPANY, 10),
    (Activity.LegalForm.EXISTING, 12),
    (Activity.LegalForm.OTHER, 5),
]
# Days between reaching a stage and reaching the next: an opportunity study takes 8 to 12 months.
STAGE_GAPS = [(240, 380), (60, 240), (120, 300), (90, 270)]
FUNDER_KINDS = {
    Organization.Kind.PUBLIC_FUNDER,
    Organization.Kind.PRIVATE_FUNDER,
    Organization.Kind.SOLIDARITY_FINANCE,
    Organization.Kind.REGION,
    Organization.Kind.DEPARTMENT,
    Organization.Kind.EPCI,
}
PORTEUR_KINDS = {Organization.Kind.ASSOCIATION, Organization.Kind.ESS, Organization.Kind.COMPANY}
INVOLVEMENT_ROLES = [
    (Involvement.Role.FUNDER, 30),
    (Involvement.Role.COPIL_MEMBER, 25),
    (Involvement.Role.SPONSOR, 12),
    (Involvement.Role.OPERATIONAL, 15),
    (Involvement.Role.EXPERT, 10),
    (Involvement.Role.IDEA_SCOUT, 8),
]


def at(day):
    """Noon, Paris time (11:00 UTC), on that day: the history is dated like the field's."""
    return datetime.datetime.combine(day, datetime.time(11), tzinfo=datetime.UTC)


def of(name):
    """« de Rennes », « d'Auray »."""
    return f"d'{name}" if name[:1].lower() in "aeiouyéèêîâ" else f"de {name}"


def siren_from(number):
    """A valid SIREN (Luhn) from a number below a million: numbers starting with 79 name no real collectivité."""
    digits = f"79{number:06d}"
    return next(digits + check for check in "0123456789" if luhn_is_valid(digits + check))


def insert(model, rows):
    """Insert `rows` (any iterable of unsaved instances) in batches; return them, with their primary keys."""
    saved = []
    for batch in itertools.batched(rows, BATCH):
        saved.extend(model.objects.bulk_create(batch, batch_size=BATCH))
    return saved


def insert_quietly(model, rows):
    """Insert `rows` in batches without keeping them (history rows, links)."""
    count = 0
    for batch in itertools.batched(rows, BATCH):
        model.objects.bulk_create(batch, batch_size=BATCH)
        count += len(batch)
    return count


@dataclasses.dataclass
class ProjectPlan:
    structure: Structure
    author: User
    communes: list
    solution: tuple
    dates: list  # the day it reached each stage, from the opportunity study
    state: str = State.RUNNING
    state_on: datetime.date | None = None
    copil_stop: bool = False
    needs: list = dataclasses.field(default_factory=list)
    project: Project | None = None
    activity: Activity | None = None

    @property
    def stage(self):
        return STAGES[len(self.dates) - 1]

    @property
    def last_day(self):
        return self.state_on or self.dates[-1]


@dataclasses.dataclass
class NeedPlan:
    structure: Structure
    author: User
    communes: list
    solution: tuple
    detected_on: datetime.date
    moves: list  # (day, from status, to status)
    project_plan: ProjectPlan | None = None
    proposed_by: Organization | None = None
    need: Need | None = None

    @property
    def status(self):
        return self.moves[-1][2] if self.moves else Need.Status.DETECTED


class VolumeBuilder:
    """Build the volume data: call `build()` once, in a database holding the reference data and no need yet."""

    def __init__(self, sizes, *, seed=1, today=None, log=lambda message: None):
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.start = self.today.replace(year=self.today.year - 10, day=1)
        self.log = log
        self.counts = {}

    def build(self):
        with transaction.atomic():
            self.load_reference()
            self.create_accounts()
            self.create_organizations()
            self.create_collectivite_account()
            projects = self.plan_projects()
            needs = self.plan_needs(projects)
            self.create_projects(projects)
            self.create_activities([plan for plan in projects if plan.stage == Stage.LAUNCHED])
            self.link_essaimages(projects)
            self.create_needs(needs)
            self.create_history(needs, projects)
            self.create_involvements(projects)
        return self.counts

    # Reference data and people.

    def load_reference(self):
        self.themes = {theme.name: theme for theme in Theme.objects.all()}
        self.structures = list(Structure.objects.prefetch_related("departments").order_by("name"))
        communes = list(Commune.objects.order_by("code"))
        self.communes_by_department = {}
        for commune in communes:
            self.communes_by_department.setdefault(commune.department_id, []).append(commune)
        self.structure_communes = {
            structure.pk: [c for d in structure.departments.all() for c in self.communes_by_department.get(d.pk, [])]
            for structure in self.structures
        }
        self.structures = [s for s in self.structures if self.structure_communes[s.pk]]

    def create_accounts(self):
        password = make_password(VOLUME_PASSWORD)
        by_name = {structure.name: structure for structure in self.structures}
        wanted = []
        for key, (email, first_name, last_name, role, structure_name) in VOLUME_ACCOUNTS.items():
            if role != User.Role.COLLECTIVITE:
                wanted.append((key, email, first_name, last_name, role, by_name.get(structure_name)))
        for structure in self.structures:
            for number, (first_name, last_name) in enumerate(COLLEAGUES, start=1):
                email = f"revelateur{number}-{structure.name.lower()}@volume.fabrique.test"
                wanted.append((email, email, first_name, last_name, User.Role.REVELATEUR, structure))
        existing = {user.email: user for user in User.objects.filter(email__in=[row[1] for row in wanted])}
        created = insert(
            User,
            (
                User(email=email, first_name=first, last_name=last, role=role, structure=structure, password=password)
                for _, email, first, last, role, structure in wanted
                if email not in existing
            ),
        )
        users = {**existing, **{user.email: user for user in created}}
        self.accounts = {key: users[email] for key, email, *_ in wanted}
        self.authors = {structure.pk: [] for structure in self.structures}
        for user in users.values():
            if user.role == User.Role.REVELATEUR and user.structure_id in self.authors:
                self.authors[user.structure_id].append(user)
        for authors in self.authors.values():
            authors.sort(key=lambda user: user.email)

    def create_collectivite_account(self):
        email, first_name, last_name, role, _ = VOLUME_ACCOUNTS["collectivite"]
        organization = self.collectivite_of.get(("epci", RENNES_METROPOLE))
        if organization is None:
            return
        user = User.objects.filter(email=email).first() or User.objects.create(
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=role,
            organization=organization,
            password=make_password(VOLUME_PASSWORD),
        )
        self.accounts["collectivite"] = user

    def create_organizations(self):
        """Collectivités for Rennes Métropole, the région, the départements, the EPCI and communes, then the other
        partners of the directory, up to the number asked for."""
        rng = self.rng
        taken = set(Organization.objects.exclude(siren="").values_list("siren", flat=True))
        governed = {
            "epci": set(Organization.objects.exclude(governed_epci=None).values_list("governed_epci", flat=True)),
            "commune": set(
                Organization.objects.exclude(governed_commune=None).values_list("governed_commune", flat=True)
            ),
            "department": set(
                Organization.objects.exclude(governed_department=None).values_list("governed_department", flat=True)
            ),
            "region": set(
                Organization.objects.exclude(governed_region=None).values_list("governed_region", flat=True)
            ),
        }
        departments = Department.objects.filter(code__in=self.communes_by_department)
        territories = [
            *[("epci", epci) for epci in EPCI.objects.filter(code=RENNES_METROPOLE)],
            *[("region", region) for region in Region.objects.filter(departments__in=departments).distinct()],
            *[("department", department) for department in departments],
            *[("epci", epci) for epci in EPCI.objects.exclude(code=RENNES_METROPOLE).order_by("code")],
            *[("commune", commune) for commune in sorted(self.all_communes(), key=lambda c: -(c.population or 0))],
        ]
        wanted = max(1, self.sizes.organizations // 5)
        collectivites = []
        for kind, territory in territories:
            if len(collectivites) >= wanted:
                break
            if territory.pk in governed[kind]:
                continue
            organization = Organization.for_territory(territory)
            if organization.siren in taken:
                organization.siren = ""
            taken.add(organization.siren)
            organization.created_at = at(self.start)
            collectivites.append(organization)
        insert(Organization, collectivites)
        others = []
        communes = self.all_communes()
        kinds = [kind for kind, _, _ in ORGANIZATION_KINDS]
        weights = [weight for _, weight, _ in ORGANIZATION_KINDS]
        prefixes = {kind: prefix for kind, _, prefix in ORGANIZATION_KINDS}
        for number in range(max(0, self.sizes.organizations - len(collectivites))):
            kind = rng.choices(kinds, weights)[0]
            commune = rng.choice(communes)
            siren = siren_from(number) if rng.random() < 0.6 else ""
            if siren in taken:
                siren = ""
            others.append(
                Organization(
                    name=f"{prefixes[kind]} {rng.choice(ORGANIZATION_WORDS)} {of(commune.name)}",
                    kind=kind,
                    siren=siren,
                    commune=commune,
                    created_by=rng.choice(self.all_authors()),
                    created_at=at(self.random_day(self.start, self.today)),
                )
            )
        insert(Organization, others)
        self.counts["organisations"] = len(collectivites) + len(others)
        self.collectivite_of = {}
        for organization in Organization.objects.collectivites():
            for kind in ("epci", "commune", "department", "region"):
                code = getattr(organization, f"governed_{kind}_id")
                if code:
                    self.collectivite_of[(kind, code)] = organization
        everyone = list(Organization.objects.order_by("pk"))
        self.funders = [o for o in everyone if o.kind in FUNDER_KINDS]
        self.porteurs = [o for o in everyone if o.kind in PORTEUR_KINDS] or everyone
        self.everyone = everyone

    def all_communes(self):
        return [commune for communes in self.communes_by_department.values() for commune in communes]

    def all_authors(self):
        return [user for users in self.authors.values() for user in users]

    def random_day(self, first, last):
        return first + datetime.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    # Plans: what each need and project goes through, dated, before anything is written.

    def plan_projects(self):
        rng, today = self.rng, self.today
        plans = []
        for _ in range(self.sizes.projects):
            structure = rng.choice(self.structures)
            opened_on = self.random_day(self.start + datetime.timedelta(days=60), today - datetime.timedelta(days=1))
            dates = [opened_on]
            for low, high in STAGE_GAPS:
                dates.append(dates[-1] + datetime.timedelta(days=rng.randint(low, high)))
            communes = rng.sample(self.structure_communes[structure.pk], k=min(rng.choice([1, 1, 1, 2, 3]), 3))
            plans.append(
                ProjectPlan(structure, rng.choice(self.authors[structure.pk]), communes, rng.choice(SOLUTIONS), dates)
            )
        candidates = [plan for plan in plans if plan.dates[-1] <= today]
        launched = set(map(id, rng.sample(candidates, k=min(self.sizes.activities, len(candidates)))))
        for plan in plans:
            if id(plan) in launched:
                continue
            reachable = [day for day in plan.dates[:4] if day <= today]
            old = (today - plan.dates[0]).days > 3 * 365
            state = rng.choices([State.STOPPED, State.PAUSED, State.RUNNING], [85, 8, 7] if old else [25, 10, 65])[0]
            if state == State.STOPPED:
                reached = rng.choices(range(len(reachable)), [50, 25, 15, 10][: len(reachable)])[0]
            else:
                reached = len(reachable) - 1
            plan.dates = reachable[: reached + 1]
            if state != State.RUNNING:
                plan.state = state
                plan.state_on = min(today, plan.dates[-1] + datetime.timedelta(days=rng.randint(30, 200)))
                plan.copil_stop = state == State.STOPPED and reached == 0 and rng.random() < 0.5
        return plans

    def plan_needs(self, projects):
        """One need per project (a fifth answer two), detected before the study opened; then the needs not
        studied, whose status depends on their age; and a few proposed by collectivités."""
        rng, today = self.rng, self.today
        plans = []
        for project in projects:
            opened_on = project.dates[0]
            for _ in range(2 if rng.random() < 0.2 and len(plans) < self.sizes.needs - 1 else 1):
                detected_on = max(self.start, opened_on - datetime.timedelta(days=rng.randint(30, 365)))
                qualified_on = self.random_day(detected_on, opened_on)
                moves = [
                    (qualified_on, Need.Status.DETECTED, Need.Status.QUALIFIED),
                    (opened_on, Need.Status.QUALIFIED, Need.Status.IN_STUDY),
                ]
                plan = NeedPlan(
                    project.structure, project.author, project.communes, project.solution, detected_on, moves
                )
                plan.project_plan = project
                project.needs.append(plan)
                plans.append(plan)
        rennes = self.collectivite_of.get(("epci", RENNES_METROPOLE))
        rennes_communes = [c for c in self.communes_by_department.get("35", []) if c.epci_id == RENNES_METROPOLE]
        tag35 = next((s for s in self.structures if s.name == "TAg35"), None)
        for _ in range(max(0, self.sizes.needs - len(plans))):
            structure = rng.choice(self.structures)
            communes = rng.sample(self.structure_communes[structure.pk], k=rng.choice([1, 1, 2]))
            detected_on = self.random_day(self.start, today)
            plan = NeedPlan(
                structure, rng.choice(self.authors[structure.pk]), communes, rng.choice(SOLUTIONS), detected_on, []
            )
            # Appels à révélation: about one need in a hundred, a few of them by the benchmark's collectivité.
            if rennes and tag35 and rennes_communes and rng.random() < 0.002:
                plan.structure, plan.author = tag35, self.accounts["collectivite"]
                plan.communes, plan.proposed_by = [rng.choice(rennes_communes)], rennes
            elif rng.random() < 0.01:
                commune = communes[0]
                plan.proposed_by = self.collectivite_of.get(("commune", commune.pk)) or self.collectivite_of.get(
                    ("department", commune.department_id)
                )
            self.plan_need_moves(plan)
            plans.append(plan)
        return plans

    def plan_need_moves(self, plan):
        rng, today = self.rng, self.today
        recent = (today - plan.detected_on).days < 540
        target = rng.choices(
            [Need.Status.DETECTED, Need.Status.QUALIFIED, Need.Status.ON_HOLD, Need.Status.DISMISSED],
            [40, 35, 10, 15] if recent else [5, 10, 20, 65],
        )[0]
        day, status = plan.detected_on, Need.Status.DETECTED
        if target == Need.Status.DISMISSED and rng.random() < 0.4:
            path = [Need.Status.DISMISSED]
        else:
            path = [Need.Status.QUALIFIED, target] if target != Need.Status.QUALIFIED else [target]
        for next_status in path:
            if next_status == status:
                break
            day = day + datetime.timedelta(days=rng.randint(7, 120))
            if day > today:
                break
            plan.moves.append((day, status, next_status))
            status = next_status

    # Writing.

    def create_projects(self, plans):
        rng = self.rng
        for plan in plans:
            name = plan.communes[0].name
            visibility = rng.choices([Visibility.PUBLIC, Visibility.PARTNERS, Visibility.INTERNAL], [35, 25, 40])[0]
            stopped = plan.state == State.STOPPED
            plan.project = Project(
                structure=plan.structure,
                title=f"{plan.solution[0]} {of(name)}",
                public_summary=f"{plan.solution[2]} à {name} : une réponse de l'économie sociale et solidaire.",
                internal_summary=f"Suivi par {plan.author.get_full_name()}.",
                solution_type=plan.solution[0],
                department_id=plan.communes[0].department_id,
                epci_id=plan.communes[0].epci_id,
                visibility=visibility,
                published_at=at(plan.dates[0]) if visibility == Visibility.PUBLIC else None,
                stage=plan.stage,
                state=plan.state,
                stopped_reason=rng.choice(STOP_REASONS) if stopped else "",
                opened_on=plan.dates[0],
                created_by=plan.author,
                created_at=at(plan.dates[0]),
                updated_at=at(plan.last_day),
            )
        insert(Project, (plan.project for plan in plans))
        self.counts["projets"] = len(plans)
        insert_quietly(
            Project.themes.through,
            (
                Project.themes.through(project_id=plan.project.pk, theme_id=self.themes[name].pk)
                for plan in plans
                for name in plan.solution[1]
                if name in self.themes
            ),
        )
        insert_quietly(
            Project.communes.through,
            (
                Project.communes.through(project_id=plan.project.pk, commune_id=commune.pk)
                for plan in plans
                for commune in plan.communes
            ),
        )

    def create_activities(self, plans):
        rng, today = self.rng, self.today
        for plan in plans:
            opened_on = plan.dates[-1]
            plan.activity = Activity(
                project=plan.project,
                name=plan.project.title,
                legal_form=rng.choices(*zip(*LEGAL_FORMS, strict=True))[0],
                esus=rng.random() < 0.4,
                iae=rng.random() < 0.2,
                porteur=rng.choice(self.porteurs),
                opened_on=opened_on,
                jobs_at_launch=Decimal(rng.randint(1, 16)) / 2,
                created_at=at(opened_on),
            )
        insert(Activity, (plan.activity for plan in plans))
        self.counts["activités"] = len(plans)

        def follow_ups(plan):
            jobs = plan.activity.jobs_at_launch
            for years in (1, 2, 3):
                year = plan.activity.opened_on.year + years
                recorded_on = datetime.date(year + 1, 1, 15)
                if recorded_on > today:
                    return
                jobs = max(Decimal(0), jobs + Decimal(rng.randint(-2, 4)) / 2)
                closed = rng.random() < 0.08
                yield FollowUp(
                    activity=plan.activity,
                    year=year,
                    jobs=Decimal(0) if closed else jobs,
                    still_active=not closed,
                    closed_on=datetime.date(year, rng.randint(1, 12), 1) if closed else None,
                    comment="Activité fermée : le porteur n'a pas trouvé son équilibre." if closed else "",
                    recorded_by=plan.author,
                    recorded_at=at(recorded_on),
                )
                if closed:
                    return

        self.counts["suivis annuels"] = insert_quietly(FollowUp, (row for plan in plans for row in follow_ups(plan)))

    def link_essaimages(self, plans):
        """About one project in fifty replicates an activity launched before it opened."""
        launched = sorted((plan.activity.opened_on, plan.activity.pk) for plan in plans if plan.activity)
        days = [day for day, _ in launched]
        replicas = []
        for plan in plans:
            earlier = bisect.bisect_left(days, plan.dates[0])
            if earlier and self.rng.random() < 0.02:
                plan.project.source_activity_id = launched[self.rng.randrange(earlier)][1]
                replicas.append(plan.project)
        Project.objects.bulk_update(replicas, ["source_activity"], batch_size=BATCH)
        self.counts["essaimages"] = len(replicas)

    def create_needs(self, plans):
        rng = self.rng
        for plan in plans:
            commune = plan.communes[0]
            status = plan.status
            last_day = plan.moves[-1][0] if plan.moves else plan.detected_on
            plan.need = Need(
                structure=plan.structure,
                title=f"{plan.solution[2]} à {commune.name}",
                description=f"{plan.solution[2]} : signalé à {commune.name} par les acteurs locaux.",
                source=Need.Source.COLLECTIVITE if plan.proposed_by else rng.choice(list(Need.Source)),
                source_detail=f"Appel à révélation de {plan.proposed_by.name}" if plan.proposed_by else "",
                proposed_by=plan.proposed_by,
                proposal_contact="Service développement local" if plan.proposed_by else "",
                department_id=commune.department_id,
                epci_id=commune.epci_id,
                territory_kind=Need.TerritoryKind.URBAN
                if (commune.population or 0) > 20000
                else Need.TerritoryKind.RURAL,
                detected_on=plan.detected_on,
                status=status,
                status_reason=rng.choice(NEED_REASONS[status]) if status in NEED_REASONS else "",
                project=plan.project_plan.project if plan.project_plan else None,
                created_by=plan.author,
                created_at=at(plan.detected_on),
                updated_at=at(last_day),
            )
        insert(Need, (plan.need for plan in plans))
        self.counts["besoins"] = len(plans)
        self.counts["propositions de collectivités"] = sum(1 for plan in plans if plan.proposed_by)
        insert_quietly(
            Need.themes.through,
            (
                Need.themes.through(need_id=plan.need.pk, theme_id=self.themes[name].pk)
                for plan in plans
                for name in plan.solution[1]
                if name in self.themes
            ),
        )
        insert_quietly(
            Need.communes.through,
            (Need.communes.through(need_id=plan.need.pk, commune_id=c.pk) for plan in plans for c in plan.communes),
        )

    def create_history(self, needs, projects):
        """The need events, the COPIL decisions and the project events, then notes up to the history size."""
        copils = []
        for plan in projects:
            if len(plan.dates) > 1:
                copils.append(self.copil(plan, plan.dates[1], CopilDecision.Decision.GO))
            if plan.copil_stop:
                copils.append(self.copil(plan, plan.state_on, CopilDecision.Decision.STOP))
        insert(CopilDecision, copils)
        self.counts["décisions de COPIL"] = len(copils)
        copil_of = {(copil.project_id, copil.decision): copil for copil in copils}
        insert_quietly(
            CopilDecision.organizations.through,
            (
                CopilDecision.organizations.through(copildecision_id=copil.pk, organization_id=organization.pk)
                for copil in copils
                for organization in self.rng.sample(self.everyone, k=min(2, len(self.everyone)))
            ),
        )
        need_events = insert_quietly(NeedEvent, (event for plan in needs for event in self.need_events(plan)))
        project_events = insert_quietly(
            ProjectEvent, (event for plan in projects for event in self.project_events(plan, copil_of))
        )
        notes = max(0, self.sizes.history - need_events - project_events)
        need_notes = notes * 3 // 5
        need_events += insert_quietly(NeedEvent, (self.need_note(self.rng.choice(needs)) for _ in range(need_notes)))
        project_events += insert_quietly(
            ProjectEvent, (self.project_note(self.rng.choice(projects)) for _ in range(notes - need_notes))
        )
        self.counts["historique des besoins"] = need_events
        self.counts["historique des projets"] = project_events

    def copil(self, plan, day, decision):
        go = decision == CopilDecision.Decision.GO
        return CopilDecision(
            project=plan.project,
            decided_on=day,
            body="COPIL de l'étude d'opportunité",
            decision=decision,
            comment="Opportunité confirmée : lancer la recherche d'un porteur." if go else plan.project.stopped_reason,
            recorded_by=plan.author,
            recorded_at=at(day),
        )

    def need_events(self, plan):
        yield NeedEvent(
            need=plan.need,
            kind=NeedEvent.Kind.CREATED,
            to_status=Need.Status.DETECTED,
            by=plan.author,
            at=at(plan.detected_on),
        )
        for day, from_status, to_status in plan.moves:
            if to_status == Need.Status.IN_STUDY:
                comment = f"Étude ouverte : {plan.project_plan.project.title}."
            elif to_status in NEED_REASONS:
                comment = (
                    plan.need.status_reason if to_status == plan.status else self.rng.choice(NEED_REASONS[to_status])
                )
            else:
                comment = "Besoin confirmé par un diagnostic avec les acteurs locaux."
            author = plan.author if plan.author.is_revelateur else self.authors[plan.structure.pk][0]
            yield NeedEvent(
                need=plan.need,
                kind=NeedEvent.Kind.STATUS,
                from_status=from_status,
                to_status=to_status,
                comment=comment,
                by=author,
                at=at(day),
            )

    def project_events(self, plan, copil_of):
        project, author = plan.project, plan.author
        yield ProjectEvent(
            project=project,
            kind=ProjectEvent.Kind.OPENED,
            to_stage=Stage.OPPORTUNITY_STUDY,
            to_state=State.RUNNING,
            comment="En réponse à : " + ", ".join(need_plan.need.title for need_plan in plan.needs) + ".",
            by=author,
            at=at(plan.dates[0]),
        )
        for previous, reached, day in zip(STAGES, STAGES[1:], plan.dates[1:], strict=False):
            copil = (
                copil_of.get((project.pk, CopilDecision.Decision.GO)) if previous == Stage.OPPORTUNITY_STUDY else None
            )
            yield ProjectEvent(
                project=project,
                kind=ProjectEvent.Kind.STAGE,
                from_stage=previous,
                to_stage=reached,
                from_state=State.RUNNING,
                to_state=State.RUNNING,
                comment=copil.comment if copil else "",
                copil=copil,
                by=author,
                at=at(day),
            )
        if plan.state != State.RUNNING:
            copil = copil_of.get((project.pk, CopilDecision.Decision.STOP)) if plan.copil_stop else None
            reason = project.stopped_reason or self.rng.choice(PAUSE_REASONS)
            yield ProjectEvent(
                project=project,
                kind=ProjectEvent.Kind.STATE,
                from_stage=plan.stage,
                to_stage=plan.stage,
                from_state=State.RUNNING,
                to_state=plan.state,
                comment=reason,
                copil=copil,
                by=author,
                at=at(plan.state_on),
            )

    def need_note(self, plan):
        author = plan.author if plan.author.is_revelateur else self.authors[plan.structure.pk][0]
        day = self.random_day(plan.detected_on, self.today)
        return NeedEvent(
            need=plan.need, kind=NeedEvent.Kind.NOTE, comment=self.rng.choice(NOTES), by=author, at=at(day)
        )

    def project_note(self, plan):
        day = self.random_day(plan.dates[0], plan.last_day)
        return ProjectEvent(
            project=plan.project,
            kind=ProjectEvent.Kind.NOTE,
            comment=self.rng.choice(NOTES),
            by=plan.author,
            at=at(day),
        )

    def create_involvements(self, projects):
        """Each launched activity's porteur and funders, then partners drawn at random, one role per organisation and
        project (a funder once per kind of contribution)."""
        rng = self.rng
        seen, rows = set(), []

        def add(plan, organization, role, **fields):
            kind = fields.get("contribution_kind") if role == Involvement.Role.FUNDER else None
            key = (plan.project.pk, organization.pk if organization else None, role, kind)
            if key in seen:
                return
            seen.add(key)
            started_on = fields.pop("started_on", None) or self.random_day(plan.dates[0], plan.last_day)
            ended = rng.random() < 0.3
            rows.append(
                Involvement(
                    project=plan.project,
                    organization=organization,
                    role=role,
                    started_on=started_on,
                    ended_on=self.random_day(started_on, self.today) if ended else None,
                    created_by=plan.author,
                    created_at=at(started_on),
                    **fields,
                )
            )

        kinds = list(Involvement.ContributionKind)
        for plan in projects:
            if plan.activity:
                add(plan, plan.activity.porteur, Involvement.Role.PORTEUR, started_on=plan.dates[1])
                for _ in range(rng.randint(1, 3)):
                    add(
                        plan,
                        rng.choice(self.funders) if self.funders else None,
                        Involvement.Role.FUNDER,
                        started_on=plan.activity.opened_on,
                        contribution_kind=rng.choice(kinds),
                        amount=Decimal(rng.randint(10, 160) * 500),
                    )
        self.counts["financements"] = len(rows) - sum(1 for plan in projects if plan.activity)
        roles = [role for role, _ in INVOLVEMENT_ROLES]
        weights = [weight for _, weight in INVOLVEMENT_ROLES]
        attempts = 0
        while len(rows) < self.sizes.involvements and attempts < 3 * self.sizes.involvements and projects:
            attempts += 1
            plan = rng.choice(projects)
            role = rng.choices(roles, weights)[0]
            if role == Involvement.Role.FUNDER and self.funders:
                add(
                    plan,
                    rng.choice(self.funders),
                    role,
                    contribution_kind=(kind := rng.choice(kinds)),
                    amount=Decimal(rng.randint(4, 120) * 500) if kind != "in_kind" else None,
                )
            elif role == Involvement.Role.SPONSOR:
                commune = plan.communes[0]
                sponsor = self.collectivite_of.get(("epci", commune.epci_id)) or self.collectivite_of.get(
                    ("department", commune.department_id)
                )
                if sponsor:
                    add(plan, sponsor, role)
            else:
                add(plan, rng.choice(self.everyone), role)
        self.counts["implications"] = insert_quietly(Involvement, rows)
