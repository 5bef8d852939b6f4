"""The export actions of the admin's change lists (fabrique/admin_lists.py), for Avise staff and administrators."""

import datetime

import pytest
from django.contrib import admin
from django.utils import timezone

from fabrique import exports
from needs.exports import NEED_EXPORT_HEADER
from needs.models import Need
from partners.exports import ORGANIZATION_EXPORT_HEADER
from partners.models import Involvement, Organization
from projects.exports import ACTIVITY_EXPORT_HEADER, PROJECT_EXPORT_HEADER
from projects.models import Activity, CopilDecision, Project
from tests.fabrique.admin_exports import (
    content_of,
    csv_rows,
    csv_table,
    exported_rows,
    run_action,
    select_all,
    xlsx_sheet,
)
from tests.needs.factories import NeedFactory, ThemeFactory
from tests.partners.factories import ContactFactory, FundingFactory, InvolvementFactory, OrganizationFactory
from tests.projects.factories import FollowUpFactory, ProjectFactory
from tests.territories.factories import CommuneFactory

# Each list Avise staff review, and the model whose rows it lists.
LISTS = {
    "besoins": ("/admin/needs/need/", Need),
    "projets": ("/admin/projects/project/", Project),
    "activités": ("/admin/projects/activity/", Activity),
    "décisions de COPIL": ("/admin/projects/copildecision/", CopilDecision),
    "organisations": ("/admin/partners/organization/", Organization),
    "implications": ("/admin/partners/involvement/", Involvement),
}
# The file each export is named after (followed by the day of the export), and the title of its sheet.
FILENAMES = {
    "besoins": ("besoins", "Besoins"),
    "projets": ("projets", "Projets"),
    "activités": ("activites-creees", "Activités créées"),
    "décisions de COPIL": ("decisions-de-copil", "Décisions de COPIL"),
    "organisations": ("organisations", "Organisations"),
    "implications": ("implications-des-partenaires", "Implications des partenaires"),
}
EXPORTS = [("Exporter la sélection en CSV", "export_csv"), ("Exporter la sélection en XLSX", "export_xlsx")]


def add_rows(revelateur):
    """Add a row to each list: a need studied in a launched project, with its activity, its funding and follow-up,
    a COPIL decision with an organisation present, and a partner involved, each with the related rows an export
    reads."""
    theme = ThemeFactory(name="Économie circulaire et réemploi")
    commune = CommuneFactory()
    project = ProjectFactory(created_by=revelateur, launched=True, themes=[theme])
    project.communes.set([commune])
    NeedFactory(created_by=revelateur, themes=[theme], communes=[commune])
    Need.objects.filter(pk=Need.objects.latest("pk").pk).update(status=Need.Status.IN_STUDY, project=project)
    FundingFactory(project=project)
    FollowUpFactory(activity=project.activity)
    copil = CopilDecision.objects.create(
        project=project, decided_on="2026-01-15", body="COPIL", decision="go", recorded_by=revelateur
    )
    copil.organizations.set([OrganizationFactory()])
    InvolvementFactory(project=project, role="funder")


@pytest.fixture
def rows(revelateur35):
    add_rows(revelateur35)


def action_names(response):
    return [name for name, _ in response.context["action_form"].fields["action"].choices if name]


@pytest.mark.parametrize("path", [path for path, _ in LISTS.values()], ids=list(LISTS))
def test_avise_staff_are_offered_the_exports_and_no_action_that_writes(client, avise, rows, path):
    client.force_login(avise)

    response = client.get(path)

    assert response.status_code == 200
    assert response.context["action_form"].fields["action"].choices[1:] == [
        ("export_csv", "Exporter la sélection en CSV"),
        ("export_xlsx", "Exporter la sélection en XLSX"),
    ]
    assert 'name="_selected_action"' in response.content.decode()


@pytest.mark.parametrize("path", [path for path, _ in LISTS.values()], ids=list(LISTS))
def test_administrators_are_offered_the_exports_besides_deletion(client, administrator, rows, path):
    client.force_login(administrator)

    assert action_names(client.get(path)) == ["delete_selected", "export_csv", "export_xlsx"]


