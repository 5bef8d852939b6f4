"""Demo data: for each Breton structure, needs at every status and projects at every stage and state, with
their dated history, so that a fresh local run shows the platform as the field uses it; a directory of partners
involved in the projects, with a few contacts per structure; and Rennes Métropole's collectivité account with the
needs it proposed (« appel à révélation »). Local use only. The people are fictional."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from needs.models import Need, NeedEvent, Theme
from partners.models import Contact, Involvement, Organization
from projects.models import Activity, CopilDecision, FollowUp, Meeting, Project, ProjectEvent
from territories.models import Commune

Stage, State = Project.Stage, Project.State
STAGES = list(Stage)


def d(text):
    return datetime.date.fromisoformat(text)


def at(day):
    """Noon, Paris time, on that day: the history of the demo is dated like the field's."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


# The partner directory. Collectivités are tied to their territory of the reference geography (their SIREN is the
# EPCI's code, or the commune's SIREN, from the same data).
ORGANIZATIONS = {
    "bdt": {
        "name": "Banque des Territoires",
        "kind": Organization.Kind.PUBLIC_FUNDER,
        "siren": "180020026",
        "website": "https://www.banquedesterritoires.fr",
    },
    "region": {
        "name": "Région Bretagne",
        "kind": Organization.Kind.REGION,
        "siren": "235300019",
        "governed_region_id": "53",
        "commune_id": "35238",
        "website": "https://www.bretagne.bzh",
    },
    "departement35": {
        "name": "Département d'Ille-et-Vilaine",
        "kind": Organization.Kind.DEPARTMENT,
        "siren": "223500018",
        "governed_department_id": "35",
        "commune_id": "35238",
        "website": "https://www.ille-et-vilaine.fr",
    },
    "rennes_metropole": {
        "name": "Rennes Métropole",
        "kind": Organization.Kind.EPCI,
        "siren": "243500139",
        "governed_epci_id": "243500139",
        "commune_id": "35238",
        "website": "https://metropole.rennes.fr",
    },
    "brest_metropole": {
        "name": "Brest métropole",
        "kind": Organization.Kind.EPCI,
        "siren": "242900314",
        "governed_epci_id": "242900314",
        "commune_id": "29019",
        "website": "https://www.brest.fr",
    },
    "lorient_agglo": {
        "name": "Lorient Agglomération",
        "kind": Organization.Kind.EPCI,
        "siren": "200042174",
        "governed_epci_id": "200042174",
        "commune_id": "56121",
        "website": "https://www.lorient-agglo.bzh",
    },
    "scrignac": {
        "name": "Commune de Scrignac",
        "kind": Organization.Kind.COMMUNE,
        "siren": "212902753",
        "governed_commune_id": "29275",
        "commune_id": "29275",
    },
    "france_active": {
        "name": "France Active",
        "kind": Organization.Kind.SOLIDARITY_FINANCE,
        "website": "https://www.franceactive.org",
    },
    "cress": {"name": "CRESS Bretagne", "kind": Organization.Kind.NETWORK, "website": "https://www.ess-bretagne.org"},
    "pole_ess_rennes": {
        "name": "Pôle ESS du Pays de Rennes",
        "kind": Organization.Kind.NETWORK,
        "commune_id": "35238",
    },
    "mission_locale_rennes": {
        "name": "Mission locale du bassin rennais",
        "kind": Organization.Kind.ASSOCIATION,
        "commune_id": "35238",
    },
    "envie35": {"name": "Envie 35", "kind": Organization.Kind.ESS, "commune_id": "35238"},
    "epicerie_ouest": {
        "name": "Association L'Épicerie qui roule",
        "kind": Organization.Kind.ASSOCIATION,
        "commune_id": "35210",
    },
    "bretagne_active": {"name": "Bretagne Active", "kind": Organization.Kind.SOLIDARITY_FINANCE},
    "fondation_macif": {"name": "Fondation Macif", "kind": Organization.Kind.PRIVATE_FUNDER},
    "roche_aux_fees": {"name": "Association Roche-aux-Fées Services", "kind": Organization.Kind.ASSOCIATION},
    "garage_fougeres": {"name": "SCIC Garage solidaire du Pays de Fougères", "kind": Organization.Kind.ESS},
    "tamm_kafe": {"name": "Association Tamm Kafe", "kind": Organization.Kind.ASSOCIATION},
    "callac_lieu": {"name": "Association L'Atelier de Callac", "kind": Organization.Kind.ASSOCIATION},
    "ploermel_mobilite": {"name": "Mobil'Emploi Brocéliande", "kind": Organization.Kind.ASSOCIATION},
}

