"""A small network built by hand, over 2019–2021, whose figures every test of the statistics knows by heart.

Every row carries its historical date, as an imported record would: the projects' moves are written as dated
history events. Reported span: 2019 to 2021 (all N+1 and N+3 follow-up years have passed).

TAg35 (Ille-et-Vilaine)                               TAg29 (Finistère)
  P1 « Garage solidaire » internal, Mobilité            P3 « Épicerie du Poher » public, Alimentation
     opened 2019-02-01, COPIL go 2019-11-15,               opened 2020-06-01, COPIL go 2021-02-01,
     feasibility 2020-03-01, amorçage 2020-09-01,          feasibility 2022-05-01 (after the span)
     activity opened 2021-03-01 (SCIC, 2,5 ETP),        P4 « Taxi social » internal, Mobilité
     follow-ups 2022: 4 ETP, 2024: 6 ETP (active)          opened 2019-04-01, COPIL go 2019-12-01,
  P2 « Cantine partagée » shared, Alimentation             feasibility 2020-02-01, amorçage 2020-06-01,
     opened 2020-01-10, COPIL stop 2020-10-01              activity opened 2020-09-01 (association, 1 ETP),
  P5 « Vélos-école » internal, Mobilité                    follow-ups 2021: 2 ETP, 2022: closed on 2022-06-30
     opened 2021-03-01, COPIL go 2021-05-01,
     stopped at the porteur search on 2021-12-01

Needs: N1 (TAg35, 2019, habitants, Mobilité, studied in P1), N2 (TAg35, 2020, proposed by Rennes Métropole),
N3 (TAg35, 2020, partenaire), N4 (TAg35, 2022: after the span), N5 (TAg35, 2018: before it),
N6 (TAg29, 2021, veille).
Partners: « Mobil'Aide » (association) on P1 from 2019-03-01 and on P4, with a contact since erased; the Région on
P2 with no dates (from P2's opening to its stop, 2020 only); a public funder on P3 in the first half of 2021;
a company on P5 in 2018 only.
Funding (the funders' contributions, from the activity's opening, when they count as partners too): P1's activity
20 000 € grant from the Région and a 10 000 € loan from nobody named; P4's activity a 5 000 € grant from the public
funder.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from needs.models import Need
from partners.models import Organization
from projects.models import Activity, CopilDecision, FollowUp, Project, ProjectEvent
from tests.needs.factories import NeedFactory, ThemeFactory
from tests.partners.factories import ContactFactory, FundingFactory, InvolvementFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory, EPCIFactory

Stage, State = Project.Stage, Project.State
YEARS = {"year_from": "2019", "year_to": "2021"}


def day(text):
    return datetime.date.fromisoformat(text)


def noon(on):
    return timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))


def move(project, to_stage, on, *, copil=None):
    ProjectEvent.objects.create(
        project=project,
        kind=ProjectEvent.Kind.STAGE,
        from_stage=project.stage,
        to_stage=to_stage,
        from_state=project.state,
        to_state=project.state,
        copil=copil,
        by=project.created_by,
        # A COPIL's move is recorded some days after the COPIL sat: its date is the COPIL's.
        at=noon(on + datetime.timedelta(days=3 if copil else 0)),
    )
    Project.objects.filter(pk=project.pk).update(stage=to_stage)
    project.refresh_from_db()


def stop(project, on, *, copil=None):
    ProjectEvent.objects.create(
        project=project,
        kind=ProjectEvent.Kind.STATE,
        from_stage=project.stage,
        to_stage=project.stage,
        from_state=project.state,
        to_state=State.STOPPED,
        copil=copil,
        comment="Arrêt.",
        by=project.created_by,
        at=noon(on + datetime.timedelta(days=3 if copil else 0)),
    )
    Project.objects.filter(pk=project.pk).update(state=State.STOPPED, stopped_reason="Arrêt.")
    project.refresh_from_db()


def copil(project, on, decision):
    decision_row = CopilDecision.objects.create(
        project=project, decided_on=on, body="COPIL de l'étude", decision=decision, recorded_by=project.created_by
    )
    if decision == CopilDecision.Decision.GO:
        move(project, Stage.PORTEUR_SEARCH, on, copil=decision_row)
    else:
        stop(project, on, copil=decision_row)


def launch(project, on, *, legal_form, jobs, porteur):
    # The launch is recorded a few days after the activity opened: the activity's date is the one that counts.
    move(project, Stage.LAUNCHED, on + datetime.timedelta(days=5))
    return Activity.objects.create(
        project=project, name=f"Activité de {project.title}", legal_form=legal_form, porteur=porteur,
        opened_on=on, jobs_at_launch=jobs,
    )  # fmt: skip


def follow_up(activity, year, jobs, *, closed_on=None):
    return FollowUp.objects.create(
        activity=activity,
        year=year,
        jobs=jobs,
        still_active=closed_on is None,
        closed_on=closed_on,
        recorded_by=activity.project.created_by,
    )


@pytest.fixture
def rennes(db):
    """Rennes, in Rennes Métropole (the cast's collectivité governs that EPCI)."""
    epci = EPCIFactory(code="243500139", name="Rennes Métropole")
    return CommuneFactory(code="35238", name="Rennes", department=DepartmentFactory(code="35"), epci=epci)


@pytest.fixture
def network(revelateur35, revelateur29, rennes, rennes_metropole):
    mobility = ThemeFactory(name="Mobilité")
    food = ThemeFactory(name="Alimentation durable")
    d35, d29 = DepartmentFactory(code="35"), DepartmentFactory(code="29")
    association = OrganizationFactory(name="Mobil'Aide", kind=Organization.Kind.ASSOCIATION)
    region = OrganizationFactory(name="Région Bretagne", kind=Organization.Kind.REGION, governed_region=d35.region)
    public_funder = OrganizationFactory(name="Banque des Territoires", kind=Organization.Kind.PUBLIC_FUNDER)
    company = OrganizationFactory(name="Transports Le Du", kind=Organization.Kind.COMPANY)

    def project(revelateur, title, opened_on, department, theme, visibility=Project.Visibility.INTERNAL):
        return ProjectFactory(
            created_by=revelateur, title=title, opened_on=day(opened_on), department=department, themes=[theme],
            visibility=visibility,
        )  # fmt: skip

    p1 = project(revelateur35, "Garage solidaire", "2019-02-01", d35, mobility)
    copil(p1, day("2019-11-15"), CopilDecision.Decision.GO)
    move(p1, Stage.FEASIBILITY_STUDY, day("2020-03-01"))
    move(p1, Stage.LAUNCH_SUPPORT, day("2020-09-01"))
    a1 = launch(p1, day("2021-03-01"), legal_form=Activity.LegalForm.SCIC, jobs=Decimal("2.5"), porteur=association)
    follow_up(a1, 2022, 4)
    follow_up(a1, 2024, 6)
    FundingFactory(project=p1, amount=20000, organization=region, started_on=a1.opened_on)
    FundingFactory(project=p1, contribution_kind="loan", amount=10000, organization=None, started_on=a1.opened_on)

    p2 = project(revelateur35, "Cantine partagée", "2020-01-10", d35, food, Project.Visibility.PARTNERS)
    copil(p2, day("2020-10-01"), CopilDecision.Decision.STOP)

    p3 = project(revelateur29, "Épicerie du Poher", "2020-06-01", d29, food, Project.Visibility.PUBLIC)
    copil(p3, day("2021-02-01"), CopilDecision.Decision.GO)
    move(p3, Stage.FEASIBILITY_STUDY, day("2022-05-01"))

    p4 = project(revelateur29, "Taxi social", "2019-04-01", d29, mobility)
    copil(p4, day("2019-12-01"), CopilDecision.Decision.GO)
    move(p4, Stage.FEASIBILITY_STUDY, day("2020-02-01"))
    move(p4, Stage.LAUNCH_SUPPORT, day("2020-06-01"))
    a4 = launch(p4, day("2020-09-01"), legal_form=Activity.LegalForm.ASSOCIATION, jobs=1, porteur=association)
    follow_up(a4, 2021, 2)
    follow_up(a4, 2022, 0, closed_on=day("2022-06-30"))
    FundingFactory(project=p4, amount=5000, organization=public_funder, started_on=a4.opened_on)

    p5 = project(revelateur35, "Vélos-école", "2021-03-01", d35, mobility)
    copil(p5, day("2021-05-01"), CopilDecision.Decision.GO)
    stop(p5, day("2021-12-01"))

    def need(revelateur, detected_on, source, theme, department, **kwargs):
        return NeedFactory(
            created_by=revelateur, detected_on=day(detected_on), source=source, themes=[theme],
            department=department, **kwargs,
        )  # fmt: skip

    n1 = need(revelateur35, "2019-01-15", Need.Source.INHABITANTS, mobility, d35)
    Need.objects.filter(pk=n1.pk).update(status=Need.Status.IN_STUDY, project=p1)
    need(revelateur35, "2020-05-10", Need.Source.COLLECTIVITE, food, d35, proposed_by=rennes_metropole)
    need(revelateur35, "2020-11-02", Need.Source.PARTNER, mobility, d35)
    need(revelateur35, "2022-01-05", Need.Source.INHABITANTS, mobility, d35)
    need(revelateur35, "2018-12-31", Need.Source.INHABITANTS, mobility, d35)
    need(revelateur29, "2021-06-01", Need.Source.WATCH, food, d29)

    InvolvementFactory(project=p1, organization=association, started_on=day("2019-03-01"))
    InvolvementFactory(project=p4, organization=association, role="porteur")
    InvolvementFactory(project=p2, organization=region, role="sponsor")
    InvolvementFactory(
        project=p3, organization=public_funder, role="funder", started_on=day("2021-01-01"), ended_on=day("2021-06-30")
    )
    InvolvementFactory(
        project=p5, organization=company, role="expert", started_on=day("2018-01-01"), ended_on=day("2018-12-31")
    )
    ContactFactory(organization=association, created_by=revelateur35).erase()

    return {
        "p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5, "mobility": mobility, "food": food,
        "association": association, "region": region,
    }  # fmt: skip
