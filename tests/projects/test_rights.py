"""Who may do what on a project: every page and every action, crossed with every role of the cast and every
visibility. What is refused answers 404 (or sends an anonymous visitor to sign in) and changes nothing."""

import pytest

from partners.models import Organization
from projects.models import Activity, CopilDecision, Document, FollowUp, Meeting, Project, ProjectEvent
from tests.needs.factories import ThemeFactory
from tests.projects import posts
from tests.projects.factories import DocumentFactory, FollowUpFactory, MeetingFactory, NoteFactory, ProjectFactory

ROLES = ["anonymous", "revelateur35", "revelateur29", "collectivite", "avise", "admin"]
VISIBILITIES = ["internal", "partners", "public"]
LAUNCH_SUPPORT = {"stage": Project.Stage.LAUNCH_SUPPORT}
LAUNCHED = {"launched": True}

# Each page: its address under /projets/<pk>/, whether it only reads, and the project it needs.
PAGES = {
    "detail": ("", True, {}),
    "edit": ("modifier/", False, {}),
    "copil": ("copil/", False, {}),
    "advance": ("avancer/", False, {"stage": Project.Stage.PORTEUR_SEARCH}),
    "pause": ("pause/", False, {}),
    "resume": ("reprendre/", False, {"paused": True}),
    "stop": ("arreter/", False, {}),
    "launch": ("lancer/", False, LAUNCH_SUPPORT),
    "meeting": ("temps-forts/nouveau/", False, {}),
    "note": ("notes/", False, {}),
    "document": ("documents/nouveau/", False, {}),
    "follow_up": ("suivi/", False, LAUNCHED),
}


def may_read(role, visibility):
    if role in {"revelateur35", "avise", "admin"}:
        return True
    if role == "revelateur29":
        return visibility != "internal"
    # The cast's collectivité governs Rennes Métropole: these projects, known by their département (35), lie in it.
    if role == "collectivite":
        return visibility in {"public", "partners"}
    # Anyone, signed in or not, reads the Carnet de projets.
    return visibility == "public"


def make_project(revelateur35, visibility, traits):
    return ProjectFactory(created_by=revelateur35, visibility=visibility, **traits)


def sign_in(client, cast, role):
    if cast[role]:
        client.force_login(cast[role])