# Each structure: its demo révélateur, its needs and its projects.
# A need: (title, description, themes, source, commune codes, detected on, status, reason).
# A project: title, needs answered (indexes), commune codes, themes, the dates it reached each stage,
#   its state, visibility, and for a launched one its activity.
DEMO = {
    "TAg35": {
        "revelateur": "revelateur35@fabrique.test",
        "needs": [
            (
                "Isolement des personnes âgées dans le Pays de la Roche-aux-Fées",
                "Les CCAS de Retiers et Janzé signalent des personnes âgées isolées, sans solution pour les petites "
                "démarches du quotidien (courses, rendez-vous, papiers).",
                ["Bien-vieillir", "Lien social et tiers-lieux"],
                Need.Source.COLLECTIVITE,
                ["35239", "35136"],
                "2021-11-15",
            ),
            (
                "Garage solidaire pour l'accès à l'emploi",
                "Des demandeurs d'emploi du Pays de Fougères renoncent à des offres faute de pouvoir entretenir "
                "leur véhicule.",
                ["Mobilité", "Insertion et emploi"],
                Need.Source.PARTNER,
                ["35115"],
                "2018-09-10",
            ),
            (
                "Un tiers-lieu pour le centre-bourg de Saint-Méen-le-Grand",
                "Les associations locales cherchent un lieu partagé ; des commerces ferment en centre-bourg.",
                ["Lien social et tiers-lieux", "Commerce et services de proximité"],
                Need.Source.INHABITANTS,
                ["35297"],
                "2026-03-02",
                Need.Status.QUALIFIED,
            ),
            (
                "Mobilité des jeunes sans permis",
                "La mission locale constate que des jeunes de 16 à 25 ans refusent des formations faute de moyen de "
                "transport.",
                ["Mobilité", "Enfance-jeunesse"],
                Need.Source.PARTNER,
                ["35012"],
                "2026-10-06",
                Need.Status.DETECTED,
            ),
            (
                "Épicerie solidaire étudiante",
                "Des étudiants de Rennes sautent des repas en fin de mois.",
                ["Alimentation durable"],
                Need.Source.WATCH,
                ["35238"],
                "2025-01-20",
                Need.Status.DISMISSED,
                "Déjà couvert par les épiceries solidaires du CROUS et de l'université ouvertes en 2024.",
            ),
            (
                "Ressourcerie du Pays de Janzé",
                "La déchèterie voit passer des objets réutilisables ; aucune ressourcerie à moins de 30 km.",
                ["Économie circulaire et réemploi"],
                Need.Source.COLLECTIVITE,
                ["35136"],
                "2025-06-12",
                Need.Status.ON_HOLD,
                "En attente du nouveau plan local de prévention des déchets de la communauté de communes.",
            ),
            (
                "Recyclerie et atelier de réparation à Vitré",
                "Les habitants demandent un lieu pour faire réparer plutôt que jeter.",
                ["Économie circulaire et réemploi", "Insertion et emploi"],
                Need.Source.INHABITANTS,
                ["35360"],
                "2024-04-08",
            ),
            (
                "Une cantine solidaire à Redon",
                "Des familles du quartier de Bellevue n'ont pas accès à une restauration à prix modéré.",
                ["Alimentation durable", "Lien social et tiers-lieux"],
                Need.Source.IDEA_SCOUT,
                ["35236"],
                "2023-05-22",
            ),
            (
                "Apprendre à conduire quand on a peu de moyens",
                "Le coût du permis de conduire freine l'insertion dans le Pays de Combourg.",
                ["Mobilité", "Insertion et emploi"],
                Need.Source.PARTNER,
                ["35085"],
                "2025-09-01",
            ),
        ],
        "projects": [
            {
                "title": "Conciergerie solidaire pour les seniors de la Roche-aux-Fées",
                "needs": [0],
                "communes": ["35239", "35136"],
                "stages": ["2022-03-01", "2022-11-18", "2023-04-03", "2024-01-15", "2024-09-02"],
                "visibility": Project.Visibility.PUBLIC,
                "solution_type": "Conciergerie",
                "activity": {
                    "name": "Conciergerie solidaire de la Roche-aux-Fées",
                    "legal_form": Activity.LegalForm.ASSOCIATION,
                    "esus": True,
                    "porteur": "roche_aux_fees",
                    "opened_on": "2024-09-02",
                    "jobs": "2.5",
                    "follow_ups": [(2025, "3.0", None)],
                },
            },
            {
                "title": "Garage solidaire du Pays de Fougères",
                "needs": [1],
                "communes": ["35115"],
                "stages": ["2019-01-07", "2019-10-14", "2020-02-03", "2020-09-21", "2021-05-03"],
                "visibility": Project.Visibility.PUBLIC,
                "solution_type": "Garage solidaire",
                "activity": {
                    "name": "Garage solidaire du Pays de Fougères",
                    "legal_form": Activity.LegalForm.SCIC,
                    "iae": True,
                    "esus": True,
                    "porteur": "garage_fougeres",
                    "opened_on": "2021-05-03",
                    "jobs": "4.0",
                    "follow_ups": [(2022, "5.0", None), (2023, "6.5", None), (2024, "7.0", None), (2025, "7.0", None)],
                },
            },
            {
                "title": "Recyclerie et atelier de réparation du Pays de Vitré",
                "needs": [6],
                "communes": ["35360"],
                "stages": ["2024-06-03", "2025-03-10", "2025-07-07"],
                "visibility": Project.Visibility.PUBLIC,
                "solution_type": "Recyclerie",
            },
            {
                "title": "Cantine solidaire de Bellevue",
                "needs": [7],
                "communes": ["35236"],
                "stages": ["2023-09-04", "2024-05-13"],
                "state": (State.STOPPED, "2025-01-27", "Aucun porteur identifié après huit mois de recherche."),
                "visibility": Project.Visibility.PARTNERS,
                "solution_type": "Restaurant solidaire",
            },
            {
                "title": "Auto-école solidaire du Pays de Combourg",
                "needs": [8],
                "communes": ["35085"],
                "stages": ["2025-10-06"],
                "state": (State.PAUSED, "2026-04-14", "Reprise après le renouvellement du conseil communautaire."),
                "visibility": Project.Visibility.INTERNAL,
                "solution_type": "Auto-école solidaire",
            },
        ],
    },
    "TAg29": {
        "revelateur": "revelateur29@fabrique.test",
        "needs": [
            (
                "Plus de café ni d'épicerie dans le bourg de Scrignac",
                "Le dernier commerce du bourg a fermé ; les habitants font 15 km pour acheter du pain.",
                ["Commerce et services de proximité", "Lien social et tiers-lieux"],
                Need.Source.INHABITANTS,
                ["29275"],
                "2020-10-05",
            ),
            (
                "Accès aux soins dans les monts d'Arrée",
                "Deux médecins partent à la retraite à Huelgoat sans successeur.",
                ["Santé et handicap"],
                Need.Source.COLLECTIVITE,
                ["29081"],
                "2026-09-14",
                Need.Status.DETECTED,
            ),
            (
                "Un lieu nourricier pour le Poher",
                "Producteurs et habitants du Poher veulent transformer et vendre localement.",
                ["Agriculture et circuits courts", "Alimentation durable"],
                Need.Source.PARTNER,
                ["29024"],
                "2023-02-13",
            ),
            (
                "Services aux seniors du Pays de Landivisiau",
                "Le CLIC relève des besoins d'aide pour les petites démarches, comme à la Roche-aux-Fées.",
                ["Bien-vieillir"],
                Need.Source.WATCH,
                ["29105"],
                "2025-11-03",
            ),
            (
                "Laverie solidaire à Morlaix",
                "Des ménages sans lave-linge dans le centre de Morlaix.",
                ["Commerce et services de proximité"],
                Need.Source.IDEA_SCOUT,
                ["29151"],
                "2024-01-08",
            ),
            (
                "Réemploi des matériaux du bâtiment",
                "Les artisans de Quimper jettent des matériaux réutilisables.",
                ["Économie circulaire et réemploi", "Habitat"],
                Need.Source.PARTNER,
                ["29232"],
                "2026-05-18",
                Need.Status.QUALIFIED,
            ),
            (
                "Navette vers la gare de Châteaulin",
                "Demande d'habitants de communes rurales pour rejoindre la gare.",
                ["Mobilité"],
                Need.Source.INHABITANTS,
                ["29026"],
                "2025-03-03",
                Need.Status.DISMISSED,
                "Le transport à la demande régional dessert cette ligne depuis septembre 2025.",
            ),
        ],
        "projects": [
            {
                "title": "Café-épicerie associatif de Scrignac",
                "needs": [0],
                "communes": ["29275"],
                "stages": ["2021-01-11", "2021-09-20", "2021-12-06", "2022-06-13", "2023-03-01"],
                "visibility": Project.Visibility.PUBLIC,
                "solution_type": "Café-épicerie",
                "activity": {
                    "name": "Tamm Kafe, café-épicerie de Scrignac",
                    "legal_form": Activity.LegalForm.ASSOCIATION,
                    "porteur": "tamm_kafe",
                    "opened_on": "2023-03-01",
                    "jobs": "1.5",
                    "follow_ups": [(2024, "2.0", None), (2025, "2.0", None)],
                },
            },
            {
                "title": "Tiers-lieu nourricier du Poher",
                "needs": [2],
                "communes": ["29024"],
                "stages": ["2023-05-02", "2024-02-05", "2024-06-17", "2025-06-30"],
                "visibility": Project.Visibility.PARTNERS,
                "solution_type": "Tiers-lieu",
            },
            {
                "title": "Conciergerie seniors du Pays de Landivisiau",
                "needs": [3],
                "communes": ["29105"],
                "stages": ["2026-01-12"],
                "visibility": Project.Visibility.PUBLIC,
                "solution_type": "Conciergerie",
                "essaimage_of": "Conciergerie solidaire de la Roche-aux-Fées",
            },
            {
                "title": "Laverie solidaire du centre de Morlaix",
                "needs": [4],
                "communes": ["29151"],
                "stages": ["2024-03-04"],
                "copil_stop": (
                    "2024-12-09",
                    "COPIL de l'étude d'opportunité",
                    "Marché trop étroit : moins de 40 foyers.",
                ),
                "visibility": Project.Visibility.INTERNAL,
                "solution_type": "Laverie",
            },
        ],
    },
    "TAg22": {
        "revelateur": "revelateur22@fabrique.test",
        "needs": [
            (
                "Un lieu de vie et de travail partagé à Callac",
                "Télétravailleurs, artisans et associations cherchent un lieu commun.",
                ["Lien social et tiers-lieux", "Numérique"],
                Need.Source.COLLECTIVITE,
                ["22025"],
                "2019-06-17",
            ),
            (
                "Garde d'enfants en horaires décalés",
                "Les salariés de l'agroalimentaire de Loudéac travaillent tôt le matin.",
                ["Enfance-jeunesse", "Insertion et emploi"],
                Need.Source.PARTNER,
                ["22136"],
                "2025-08-25",
            ),
            (
                "Rénovation énergétique accompagnée",
                "Les propriétaires modestes de Rostrenen renoncent aux travaux.",
                ["Transition énergétique", "Habitat"],
                Need.Source.INHABITANTS,
                ["22266"],
                "2026-06-09",
                Need.Status.DETECTED,
            ),
        ],
        "projects": [
            {
                "title": "Tiers-lieu de Callac",
                "needs": [0],
                "communes": ["22025"],
                "stages": ["2019-10-07", "2020-06-15", "2020-10-05", "2021-05-17", "2022-04-01"],
                "visibility": Project.Visibility.PUBLIC,
                "solution_type": "Tiers-lieu",
                "activity": {
                    "name": "L'Atelier, tiers-lieu de Callac",
                    "legal_form": Activity.LegalForm.SCIC,
                    "esus": True,
                    "porteur": "callac_lieu",
                    "opened_on": "2022-04-01",
                    "jobs": "1.0",
                    "follow_ups": [(2023, "2.0", None), (2024, "2.5", None), (2025, "0.0", "2025-12-31")],
                },
            },
            {
                "title": "Crèche aux horaires décalés du Centre Bretagne",
                "needs": [1],
                "communes": ["22136"],
                "stages": ["2025-11-03"],
                "visibility": Project.Visibility.PUBLIC,
                "solution_type": "Micro-crèche",
            },
        ],
    },
    "TAg56": {
        "revelateur": "revelateur56@fabrique.test",
        "needs": [
            (
                "Se rendre au travail sans voiture autour de Ploërmel",
                "Des offres d'emploi restent vacantes faute de mobilité.",
                ["Mobilité", "Insertion et emploi"],
                Need.Source.PARTNER,
                ["56165"],
                "2021-02-08",
            ),
            (
                "Une épicerie de produits locaux à Pontivy",
                "Les producteurs du Pays de Pontivy manquent de débouchés en ville.",
                ["Agriculture et circuits courts", "Commerce et services de proximité"],
                Need.Source.IDEA_SCOUT,
                ["56178"],
                "2024-10-14",
            ),
            (
                "Aide aux aidants familiaux",
                "Les aidants du Pays de Guémené-sur-Scorff s'épuisent.",
                ["Santé et handicap", "Bien-vieillir"],
                Need.Source.COLLECTIVITE,
                ["56073"],
                "2026-02-16",
                Need.Status.QUALIFIED,
            ),
            (
                "Réparer les vélos à Vannes",
                "Beaucoup de vélos abandonnés ; peu d'ateliers.",
                ["Mobilité", "Économie circulaire et réemploi"],
                Need.Source.INHABITANTS,
                ["56260"],
                "2025-04-07",
                Need.Status.ON_HOLD,
                "Un atelier associatif ouvre au printemps : attendre son bilan.",
            ),
        ],
        "projects": [
            {
                "title": "Plateforme de mobilité solidaire de Brocéliande",
                "needs": [0],
                "communes": ["56165"],
                "stages": ["2021-04-06", "2021-12-13", "2022-03-07", "2023-01-16", "2024-02-05"],
                "visibility": Project.Visibility.PUBLIC,
                "solution_type": "Plateforme de mobilité",
                "activity": {
                    "name": "Mobil'Emploi Brocéliande",
                    "legal_form": Activity.LegalForm.ASSOCIATION,
                    "iae": False,
                    "porteur": "ploermel_mobilite",
                    "opened_on": "2024-02-05",
                    "jobs": "3.0",
                    "follow_ups": [(2025, "3.5", None)],
                },
            },
            {
                "title": "Épicerie de producteurs du Pays de Pontivy",
                "needs": [1],
                "communes": ["56178"],
                "stages": ["2025-01-06", "2025-10-20"],
                "visibility": Project.Visibility.PUBLIC,
                "solution_type": "Épicerie de producteurs",
            },
        ],
    },
}


