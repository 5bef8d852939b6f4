import pytest
from django.test import Client

from needs.models import Theme
from projects.models import Project
from tests.fabrique.factories import UserFactory
from tests.pages import form_values
from tests.projects import posts
from tests.projects.factories import ActivityFactory, ProjectFactory


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


def test_the_form_shows_the_project_as_it_stands(signed_in, project, ille_et_vilaine):
    project.communes.set(["35236"])

    response = signed_in.get(f"/projets/{project.pk}/modifier/")

    content = response.content.decode()
    assert f'value="{project.title}"' in content
    assert 'name="version" value="1"' in content
    assert "Redon</textarea>" in content
    assert "Interne à la structure" in content and "Public (Carnet de projets)" in content


def test_a_project_without_communes_shows_an_empty_communes_field_and_saves(signed_in, project):
    path = f"/projets/{project.pk}/modifier/"

    read = form_values(signed_in.get(path), path)

    assert read["communes"] == [""]
    assert signed_in.post(path, read).status_code == 302


def test_it_saves_the_changes(signed_in, project, themes, ille_et_vilaine):
    data = posts.edit_data(
        project,
        title="Épicerie solidaire itinérante",
        public_summary="Un camion-épicerie passe chaque semaine.",
        internal_summary="Rencontre avec la Région en mai.",
        solution_type="Épicerie mobile",
        themes=[themes["Mobilité"].pk, themes["Alimentation durable"].pk],
        epci="243500139",
        communes="rennes, Cesson-Sévigné",
        programme="incubateur",
        visibility="partners",
    )

    response = signed_in.post(f"/projets/{project.pk}/modifier/", data, follow=True)

    assert response.redirect_chain == [(f"/projets/{project.pk}/", 302)]
    assert "Les modifications du projet sont enregistrées." in response.content.decode()
    project = Project.objects.get(pk=project.pk)
    assert project.title == "Épicerie solidaire itinérante"
    assert project.public_summary == "Un camion-épicerie passe chaque semaine."
    assert project.internal_summary == "Rencontre avec la Région en mai."
    assert project.solution_type == "Épicerie mobile"
    assert {theme.name for theme in project.themes.all()} == {"Mobilité", "Alimentation durable"}
    assert project.epci.name == "Rennes Métropole"
    assert sorted(project.communes.values_list("code", flat=True)) == ["35051", "35238"]
    assert (project.programme, project.visibility) == ("incubateur", "partners")
    assert project.version == 2


def test_it_records_the_activity_an_essaimage_replicates(signed_in, project, revelateur29):
    source = ActivityFactory(
        name="Épicerie mobile du Cap Sizun",
        project__created_by=revelateur29,
        project__department=revelateur29.structure.departments.get(),
        project__visibility=Project.Visibility.PARTNERS,
    )
    ActivityFactory(name="Activité interne à TAg29", project__created_by=revelateur29)

    form = signed_in.get(f"/projets/{project.pk}/modifier/").context["form"]
    assert [label for _, label in form.fields["source_activity"].choices] == [
        "Pas d'essaimage",
        "Épicerie mobile du Cap Sizun — Finistère (29)",
    ]
    signed_in.post(f"/projets/{project.pk}/modifier/", posts.edit_data(project, source_activity=source.pk))

    assert Project.objects.get(pk=project.pk).source_activity == source


def test_another_structures_internal_activity_is_neither_offered_nor_accepted(signed_in, project, revelateur29):
    internal = ActivityFactory(name="Activité interne à TAg29", project__created_by=revelateur29)

    response = signed_in.post(
        f"/projets/{project.pk}/modifier/", posts.edit_data(project, source_activity=internal.pk)
    )

    assert "Activité interne à TAg29" not in response.content.decode()
    assert "source_activity" in response.context["form"].errors
    assert Project.objects.get(pk=project.pk).source_activity is None


def test_a_project_cannot_replicate_its_own_activity(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35, launched=True)

    response = signed_in.post(
        f"/projets/{project.pk}/modifier/", posts.edit_data(project, source_activity=project.activity.pk)
    )

    assert "source_activity" in response.context["form"].errors
    assert Project.objects.get(pk=project.pk).source_activity is None


def test_a_withdrawn_theme_stays_offered_to_the_projects_that_have_it(signed_in, project, themes):
    Theme.objects.filter(name="Alimentation durable").update(is_active=False)
    Theme.objects.create(name="Ancien thème", is_active=False)

    form = signed_in.get(f"/projets/{project.pk}/modifier/").context["form"]

    offered = {theme.name for theme in form.fields["themes"].queryset}
    assert {"Mobilité", "Alimentation durable"} <= offered
    assert "Ancien thème" not in offered


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Ce champ est obligatoire."),
        ("themes", [], "Ce champ est obligatoire."),
        ("department", "29", "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."),
        ("communes", "Rennes, Quimper", "« Quimper » n'est pas une commune du département Ille-et-Vilaine (35)."),
        ("visibility", "everyone", "Sélectionnez un choix valide. everyone n’en fait pas partie."),
    ],
    ids=["no-title", "no-theme", "a-department-of-another-structure", "an-unknown-commune", "an-unknown-visibility"],
)
def test_bad_input_is_refused_next_to_its_field_and_kept(signed_in, project, ille_et_vilaine, field, value, message):
    data = posts.edit_data(project, **{"title": "Titre saisi", field: value})

    response = signed_in.post(f"/projets/{project.pk}/modifier/", data)

    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message.replace("’", "'") == error.replace("’", "'") for error in errors), errors
    assert f'id="id_{field}_error"' in response.content.decode()
    if field != "title":
        assert 'value="Titre saisi"' in response.content.decode()
    assert Project.objects.get(pk=project.pk).version == 1