def assert_sent_to_sign_in(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/?next=")


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_each_page_answers_each_role_as_its_rights_say(client, cast, page, role, visibility):
    path, read_only, traits = PAGES[page]
    project = make_project(cast["revelateur35"], visibility, traits)
    sign_in(client, cast, role)

    response = client.get(f"/projets/{project.pk}/{path}")

    if role == "anonymous" and page == "detail":
        # The project's page is public: a visitor reads a public project, and finds no other.
        assert response.status_code == (200 if visibility == "public" else 404)
    elif role == "anonymous":
        assert_sent_to_sign_in(response)
    elif role == "revelateur35" or (read_only and may_read(role, visibility)):
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def edit(project):
    return posts.edit_data(project, title="Un autre intitulé", themes=[ThemeFactory().pk])


def document(project):
    return posts.document_data()


def follow_up(project):
    return posts.follow_up_data(project.activity)


# Each action: its address under /projets/<pk>/, the project it needs, and what a correct form posts.
ACTIONS = {
    "edit": ("modifier/", {}, edit),
    "advance": ("avancer/", {"stage": Project.Stage.PORTEUR_SEARCH}, lambda p: posts.move_data("advance", p)),
    "pause": ("pause/", {}, lambda p: posts.move_data("pause", p)),
    "resume": ("reprendre/", {"paused": True}, lambda p: posts.move_data("resume", p)),
    "stop": ("arreter/", {}, posts.stop_data),
    "copil": ("copil/", {}, posts.copil_data),
    "launch": ("lancer/", LAUNCH_SUPPORT, posts.launch_data),
    "meeting": ("temps-forts/nouveau/", {}, lambda p: posts.meeting_data()),
    "note": ("notes/", {}, lambda p: posts.note_data()),
    "document": ("documents/nouveau/", {}, document),
    "follow_up": ("suivi/", LAUNCHED, follow_up),
}


def snapshot(project):
    """Everything an action on this project could change."""
    row = Project.objects.values("title", "stage", "state", "version").get(pk=project.pk)
    return {
        **row,
        "events": ProjectEvent.objects.filter(project=project).count(),
        "copil": CopilDecision.objects.filter(project=project).count(),
        "meetings": Meeting.objects.filter(project=project).count(),
        "documents": Document.objects.filter(project=project).count(),
        "activities": Activity.objects.filter(project=project).count(),
        "follow_ups": FollowUp.objects.filter(activity__project=project).count(),
        "organizations": Organization.objects.count(),
    }


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_only_the_structure_acts_on_its_project(client, cast, action, role, visibility):
    path, traits, data = ACTIONS[action]
    project = make_project(cast["revelateur35"], visibility, traits)
    before = snapshot(project)
    sign_in(client, cast, role)

    response = client.post(f"/projets/{project.pk}/{path}", data(project))

    if role == "revelateur35":
        assert response.status_code == 302
        assert response["Location"] == f"/projets/{project.pk}/"
        assert snapshot(project) != before
        return
    if role == "anonymous":
        assert_sent_to_sign_in(response)
    else:
        assert response.status_code == 404
    assert snapshot(project) == before


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_a_document_downloads_only_for_those_who_read_the_internal_material(client, cast, role, visibility):
    project = make_project(cast["revelateur35"], visibility, {})
    client.force_login(cast["revelateur35"])
    client.post(f"/projets/{project.pk}/documents/nouveau/", posts.document_data())
    document = project.documents.get()
    client.logout()
    sign_in(client, cast, role)

    response = client.get(f"/projets/documents/{document.pk}/")
    response.close()

    if role == "anonymous":
        assert_sent_to_sign_in(response)
    elif role in {"revelateur35", "avise", "admin"}:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_each_role_the_projects_it_may_see(client, cast, role):
    projects = {
        visibility: ProjectFactory(
            created_by=cast["revelateur35"], visibility=visibility, title=f"Projet {visibility}"
        )
        for visibility in VISIBILITIES
    }
    own29 = ProjectFactory(created_by=cast["revelateur29"], title="Projet interne de TAg29")
    sign_in(client, cast, role)

    response = client.get("/projets/")

    listed = set(response.context["page"].object_list)
    expected = {project for visibility, project in projects.items() if may_read(role, visibility)}
    if role in {"revelateur29", "avise", "admin"}:
        expected.add(own29)
    assert listed == expected


# The corrections of what was recorded: each records its row on the project, and returns its address under
# /projets/<pk>/ and what a correct form posts.


def recorded_follow_up(project):
    follow_up = FollowUpFactory(activity=project.activity)
    return f"suivi/{follow_up.year}/modifier/", posts.follow_up_correction_data(follow_up, jobs="7")


def recorded_activity(project):
    return "activite/modifier/", posts.activity_correction_data(project.activity, name="Un autre nom")


def recorded_meeting(project, action):
    meeting = MeetingFactory(project=project)
    data = posts.meeting_correction_data(meeting, title="Un autre intitulé")
    return f"temps-forts/{meeting.pk}/{action}/", data if action == "modifier" else posts.removal_data(meeting)


def recorded_note(project, action):
    note = NoteFactory(project=project)
    data = posts.note_correction_data(note, text="Un autre texte.")
    return f"notes/{note.pk}/{action}/", data if action == "modifier" else posts.removal_data(note)


def recorded_document(project, action):
    document = DocumentFactory(project=project)
    data = posts.document_correction_data(document, title="Un autre titre")
    return f"documents/{document.pk}/{action}/", data if action == "modifier" else posts.removal_data(document)


CORRECTIONS = {
    "correct follow-up": (recorded_follow_up, LAUNCHED),
    "correct activity": (recorded_activity, LAUNCHED),
    "correct meeting": (lambda project: recorded_meeting(project, "modifier"), {}),
    "remove meeting": (lambda project: recorded_meeting(project, "supprimer"), {}),
    "correct note": (lambda project: recorded_note(project, "modifier"), {}),
    "remove note": (lambda project: recorded_note(project, "supprimer"), {}),
    "correct document": (lambda project: recorded_document(project, "modifier"), {}),
    "remove document": (lambda project: recorded_document(project, "supprimer"), {}),
}
# The project's structure corrects its record; so do administrators, who may do everything.
CORRECTORS = {"revelateur35", "admin"}


def record_snapshot(project):
    """Everything a correction of this project's record could change."""
    return {
        "follow_ups": list(FollowUp.objects.filter(activity__project=project).values_list("year", "jobs", "version")),
        "activity": list(Activity.objects.filter(project=project).values_list("name", "version")),
        "meetings": list(Meeting.objects.filter(project=project).values_list("title", "version")),
        "documents": list(Document.objects.filter(project=project).values_list("title", "version")),
        "events": list(ProjectEvent.objects.filter(project=project).values_list("kind", "comment", "version")),
    }


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("correction", CORRECTIONS)
def test_each_correction_page_answers_only_the_structure_and_administrators(
    client, cast, correction, role, visibility
):
    record, traits = CORRECTIONS[correction]
    project = make_project(cast["revelateur35"], visibility, traits)
    path, _ = record(project)
    sign_in(client, cast, role)

    response = client.get(f"/projets/{project.pk}/{path}")

    if role == "anonymous":
        assert_sent_to_sign_in(response)
    else:
        assert response.status_code == (200 if role in CORRECTORS else 404)


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("correction", CORRECTIONS)
def test_only_the_structure_and_administrators_correct_a_projects_record(client, cast, correction, role, visibility):
    record, traits = CORRECTIONS[correction]
    project = make_project(cast["revelateur35"], visibility, traits)
    path, data = record(project)
    before = record_snapshot(project)
    sign_in(client, cast, role)

    response = client.post(f"/projets/{project.pk}/{path}", data)

    if role in CORRECTORS:
        assert response.status_code == 302
        assert response["Location"] == f"/projets/{project.pk}/"
        assert record_snapshot(project) != before
        return
    if role == "anonymous":
        assert_sent_to_sign_in(response)
    else:
        assert response.status_code == 404
    assert record_snapshot(project) == before


def test_a_row_of_another_project_is_not_found_through_ones_own_project(client, revelateur35, revelateur29):
    own = ProjectFactory(created_by=revelateur35)
    other = ProjectFactory(created_by=revelateur29)
    meeting, note, document = MeetingFactory(project=other), NoteFactory(project=other), DocumentFactory(project=other)
    counts = (Meeting.objects.count(), Document.objects.count(), ProjectEvent.objects.count())
    client.force_login(revelateur35)

    for path in [
        f"temps-forts/{meeting.pk}/modifier/",
        f"temps-forts/{meeting.pk}/supprimer/",
        f"notes/{note.pk}/modifier/",
        f"notes/{note.pk}/supprimer/",
        f"documents/{document.pk}/modifier/",
        f"documents/{document.pk}/supprimer/",
    ]:
        assert client.post(f"/projets/{own.pk}/{path}", {"version": 1}).status_code == 404
    assert (Meeting.objects.count(), Document.objects.count(), ProjectEvent.objects.count()) == counts