def create_demo_organizations():
    """Return the demo partner directory by key, creating the organisations missing (found by SIREN, else name)."""
    organizations = {}
    for key, fields in ORGANIZATIONS.items():
        lookup = {"siren": fields["siren"]} if fields.get("siren") else {"name": fields["name"]}
        organizations[key] = Organization.objects.get_or_create(**lookup, defaults=fields)[0]
    return organizations


def create_demo_data(users, organizations):
    """Create each structure's demo needs and projects, unless that structure already has needs; then the parts
    added since (the collectivité's proposals, the partners' involvements, the contacts), each unless it is there.

    Return the number of structures filled.
    """
    created = 0
    with transaction.atomic():
        themes = {theme.name: theme for theme in Theme.objects.all()}
        communes = Commune.objects.in_bulk([code for s in DEMO.values() for n in s["needs"] for code in n[4]])
        for data in DEMO.values():
            user = users[data["revelateur"]]
            if Need.objects.filter(structure=user.structure).exists():
                continue
            needs = [_create_need(user, row, themes, communes) for row in data["needs"]]
            for spec in data["projects"]:
                _create_project(user, spec, needs, themes, communes, organizations)
            created += 1
        _create_collectivite_demo(users, organizations, themes)
        _create_involvements(users, organizations)
        _create_contacts(users, organizations)
    return created


