"""Demo data: for each Breton structure, needs at every status and projects at every stage and state, with
their dated history, so that a fresh local run shows the platform as the field uses it. Local use only."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from needs.models import Need, NeedEvent, Theme
from partners.models import Organization
from projects.models import Activity, CopilDecision, FollowUp, Funding, Meeting, Project, ProjectEvent
from territories.models import Commune

Stage, State = Project.Stage, Project.State
STAGES = list(Stage)


def d(text):
    return datetime.date.fromisoformat(text)


def at(day):
    """Noon, Paris time, on that day: the history of the demo is dated like the field's."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


ORGANIZATIONS = {
    "bdt": {"name": "Banque des Territoires", "kind": Organization.Kind.PUBLIC_FUNDER, "siren": "180020026"},
    "region": {
        "name": "Région Bretagne",
        "kind": Organization.Kind.REGION,
        "siren": "235300019",
        "governed_region_id": "53",
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
                Need.Source.CALL,
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
                    "fundings": [("grant", "35000", "region"), ("grant", "20000", "bdt")],
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
                    "fundings": [("loan", "50000", "bretagne_active"), ("grant", "40000", "region")],
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
                    "fundings": [("grant", "18000", "region"), ("sponsorship", "5000", "fondation_macif")],
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
                    "fundings": [("grant", "60000", "region"), ("equity", "15000", "bretagne_active")],
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
                    "fundings": [("grant", "45000", "bdt"), ("in_kind", "8000", None)],
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


def create_demo_data(users):
    """Create each structure's demo needs and projects, unless that structure already has needs."""
    created = 0
    with transaction.atomic():
        organizations = {
            key: Organization.objects.get_or_create(name=fields["name"], defaults=fields)[0]
            for key, fields in ORGANIZATIONS.items()
        }
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
    Funding.objects.bulk_create(
        Funding(activity=activity, kind=kind, amount=Decimal(amount), funder=organizations.get(funder))
        for kind, amount, funder in spec["fundings"]
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
