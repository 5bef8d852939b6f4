import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from needs.models import Need
from partners.models import Organization
from projects.models import Project
from territories.models import EPCI
from tests.browser.conftest import assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.needs.factories import ThemeFactory
from tests.partners.factories import OrganizationFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory, EPCIFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Pas de garde d'enfants en horaires décalés"


@pytest.fixture
def people():
    department = DepartmentFactory(code="35")
    epci = EPCIFactory(code="243500139", name="Rennes Métropole", kind=EPCI.Kind.METROPOLE)
    CommuneFactory(code="35238", name="Rennes", department=department, epci=epci)
    CommuneFactory(code="35051", name="Cesson-Sévigné", department=department, epci=epci)
    for name in ["Bien-vieillir", "Mobilité", "Enfance-jeunesse"]:
        ThemeFactory(name=name)
    structure = StructureFactory(name="TAg35", departments=[department])
    organization = OrganizationFactory(
        name="Rennes Métropole", kind=Organization.Kind.EPCI, governed_epci=epci, siren="243500139"
    )
    return {
        "revelateur": UserFactory(email="revelateur35@fabrique.test", first_name="Maëlle", structure=structure),
        "collectivite": UserFactory(
            email="collectivite35@fabrique.test", first_name="Gwenaëlle", collectivite=True, organization=organization
        ),
    }


def sign_out(page):
    page.get_by_role("button", name="Se déconnecter").click()


def test_a_collectivite_proposes_a_need_and_follows_it_into_a_study(page, people, run_worker):
    sign_in(page, people["collectivite"].email, PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Gwenaëlle")
    expect(page.get_by_role("heading", name="Les projets de votre territoire")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Proposer un besoin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposer un besoin")
    assert_accessible(page)

    page.get_by_label("Intitulé").fill(TITLE)
    page.get_by_label("Communes concernées").fill("rennes, Brest")
    page.get_by_role("button", name="Envoyer la proposition").click()

    expect(page.get_by_text("Le formulaire contient des erreurs")).to_be_visible()
    expect(page.get_by_text("« Brest » n'est pas une commune du territoire de Rennes Métropole.").last).to_be_visible()
    expect(page.get_by_label("Intitulé")).to_have_value(TITLE)
    assert_accessible(page)

    page.get_by_label("Description").fill("Les soignantes du CHU cherchent une solution avant 7 h et après 20 h.")
    page.get_by_label("Enfance-jeunesse").check()
    page.get_by_label("Communes concernées").fill("rennes, cesson-sevigne")
    page.get_by_label("Personne à contacter").fill("Gwenaëlle Riou, chargée de mission ESS, 02 99 00 00 12")
    page.get_by_role("button", name="Envoyer la proposition").click()

    need = Need.objects.get()
    expect(page).to_have_url(re.compile(rf"/besoins/propositions/{need.pk}/$"))
    expect(page.get_by_text(f"Votre proposition « {TITLE} » est transmise à TAg35")).to_be_visible()
    expect(page.get_by_text("Votre proposition est arrivée chez TAg35")).to_be_visible()
    assert_accessible(page)
    # The request only enqueued the e-mail: the worker sends it.
    assert mail.outbox == []
    run_worker()
    assert [message.to for message in mail.outbox] == [[people["revelateur"].email]]
    sign_out(page)

    sign_in(page, people["revelateur"].email, PASSWORD)
    proposals = page.get_by_role("region", name="Propositions des collectivités")
    expect(proposals.get_by_text("proposé par Rennes Métropole")).to_be_visible()
    assert_accessible(page)
    proposals.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("Gwenaëlle Riou, chargée de mission ESS, 02 99 00 00 12")).to_be_visible()
    page.get_by_label("Commentaire").first.fill("Confirmé avec le CCAS : commentaire interne.")
    page.get_by_role("button", name="Qualifier", exact=True).click()
    expect(page.get_by_text("Le besoin est qualifié.")).to_be_visible()
    page.get_by_role("link", name="Ouvrir une étude").click()
    page.get_by_label("Intitulé du projet").fill("Crèche à horaires étendus")
    page.get_by_role("button", name="Ouvrir l'étude").click()
    project = Project.objects.get()
    expect(page).to_have_url(re.compile(rf"/projets/{project.pk}/$"))
    sign_out(page)
    # The collectivité is told of both moves, never of the internal comment.
    run_worker()
    told = [message for message in mail.outbox if message.to == [people["collectivite"].email]]
    assert len(told) == 2
    assert "a retenu votre proposition" in told[0].body
    assert "à l'étude" in told[1].body
    assert all("commentaire interne" not in message.body for message in told)

    sign_in(page, people["collectivite"].email, PASSWORD)
    page.get_by_role("link", name="Mes propositions").click()
    row = page.get_by_role("row", name=re.compile("Pas de garde d'enfants"))
    expect(row.get_by_text("En étude")).to_be_visible()
    # The study is the structure's own for now: neither its title nor a link to it shows.
    expect(row.get_by_text("Une étude est ouverte")).to_be_visible()
    expect(row.get_by_text("Crèche à horaires étendus")).to_have_count(0)
    assert_accessible(page)

    Project.objects.filter(pk=project.pk).update(visibility=Project.Visibility.PARTNERS)
    page.reload()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("a ouvert une étude d'opportunité pour y répondre")).to_be_visible()
    expect(page.get_by_text("commentaire interne")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Crèche à horaires étendus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Crèche à horaires étendus")
    page.get_by_role("link", name="Accueil").click()
    expect(page.get_by_role("link", name="Crèche à horaires étendus").first).to_be_visible()
    assert_accessible(page)