def _create_need(user, row, themes, communes):
    title, description, theme_names, source, commune_codes, detected_on, *rest = row
    status = rest[0] if rest else Need.Status.QUALIFIED
    reason = rest[1] if len(rest) > 1 else ""
    detected_on = d(detected_on)
    first = communes[commune_codes[0]]
    need = Need.objects.create(
        structure=user.structure,
        title=title,
        description=description,
        source=source,
        department=first.department,
        epci=first.epci,
        detected_on=detected_on,
        status=status,
        status_reason=reason,
        territory_kind=Need.TerritoryKind.URBAN if (first.population or 0) > 20000 else Need.TerritoryKind.RURAL,
        created_by=user,
        created_at=at(detected_on),
        updated_at=at(detected_on),
    )
    need.themes.set(themes[name] for name in theme_names)
    need.communes.set(communes[code] for code in commune_codes)
    NeedEvent.objects.create(
        need=need, kind=NeedEvent.Kind.CREATED, to_status=Need.Status.DETECTED, by=user, at=at(detected_on)
    )
    if status != Need.Status.DETECTED:
        qualified_on = detected_on + datetime.timedelta(days=21)
        NeedEvent.objects.create(
            need=need,
            kind=NeedEvent.Kind.STATUS,
            from_status=Need.Status.DETECTED,
            to_status=Need.Status.QUALIFIED,
            comment="Besoin confirmé par un diagnostic avec les acteurs locaux.",
            by=user,
            at=at(qualified_on),
        )
        if status in (Need.Status.ON_HOLD, Need.Status.DISMISSED):
            NeedEvent.objects.create(
                need=need,
                kind=NeedEvent.Kind.STATUS,
                from_status=Need.Status.QUALIFIED,
                to_status=status,
                comment=reason,
                by=user,
                at=at(qualified_on + datetime.timedelta(days=30)),
            )
    return need