def test_an_edit_saved_over_a_newer_version_is_refused_and_keeps_the_input(signed_in, project, revelateur35):
    read = posts.edit_data(project, title="Ma version du titre")
    # Meanwhile, someone saves the project from another tool, which records no author.
    Project.objects.filter(pk=project.pk).update(title="La version du collègue", version=2)

    response = signed_in.post(f"/projets/{project.pk}/modifier/", read)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Cette fiche a été enregistrée à" in content
    assert "Vos modifications ne sont pas encore enregistrées" in content
    assert 'value="Ma version du titre"' in content
    project.refresh_from_db()
    assert (project.title, project.version) == ("La version du collègue", 2)


def test_a_colleagues_save_is_kept_when_the_form_is_sent_again_after_the_conflict(
    signed_in, project, revelateur35, tag35
):
    colleague = UserFactory(first_name="Camille", last_name="Martin", structure=tag35)
    path = f"/projets/{project.pk}/modifier/"
    read = form_values(signed_in.get(path), path)
    other = Client()
    other.force_login(colleague)
    other.post(path, {**form_values(other.get(path), path), "internal_summary": "Rencontre avec la Région en mai."})

    response = signed_in.post(path, {**read, "title": "Épicerie solidaire itinérante"})

    html = response.content.decode()
    assert "Camille Martin a enregistré cette fiche à" in html
    assert '<th scope="row">Résumé interne</th>' in html
    assert '<td data-label="Valeur enregistrée">Rencontre avec la Région en mai.</td>' in html
    assert ">\nRencontre avec la Région en mai.</textarea>" in html
    assert 'value="Épicerie solidaire itinérante"' in html

    assert signed_in.post(path, form_values(response, path)).status_code == 302

    project.refresh_from_db()
    assert (project.title, project.internal_summary, project.version, project.updated_by) == (
        "Épicerie solidaire itinérante",
        "Rencontre avec la Région en mai.",
        3,
        revelateur35,
    )


def test_a_field_both_changed_alike_is_not_said_untouched(signed_in, project, tag35):
    colleague = UserFactory(structure=tag35)
    path = f"/projets/{project.pk}/modifier/"
    read = form_values(signed_in.get(path), path)
    other = Client()
    other.force_login(colleague)
    other.post(path, {**form_values(other.get(path), path), "title": "Épicerie solidaire itinérante"})

    response = signed_in.post(path, {**read, "title": "Épicerie solidaire itinérante"})

    html = " ".join(response.content.decode().split())
    assert '<th scope="row">Intitulé</th>' in html
    assert "La valeur enregistrée, que vous aviez saisie aussi." in html
    assert "car vous n'aviez pas modifié ce champ" not in html.replace("&#x27;", "'")


def test_a_stage_move_since_the_form_was_read_does_not_stop_the_edit(signed_in, project, revelateur35):
    path = f"/projets/{project.pk}/modifier/"
    read = form_values(signed_in.get(path), path)
    project.pause(by=revelateur35, comment="")

    response = signed_in.post(path, {**read, "title": "Épicerie solidaire itinérante"})

    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.state, project.version) == (
        "Épicerie solidaire itinérante",
        Project.State.PAUSED,
        3,
    )


def test_after_a_conflict_sending_the_form_again_saves_it_over_the_newer_version(signed_in, project):
    read = posts.edit_data(project, title="Ma version du titre")
    Project.objects.filter(pk=project.pk).update(title="La version du collègue", version=2)
    refused = signed_in.post(f"/projets/{project.pk}/modifier/", read)
    assert 'name="version" value="2"' in refused.content.decode()

    signed_in.post(f"/projets/{project.pk}/modifier/", {**read, "version": 2})

    project.refresh_from_db()
    assert (project.title, project.version) == ("Ma version du titre", 3)


def test_an_edit_after_a_move_is_refused(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35, stage=Project.Stage.PORTEUR_SEARCH)
    read = posts.edit_data(project, title="Nouveau titre")
    project.advance(by=revelateur35)

    response = signed_in.post(f"/projets/{project.pk}/modifier/", read)

    assert response.status_code == 200
    assert Project.objects.get(pk=project.pk).title != "Nouveau titre"


def test_making_a_project_public_dates_its_entry_in_the_carnet(signed_in, project):
    signed_in.post(f"/projets/{project.pk}/modifier/", posts.edit_data(project, visibility="public"))
    project.refresh_from_db()
    published_at = project.published_at
    assert published_at is not None

    signed_in.post(f"/projets/{project.pk}/modifier/", posts.edit_data(project, title="Autre titre"))
    project.refresh_from_db()
    assert project.published_at == published_at

    signed_in.post(f"/projets/{project.pk}/modifier/", posts.edit_data(project, visibility="internal"))
    project.refresh_from_db()
    assert project.published_at is None


def test_an_edit_with_a_too_long_summary_changes_nothing(signed_in, project):
    path = f"/projets/{project.pk}/modifier/"

    response = signed_in.post(path, {**form_values(signed_in.get(path), path), "public_summary": "x" * 5001})

    assert "public_summary" in response.context["form"].errors
    assert Project.objects.get(pk=project.pk).public_summary == project.public_summary
    assert Project.objects.get(pk=project.pk).version == project.version