@pytest.mark.parametrize("role", ["avise", "admin"])
@pytest.mark.parametrize("name", list(LISTS))
def test_avise_staff_and_administrators_export_each_list_as_csv(client, cast, rows, name, role):
    path, model = LISTS[name]
    client.force_login(cast[role])

    response = select_all(client, path, "export_csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="{FILENAMES[name][0]}-{day}.csv"'
    header, *lines = csv_rows(response)
    assert header[0] == "N°"
    assert sorted(int(line[0]) for line in lines) == sorted(model.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("name", list(LISTS))
def test_avise_staff_export_each_list_as_xlsx(client, avise, rows, name):
    path, model = LISTS[name]
    client.force_login(avise)

    response = select_all(client, path, "export_xlsx")

    assert response.status_code == 200
    sheet = xlsx_sheet(response)
    assert response["Content-Disposition"].endswith(f'filename="{FILENAMES[name][0]}-{timezone.localdate()}.xlsx"')
    assert sheet.title == FILENAMES[name][1]
    assert sheet["A1"].value == "N°"
    assert sheet.max_row == model.objects.count() + 1


@pytest.mark.parametrize("name", list(LISTS))
def test_avise_staff_cannot_delete_through_an_action(client, avise, rows, name):
    path, model = LISTS[name]
    before = model.objects.count()
    client.force_login(avise)

    pks = list(model.objects.values_list("pk", flat=True))
    response = run_action(client, path, "delete_selected", pks)
    confirmed = client.post(path, {"action": "delete_selected", "post": "yes", "_selected_action": pks[0]})

    assert response.status_code == 302
    assert confirmed.status_code in (200, 302)
    assert model.objects.count() == before


def test_a_revelateur_cannot_export_from_the_admin(client, revelateur35, rows):
    client.force_login(revelateur35)

    response = run_action(client, "/admin/needs/need/", "export_csv", [Need.objects.get().pk], select_across=True)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_contacts_are_not_exported_for_avise_staff(client, avise, revelateur35):
    contact = ContactFactory(structure=revelateur35.structure)
    client.force_login(avise)

    assert client.get("/admin/partners/contact/").status_code == 403
    assert run_action(client, "/admin/partners/contact/", "export_csv", [contact.pk]).status_code == 403
    assert "export_csv" not in admin.site.get_model_admin(contact.__class__).actions


def test_the_export_takes_the_selected_rows_only(client, avise, revelateur35, tag35):
    needs = [NeedFactory(created_by=revelateur35, title=f"Besoin {number}") for number in range(4)]
    client.force_login(avise)

    response = run_action(client, "/admin/needs/need/", "export_csv", [needs[1].pk, needs[3].pk])

    assert sorted(row["Intitulé"] for row in csv_table(response)) == ["Besoin 1", "Besoin 3"]


def test_selecting_all_exports_every_row_the_filters_keep_across_pages(
    client, avise, revelateur35, revelateur29, monkeypatch
):
    for number in range(5):
        NeedFactory(created_by=revelateur35, title=f"Besoin rennais {number}")
    NeedFactory(created_by=revelateur29, title="Besoin brestois", department=revelateur29.structure.departments.get())
    monkeypatch.setattr(admin.site.get_model_admin(Need), "list_per_page", 2)
    client.force_login(avise)
    path = "/admin/needs/need/?department__code__exact=35"
    assert len(client.get(path).context["cl"].result_list) == 2

    response = select_all(client, path, "export_csv")

    assert sorted(row["Intitulé"] for row in csv_table(response)) == [f"Besoin rennais {n}" for n in range(5)]


def test_the_export_follows_the_order_of_the_list(client, avise, revelateur35):
    today = datetime.date.today()
    for days, title in [(3, "Ancien"), (1, "Récent"), (2, "Moyen")]:
        NeedFactory(created_by=revelateur35, title=title, detected_on=today - datetime.timedelta(days=days))
    client.force_login(avise)

    response = select_all(client, "/admin/needs/need/?o=6", "export_csv")

    assert [row["Intitulé"] for row in csv_table(response)] == ["Ancien", "Moyen", "Récent"]


# The queries of each export action: those of the change list, whatever the rows, then those of each batch of rows.
QUERIES = {
    # 1. the session, 2. the user, 3.–5. the choices of the filters (structures, départements, themes), 6. the count
    # of the list (unfiltered, counted once), 7.–9. the choices of the filters again (Django builds them once more for
    # the action), 10. the needs with their structure, département, EPCI, project and collectivité; for each batch:
    # 1. their themes, 2. their communes.
    "besoins": (10, 2),
    # 1. the session, 2. the user, 3.–5. the choices of the filters (structures, départements, themes), 6. the count
    # of the list, 7.–9. the choices of the filters again, 10. the projects with their structure, département, EPCI,
    # source activity, activity and its porteur, and whether the source may be seen; for each batch: 1. their themes,
    # 2. their communes, 3. their needs, 4. their partners with their organisation.
    "projets": (10, 4),
    # 1. the session, 2. the user, 3.–5. the choices of the filters (structures, départements, themes), 6. the count
    # of the list, 7.–9. the choices of the filters again, 10. the activities with their porteur and their project,
    # its structure, département and EPCI; for each batch: 1. the themes of their projects, 2. their follow-ups,
    # 3. their fundings with their funder.
    "activités": (10, 3),
    # 1. the session, 2. the user, 3.–4. the choices of the filters (structures, départements), 5. the count of the
    # list, 6.–7. the choices of the filters again, 8. the decisions with their project, its structure and
    # département; for each batch: 1. the organisations present.
    "décisions de COPIL": (8, 1),
    # 1. the session, 2. the user, 3.–4. the choices of the filters (départements, structures), 5. the count of the
    # list, 6.–7. the choices of the filters again, 8. the organisations with their seat and the territory they
    # govern; for each batch: 1. their involvements, 2. the activities they carry.
    "organisations": (8, 2),
    # 1. the session, 2. the user, 3.–5. the choices of the filters (structures, départements, themes), 6. the count
    # of the list, 7.–9. the choices of the filters again, 10. the involvements with their organisation and their
    # project, its structure and département; nothing is fetched by batch.
    "implications": (10, 0),
}


@pytest.mark.parametrize("action", ["export_csv", "export_xlsx"])
@pytest.mark.parametrize("name", list(LISTS))
@pytest.mark.parametrize(("count", "batches"), [(1, 1), (4, 2), (5, 3)])
def test_the_queries_of_an_export_grow_with_the_batches_never_with_the_rows(
    client, avise, revelateur35, monkeypatch, django_assert_num_queries, name, action, count, batches
):
    # Batches of 2 rows: 1 row is read in one batch, 4 rows in two, 5 rows in three.
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    path, model = LISTS[name]
    for _ in range(count):
        add_rows(revelateur35)
    selected = list(model.objects.order_by("pk").values_list("pk", flat=True)[:count])
    client.force_login(avise)
    fixed, per_batch = QUERIES[name]

    with django_assert_num_queries(fixed + per_batch * batches):
        header, *rows = exported_rows(run_action(client, path, action, selected))

    assert header[0] == "N°"
    assert sorted(int(row[0]) for row in rows) == selected


@pytest.mark.parametrize("role", ["avise", "admin"])
def test_no_admin_export_names_a_person(client, cast, revelateur35, role):
    add_rows(revelateur35)
    # The people of every organisation, and the person a collectivité named on its proposal: personal data kept to
    # the structure that recorded them, in no export of the admin, even an administrator's.
    for organization in Organization.objects.all():
        ContactFactory(
            organization=organization,
            structure=revelateur35.structure,
            first_name="Gwenaëlle",
            last_name="Kerbrat",
            email="g.kerbrat@exemple.fr",
            phone="02 99 12 34 56",
        )
    Need.objects.update(proposal_contact="Yann Le Bihan, 06 11 22 33 44")
    client.force_login(cast[role])

    for path, _ in LISTS.values():
        content = content_of(select_all(client, path, "export_csv")).decode()
        assert content.count("\r\n") > 1, path
        for personal in ["Kerbrat", "exemple.fr", "02 99 12 34 56", "Le Bihan"]:
            assert personal not in content, (path, personal)


# The lists the site exports too: the columns of the site's export (one function writes both), then the admin's own.
SHARED_COLUMNS = {
    "besoins": (NEED_EXPORT_HEADER, ["Code du département"]),
    "projets": (PROJECT_EXPORT_HEADER, ["Code du département", "Rendu public le", "Besoins étudiés", "Partenaires"]),
    "activités": (ACTIVITY_EXPORT_HEADER, ["Code du département", "SIREN du porteur", "Financeurs"]),
    "organisations": (ORGANIZATION_EXPORT_HEADER, ["Projets", "Rôles dans les projets", "Activités portées"]),
}


@pytest.mark.parametrize("name", list(SHARED_COLUMNS))
def test_the_admin_export_writes_the_columns_of_the_sites_then_its_own(client, avise, rows, name):
    path, model = LISTS[name]
    site_columns, admin_columns = SHARED_COLUMNS[name]
    client.force_login(avise)

    header, *lines = csv_rows(select_all(client, path, "export_csv"))

    assert header == [*site_columns, *admin_columns]
    assert len(lines) == model.objects.count()