def _create_project(user, spec, needs, themes, communes, organizations):
    stage_dates = [d(day) for day in spec["stages"]]
    stage = STAGES[len(stage_dates) - 1]
    state, state_on, reason = spec.get("state", (State.RUNNING, None, ""))
    copil_stop = spec.get("copil_stop")
    if copil_stop:
        state, reason = State.STOPPED, copil_stop[2]
    answered = [needs[index] for index in spec["needs"]]
    first = communes[spec["communes"][0]]
    project = Project.objects.create(
        structure=user.structure,
        title=spec["title"],
        public_summary=answered[0].description,
        internal_summary=f"Suivi par {user.get_full_name()}. " + answered[0].description,
        solution_type=spec.get("solution_type", ""),
        department=first.department,
        epci=first.epci,
        visibility=spec["visibility"],
        published_at=at(stage_dates[0]) if spec["visibility"] == Project.Visibility.PUBLIC else None,
        stage=stage,
        state=state,
        stopped_reason=reason if state == State.STOPPED else "",
        # An essaimage replicates an activity launched earlier, here by another structure.
        source_activity=Activity.objects.filter(name=spec.get("essaimage_of", "")).first(),
        opened_on=stage_dates[0],
        created_by=user,
        created_at=at(stage_dates[0]),
        updated_at=at(state_on and d(state_on) or stage_dates[-1]),
    )
    project.themes.set({theme for need in answered for theme in need.themes.all()})
    project.communes.set(communes[code] for code in spec["communes"])
    ProjectEvent.objects.create(
        project=project,
        kind=ProjectEvent.Kind.OPENED,
        to_stage=Stage.OPPORTUNITY_STUDY,
        to_state=State.RUNNING,
        comment="En réponse à : " + ", ".join(need.title for need in answered) + ".",
        by=user,
        at=at(stage_dates[0]),
    )
    for need in answered:
        Need.objects.filter(pk=need.pk).update(status=Need.Status.IN_STUDY, project=project)
        NeedEvent.objects.create(
            need=need,
            kind=NeedEvent.Kind.STATUS,
            from_status=Need.Status.QUALIFIED,
            to_status=Need.Status.IN_STUDY,
            comment=f"Étude ouverte : {project.title}.",
            by=user,
            at=at(stage_dates[0]),
        )
    Meeting.objects.create(
        project=project,
        kind=Meeting.Kind.CREATIVITY,
        held_on=stage_dates[0] + datetime.timedelta(days=45),
        title="Séance de créativité avec les habitants et les élus",
        participants=18,
        summary="Pistes retenues : "
        + (spec.get("solution_type") or "à préciser").lower()
        + ", modèle économique à étudier.",
        recorded_by=user,
        recorded_at=at(stage_dates[0] + datetime.timedelta(days=46)),
    )
    for previous, (reached, reached_on) in zip(STAGES, list(zip(STAGES, stage_dates))[1:], strict=False):
        copil = None
        if previous == Stage.OPPORTUNITY_STUDY:
            copil = CopilDecision.objects.create(
                project=project,
                decided_on=reached_on,
                body="COPIL de l'étude d'opportunité",
                decision=CopilDecision.Decision.GO,
                comment="Opportunité confirmée : lancer la recherche d'un porteur.",
                recorded_by=user,
                recorded_at=at(reached_on),
            )
        ProjectEvent.objects.create(
            project=project,
            kind=ProjectEvent.Kind.STAGE,
            from_stage=previous,
            to_stage=reached,
            from_state=State.RUNNING,
            to_state=State.RUNNING,
            comment=copil.comment if copil else "",
            copil=copil,
            by=user,
            at=at(reached_on),
        )
    if copil_stop:
        decided_on, body, comment = copil_stop
        copil = CopilDecision.objects.create(
            project=project,
            decided_on=d(decided_on),
            body=body,
            decision=CopilDecision.Decision.STOP,
            comment=comment,
            recorded_by=user,
            recorded_at=at(d(decided_on)),
        )
        ProjectEvent.objects.create(
            project=project,
            kind=ProjectEvent.Kind.STATE,
            from_stage=stage,
            to_stage=stage,
            from_state=State.RUNNING,
            to_state=State.STOPPED,
            comment=comment,
            copil=copil,
            by=user,
            at=at(d(decided_on)),
        )
    elif state != State.RUNNING:
        ProjectEvent.objects.create(
            project=project,
            kind=ProjectEvent.Kind.STATE,
            from_stage=stage,
            to_stage=stage,
            from_state=State.RUNNING,
            to_state=state,
            comment=reason,
            by=user,
            at=at(d(state_on)),
        )
    if activity := spec.get("activity"):
        _create_activity(user, project, activity, organizations)


def _create_activity(user, project, spec, organizations):
    activity = Activity.objects.create(
        project=project,
        name=spec["name"],
        legal_form=spec["legal_form"],
        esus=spec.get("esus", False),
        iae=spec.get("iae", False),
        porteur=organizations[spec["porteur"]],
        opened_on=d(spec["opened_on"]),
        jobs_at_launch=Decimal(spec["jobs"]),
        created_at=at(d(spec["opened_on"])),
    )
    FollowUp.objects.bulk_create(
        FollowUp(
            activity=activity,
            year=year,
            jobs=Decimal(jobs),
            still_active=closed_on is None,
            closed_on=closed_on and d(closed_on),
            comment="" if closed_on is None else "Activité fermée : le porteur n'a pas trouvé son équilibre.",
            recorded_by=user,
            recorded_at=at(datetime.date(year + 1, 1, 15)),
        )
        for year, jobs, closed_on in spec["follow_ups"]
    )


