"""A project's partners on its page, grouped by role, and the organisations a COPIL decision names."""

import uuid

import pytest
from django.utils import timezone

from partners.models import Involvement
from projects.models import CopilDecision, Project
from tests.partners.factories import ContactFactory, InvolvementFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory


@pytest.fixture
def project(revelateur35, geography):
    project = ProjectFactory(created_by=revelateur35, title="Épicerie solidaire du pays de Redon", shared=True)
    region = OrganizationFactory(name="Région Bretagne", kind="region", governed_region=geography["bretagne"])
    active = OrganizationFactory(name="Bretagne Active", kind="solidarity_finance")
    cagette = OrganizationFactory(name="Association La Cagette")
    InvolvementFactory(
        project=project,
        organization=region,
        role="funder",
        contribution_kind="grant",
        amount="15000",
        comment="Appel à projets ESS",
    )
    InvolvementFactory(project=project, organization=active, role="funder", contribution_kind="loan", amount="2500.5")
    InvolvementFactory(project=project, organization=region, role="copil_member")
    InvolvementFactory(project=project, organization=cagette, role="porteur")
    InvolvementFactory(project=project, organization=cagette, role="sponsor")
    ContactFactory(organization=region, created_by=revelateur35, first_name="Maëlle", last_name="Kerzerho-Quéméneur")
    return project


def partners_section(html):
    start = html.index('id="partenaires"')
    return html[start : html.index("</section>", start)]


def test_the_partners_are_grouped_by_role_in_the_order_of_a_project(client, revelateur35, project):
    client.force_login(revelateur35)

    response = client.get(f"/projets/{project.pk}/")

    section = partners_section(response.content.decode())
    headings = ["Commanditaire", "Financeur", "Membre du COPIL", "Porteur"]
    positions = [section.index(f">{heading}</h3>") for heading in headings]
    assert positions == sorted(positions)
    funders = section[section.index(">Financeur</h3>") : section.index(">Membre du COPIL</h3>")]
    assert funders.index("Bretagne Active") < funders.index("Région Bretagne")
    assert "Subvention" in funders and "Prêt" in funders


def test_the_structure_reads_the_amounts_and_may_add_or_remove(client, revelateur35, project):
    client.force_login(revelateur35)

    section = partners_section(client.get(f"/projets/{project.pk}/").content.decode())

    assert "15\u202f000\u00a0€" in section
    assert "2\u202f500,5\u00a0€" in section
    assert "Appel à projets ESS" in section
    assert f'href="/projets/{project.pk}/partenaires/nouveau/"' in section
    assert section.count("/retirer/") == 5
    assert 'aria-label="Retirer Région Bretagne (Financeur)"' in section


@pytest.mark.parametrize("role", ["revelateur29", "collectivite", "anonymous"])
def test_others_read_the_organisations_and_roles_without_the_amounts(client, cast, project, role):
    Project.objects.filter(pk=project.pk).update(visibility=Project.Visibility.PUBLIC)
    if cast[role]:
        client.force_login(cast[role])

    response = client.get(f"/projets/{project.pk}/")

    section = partners_section(response.content.decode())
    assert "Région Bretagne" in section and "Bretagne Active" in section
    assert "Subvention" in section
    assert "€" not in section
    assert "Appel à projets ESS" not in section
    assert "/retirer/" not in section
    assert "Ajouter un partenaire" not in section
    # Only those who read the directory are linked to it.
    assert ('href="/partenaires/' in section) == (role == "revelateur29")


@pytest.mark.parametrize("role", ["revelateur35", "revelateur29", "collectivite", "avise"])
def test_the_project_page_never_shows_people(client, cast, project, role):
    client.force_login(cast[role])

    html = client.get(f"/projets/{project.pk}/").content.decode()

    # Names a fake account could not carry, so that only the contact could bring them onto the page.
    assert "Kerzerho-Quéméneur" not in html and "Maëlle" not in html


def test_a_project_without_partners_says_so(client, revelateur35):
    project = ProjectFactory(created_by=revelateur35)
    client.force_login(revelateur35)

    section = partners_section(client.get(f"/projets/{project.pk}/").content.decode())

    assert "Aucun partenaire n'est encore enregistré." in section


def test_erasing_a_person_leaves_the_partners_of_the_project_as_they_were(client, revelateur35, project):
    contact = project.involvements.get(role="copil_member").organization.contacts.get()
    distinct = Involvement.objects.filter(project=project).values("organization").distinct().count()
    client.force_login(revelateur35)

    client.post(f"/partenaires/contacts/{contact.pk}/effacer/")

    assert Involvement.objects.filter(project=project).count() == 5
    assert Involvement.objects.filter(project=project).values("organization").distinct().count() == distinct == 3


def test_a_copil_decision_names_organisations_among_the_projects_partners(client, revelateur35, project):
    outsider = OrganizationFactory(name="Une organisation sans rapport")
    client.force_login(revelateur35)

    form = client.get(f"/projets/{project.pk}/copil/").context["form"]
    assert [label for _, label in form.fields["organizations"].choices] == [
        "Association La Cagette",
        "Bretagne Active",
        "Région Bretagne",
    ]

    region = project.involvements.get(role="copil_member").organization
    data = {
        "decided_on": timezone.localdate().isoformat(),
        "body": "COPIL de l'étude",
        "decision": "go",
        "comment": "",
        "version": project.version,
        "creation_token": str(uuid.uuid4()),
    }
    response = client.post(f"/projets/{project.pk}/copil/", {**data, "organizations": [outsider.pk]})
    assert response.status_code == 200
    assert CopilDecision.objects.count() == 0

    response = client.post(f"/projets/{project.pk}/copil/", {**data, "organizations": [region.pk]})
    assert response.status_code == 302
    assert list(CopilDecision.objects.get().organizations.all()) == [region]


def test_without_partners_the_copil_form_names_no_organisation(client, revelateur35):
    project = ProjectFactory(created_by=revelateur35)
    client.force_login(revelateur35)

    form = client.get(f"/projets/{project.pk}/copil/").context["form"]

    assert "organizations" not in form.fields


def test_a_funder_nobody_named_is_listed_last_among_the_funders_and_may_be_removed(client, revelateur35, project):
    InvolvementFactory(project=project, organization=None, role="funder", contribution_kind="in_kind", amount="800")
    client.force_login(revelateur35)

    section = partners_section(client.get(f"/projets/{project.pk}/").content.decode())

    funders = section[section.index(">Financeur</h3>") : section.index(">Membre du COPIL</h3>")]
    assert funders.index("Région Bretagne") < funders.index("Financeur non précisé")
    assert "Mise à disposition" in funders
    assert 'aria-label="Retirer Financeur non précisé (Financeur)"' in funders