# Rennes Métropole's collectivité account, the needs it proposed to TAg35 (« appel à révélation ») at each status,
# the study opened on one of them, shared with the partners, and a public study elsewhere in the métropole.
# A proposal: (title, description, themes, commune codes, proposed on, status, reason).
COLLECTIVITE_DEMO = {
    "collectivite": "collectivite35@fabrique.test",
    "organization": "rennes_metropole",
    "revelateur": "revelateur35@fabrique.test",
    "contact": "Gwenaëlle Riou, chargée de mission économie sociale et solidaire\n"
    "gwenaelle.riou@exemple.fr — 02 99 00 00 12",
    "proposals": [
        (
            "Un relais pour les aidants de personnes âgées à Chantepie",
            "Le CCAS reçoit de plus en plus d'aidants familiaux épuisés ; l'accueil de jour le plus proche est "
            "complet et aucune solution de répit à domicile n'existe sur la commune.",
            ["Bien-vieillir", "Santé et handicap"],
            ["35055"],
            "2026-11-09",
            Need.Status.DETECTED,
        ),
        (
            "Des repas partagés pour les étudiants isolés",
            "Les associations étudiantes signalent des étudiants qui mangent seuls et peu, surtout le week-end, "
            "dans les résidences éloignées du centre de Rennes.",
            ["Alimentation durable", "Lien social et tiers-lieux"],
            ["35238"],
            "2026-11-23",
            Need.Status.DETECTED,
        ),
        (
            "Réparer plutôt que jeter dans le sud de la métropole",
            "Les déchèteries de Bruz et de Chartres-de-Bretagne reçoivent beaucoup de petit électroménager "
            "réparable ; les habitants ne savent pas où le faire réparer.",
            ["Économie circulaire et réemploi"],
            ["35047", "35066"],
            "2026-06-15",
            Need.Status.QUALIFIED,
        ),
        (
            "Plus de commerce alimentaire dans les communes de l'ouest rennais",
            "À Pacé, Vezin-le-Coquet et Le Rheu, des quartiers entiers n'ont plus de commerce alimentaire à pied ; "
            "les personnes âgées et les ménages sans voiture dépendent de leurs voisins.",
            ["Commerce et services de proximité", "Alimentation durable"],
            ["35210", "35353", "35240"],
            "2025-06-10",
            Need.Status.IN_STUDY,
        ),
        (
            "Une laverie solidaire à Saint-Jacques-de-la-Lande",
            "Des familles des logements sociaux de la Courrouze n'ont pas de lave-linge.",
            ["Commerce et services de proximité"],
            ["35281"],
            "2025-02-03",
            Need.Status.DISMISSED,
            "Une laverie associative ouvre au centre social en septembre 2025 : le besoin sera couvert.",
        ),
    ],
    # The study opened on the proposal in study, shared with the partners of its territory.
    "study": {
        "title": "Épicerie solidaire itinérante de l'ouest rennais",
        "needs": [0],
        "communes": ["35210", "35353", "35240"],
        "stages": ["2025-10-06", "2026-06-22"],
        "visibility": Project.Visibility.PARTNERS,
        "solution_type": "Épicerie itinérante",
    },
    # A study of TAg35 elsewhere in the métropole, public.
    "public_need": (
        "Un atelier de réemploi au Blosne",
        "Les habitants du Blosne déposent des meubles et des vêtements en bon état au pied des immeubles ; "
        "des jeunes du quartier cherchent un premier emploi.",
        ["Économie circulaire et réemploi", "Insertion et emploi"],
        Need.Source.INHABITANTS,
        ["35238"],
        "2024-09-16",
    ),
    "public_study": {
        "title": "Recyclerie de quartier du Blosne",
        "needs": [0],
        "communes": ["35238"],
        "stages": ["2024-11-04", "2025-06-16", "2025-09-08"],
        "visibility": Project.Visibility.PUBLIC,
        "solution_type": "Recyclerie",
    },
}

Role, Kind = Involvement.Role, Involvement.ContributionKind

# The partners of each demo project: (organisation, role, from, until, contribution, amount, comment). The funders'
# contributions to a launched project are its activity's funding.
INVOLVEMENTS = {
    "Conciergerie solidaire pour les seniors de la Roche-aux-Fées": [
        ("departement35", Role.SPONSOR, "2022-03-01", None, "", None, "Commande du service autonomie."),
        ("bdt", Role.FUNDER, "2022-03-01", "2022-11-18", Kind.GRANT, "20000", "Étude d'opportunité."),
        ("region", Role.FUNDER, "2023-04-03", "2024-12-31", Kind.GRANT, "35000", "Amorçage de l'activité."),
        ("france_active", Role.COPIL_MEMBER, "2022-03-01", "2024-09-02", "", None, ""),
        ("roche_aux_fees", Role.PORTEUR, "2022-11-18", None, "", None, ""),
    ],
    "Garage solidaire du Pays de Fougères": [
        ("departement35", Role.COPIL_MEMBER, "2019-01-07", "2021-05-03", "", None, ""),
        ("bretagne_active", Role.FUNDER, "2020-09-21", None, Kind.LOAN, "50000", "Prêt d'honneur et garantie."),
        ("region", Role.FUNDER, "2020-09-21", "2022-12-31", Kind.GRANT, "40000", ""),
        ("garage_fougeres", Role.PORTEUR, "2019-10-14", None, "", None, ""),
    ],
    "Recyclerie et atelier de réparation du Pays de Vitré": [
        ("envie35", Role.EXPERT, "2025-03-10", None, "", None, "Retour d'expérience des ateliers de Rennes."),
        ("cress", Role.COPIL_MEMBER, "2024-06-03", None, "", None, ""),
    ],
    "Cantine solidaire de Bellevue": [
        ("departement35", Role.COPIL_MEMBER, "2023-09-04", "2025-01-27", "", None, ""),
        ("pole_ess_rennes", Role.OPERATIONAL, "2024-05-13", "2025-01-27", "", None, "Recherche de porteur."),
    ],
    "Épicerie solidaire itinérante de l'ouest rennais": [
        ("rennes_metropole", Role.SPONSOR, "2025-10-06", None, "", None, "Appel à révélation de la métropole."),
        ("departement35", Role.FUNDER, "2025-10-06", "2026-06-22", Kind.GRANT, "12000", "Étude d'opportunité."),
        ("mission_locale_rennes", Role.OPERATIONAL, "2026-01-12", None, "", None, "Recrutement des livreurs."),
        ("epicerie_ouest", Role.PORTEUR, "2026-06-22", None, "", None, "Porteur pressenti."),
        ("france_active", Role.EXPERT, "2026-06-22", None, "", None, ""),
    ],
    "Recyclerie de quartier du Blosne": [
        ("rennes_metropole", Role.COPIL_MEMBER, "2024-11-04", None, "", None, ""),
        ("envie35", Role.PORTEUR, "2025-06-16", None, "", None, "Extension de ses ateliers."),
        ("bdt", Role.FUNDER, "2025-09-08", None, Kind.GRANT, "25000", "Étude de faisabilité."),
    ],
    "Café-épicerie associatif de Scrignac": [
        ("scrignac", Role.SPONSOR, "2021-01-11", None, Kind.IN_KIND, "6000", "Mise à disposition de l'ancien café."),
        ("region", Role.FUNDER, "2022-06-13", "2023-12-31", Kind.GRANT, "18000", ""),
        ("fondation_macif", Role.FUNDER, "2022-06-13", "2023-06-30", Kind.SPONSORSHIP, "5000", ""),
        ("tamm_kafe", Role.PORTEUR, "2021-12-06", None, "", None, ""),
    ],
    "Tiers-lieu nourricier du Poher": [
        ("region", Role.COPIL_MEMBER, "2023-05-02", None, "", None, ""),
        ("bdt", Role.FUNDER, "2024-06-17", "2025-06-30", Kind.GRANT, "15000", "Étude de faisabilité."),
    ],
    "Conciergerie seniors du Pays de Landivisiau": [
        ("brest_metropole", Role.EXPERT, "2026-01-12", None, "", None, "Retour d'expérience du service seniors."),
    ],
    "Tiers-lieu de Callac": [
        ("region", Role.FUNDER, "2021-05-17", "2022-12-31", Kind.GRANT, "60000", ""),
        ("bretagne_active", Role.FUNDER, "2021-05-17", None, Kind.EQUITY, "15000", ""),
        ("cress", Role.EXPERT, "2020-06-15", "2021-05-17", "", None, ""),
        ("callac_lieu", Role.PORTEUR, "2020-10-05", None, "", None, ""),
    ],
    "Plateforme de mobilité solidaire de Brocéliande": [
        ("bdt", Role.FUNDER, "2023-01-16", "2024-12-31", Kind.GRANT, "45000", ""),
        # A funder nobody named: the vehicles lent at the opening still count in the funding raised.
        (None, Role.FUNDER, "2023-01-16", None, Kind.IN_KIND, "8000", "Véhicules prêtés à l'ouverture."),
        ("ploermel_mobilite", Role.PORTEUR, "2022-03-07", None, "", None, ""),
    ],
    "Épicerie de producteurs du Pays de Pontivy": [
        ("lorient_agglo", Role.EXPERT, "2025-01-06", None, "", None, "Retour d'expérience du marché de producteurs."),
        ("region", Role.COPIL_MEMBER, "2025-01-06", None, "", None, ""),
    ],
}

# A few people of the partners, by structure that recorded them (fictional; the addresses are not real):
# (organisation, first name, last name, job title, e-mail, phone).
CONTACTS = {
    "revelateur35@fabrique.test": [
        ("rennes_metropole", "Sophie", "Lemarchand", "Chargée de mission ESS", "s.lemarchand@exemple.fr", ""),
        ("departement35", "Hervé", "Collin", "Responsable du service autonomie", "h.collin@exemple.fr", ""),
        ("bretagne_active", "Julie", "Barbier", "Chargée d'accompagnement", "julie.barbier@exemple.fr", ""),
        ("envie35", "Karim", "Benali", "Directeur", "k.benali@exemple.fr", "02 99 00 00 31"),
    ],
    "revelateur29@fabrique.test": [
        ("scrignac", "Annaïg", "Le Bras", "Secrétaire de mairie", "mairie.scrignac@exemple.fr", "02 98 00 00 41"),
        ("brest_metropole", "Thomas", "Quéré", "Chargé de mission seniors", "t.quere@exemple.fr", ""),
        ("tamm_kafe", "Lena", "Cadiou", "Présidente", "lena.cadiou@exemple.fr", ""),
    ],
    "revelateur22@fabrique.test": [
        ("region", "Morgane", "Le Goff", "Chargée de mission ESS", "m.legoff@exemple.fr", ""),
        ("cress", "Pierre", "Hamon", "Animateur territorial", "p.hamon@exemple.fr", "02 96 00 00 52"),
    ],
    "revelateur56@fabrique.test": [
        ("lorient_agglo", "Léa", "Jégo", "Développement économique", "l.jego@exemple.fr", ""),
        ("bdt", "Nicolas", "Allain", "Chargé de développement territorial", "n.allain@exemple.fr", ""),
    ],
}


def _create_collectivite_demo(users, organizations, themes):
    """Create the collectivité's proposals and the studies of its territory, unless it has proposed needs already."""
    collectivite = users.get(COLLECTIVITE_DEMO["collectivite"])
    revelateur = users.get(COLLECTIVITE_DEMO["revelateur"])
    organization = organizations[COLLECTIVITE_DEMO["organization"]]
    if collectivite is None or revelateur is None or Need.objects.proposed_by(organization).exists():
        return
    codes = [code for row in COLLECTIVITE_DEMO["proposals"] for code in row[3]]
    communes = Commune.objects.in_bulk([*codes, *COLLECTIVITE_DEMO["public_need"][4]])
    proposals = [
        _create_proposal(collectivite, revelateur, organization, row, themes, communes)
        for row in COLLECTIVITE_DEMO["proposals"]
    ]
    rows = COLLECTIVITE_DEMO["proposals"]
    to_study = [need for need, row in zip(proposals, rows, strict=True) if row[5] == Need.Status.IN_STUDY]
    _create_project(revelateur, COLLECTIVITE_DEMO["study"], to_study, themes, communes, organizations)
    public_need = _create_need(revelateur, COLLECTIVITE_DEMO["public_need"], themes, communes)
    _create_project(revelateur, COLLECTIVITE_DEMO["public_study"], [public_need], themes, communes, organizations)


def _create_proposal(collectivite, revelateur, organization, row, themes, communes):
    """A need the collectivité proposed, with what the révélateur did with it (a need to study is left qualified:
    opening its study moves it)."""
    title, description, theme_names, commune_codes, proposed_on, status, *rest = row
    reason = rest[0] if rest else ""
    proposed_on = d(proposed_on)
    first = communes[commune_codes[0]]
    need = Need.objects.create(
        structure=revelateur.structure,
        title=title,
        description=description,
        source=Need.Source.COLLECTIVITE,
        source_detail=f"Appel à révélation de {organization.name}",
        proposed_by=organization,
        proposal_contact=COLLECTIVITE_DEMO["contact"],
        department=first.department,
        epci=first.epci,
        detected_on=proposed_on,
        status=Need.Status.QUALIFIED if status == Need.Status.IN_STUDY else status,
        status_reason=reason,
        created_by=collectivite,
        created_at=at(proposed_on),
        updated_at=at(proposed_on),
    )
    need.themes.set(themes[name] for name in theme_names)
    need.communes.set(communes[code] for code in commune_codes)
    NeedEvent.objects.create(
        need=need, kind=NeedEvent.Kind.CREATED, to_status=Need.Status.DETECTED, by=collectivite, at=at(proposed_on)
    )
    moved_on = proposed_on + datetime.timedelta(days=14)
    if status == Need.Status.DISMISSED:
        NeedEvent.objects.create(
            need=need,
            kind=NeedEvent.Kind.STATUS,
            from_status=Need.Status.DETECTED,
            to_status=status,
            comment=reason,
            by=revelateur,
            at=at(moved_on),
        )
    elif status != Need.Status.DETECTED:
        NeedEvent.objects.create(
            need=need,
            kind=NeedEvent.Kind.STATUS,
            from_status=Need.Status.DETECTED,
            to_status=Need.Status.QUALIFIED,
            comment="Besoin confirmé avec les services de la métropole et les communes concernées.",
            by=revelateur,
            at=at(moved_on),
        )
        NeedEvent.objects.create(
            need=need,
            kind=NeedEvent.Kind.NOTE,
            comment="Rendez-vous pris avec la vice-présidente en charge de l'ESS : elle souhaite un COPIL élargi.",
            by=revelateur,
            at=at(moved_on + datetime.timedelta(days=7)),
        )
    return need


def _create_involvements(users, organizations):
    """Tie the partners to the demo projects, for each project that has no partner yet."""
    for project in Project.objects.filter(title__in=INVOLVEMENTS).select_related("created_by"):
        if project.involvements.exists():
            continue
        Involvement.objects.bulk_create(
            Involvement(
                project=project,
                organization=organizations[key] if key else None,
                role=role,
                started_on=d(started_on),
                ended_on=ended_on and d(ended_on),
                contribution_kind=kind,
                amount=amount and Decimal(amount),
                comment=comment,
                created_by=project.created_by,
                created_at=at(d(started_on)),
            )
            for key, role, started_on, ended_on, kind, amount, comment in INVOLVEMENTS[project.title]
        )


def _create_contacts(users, organizations):
    """Record a few partner contacts for each structure that has none yet."""
    for email, people in CONTACTS.items():
        user = users.get(email)
        if user is None or Contact.objects.filter(structure=user.structure).exists():
            continue
        Contact.objects.bulk_create(
            Contact(
                organization=organizations[key],
                structure=user.structure,
                first_name=first_name,
                last_name=last_name,
                job_title=job_title,
                email=address,
                phone=phone,
                legal_basis=Contact.LegalBasis.LEGITIMATE_INTEREST,
                legal_basis_note="Partenaire d'un projet suivi par la structure.",
                created_by=user,
            )
            for key, first_name, last_name, job_title, address, phone in people
        )
