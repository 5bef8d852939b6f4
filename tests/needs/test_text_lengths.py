"""Text longer than its field is refused with the limit stated, never cut; the form says the limit beforehand."""

import pytest
from django.core.exceptions import ValidationError

from needs.models import Need
from tests.needs.factories import NeedFactory
from tests.needs.test_create import form_data  # noqa: F401 (the need form, filled in)

MEGABYTE_OF_TEXT = "Lorem ipsum dolor sit amet. " * (1024 * 1024 // 28)


def test_the_need_form_states_the_limits_and_the_browser_stops_there(client, revelateur35, ille_et_vilaine):
    client.force_login(revelateur35)

    html = client.get("/besoins/nouveau/").content.decode()

    assert 'name="title" autocomplete="off" maxlength="200"' in html
    assert "200\u00a0caractères au plus." in html
    assert 'name="description" cols="40" rows="5" maxlength="5000"' in html
    assert "5\u202f000\u00a0caractères au plus." in html
    # The limit is read with the field: it is part of the help text the input points to.
    assert 'aria-describedby="id_title_helptext"' in html


def test_a_400_character_title_is_refused_with_the_limit_and_nothing_is_saved(client, revelateur35, form_data):  # noqa: F811
    client.force_login(revelateur35)

    response = client.post("/besoins/nouveau/", {**form_data, "title": "T" * 400})

    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [
        "Assurez-vous que cette valeur comporte au plus 200 caractères (actuellement 400)."
    ]
    # What was typed stays in the form, to be shortened.
    assert "T" * 400 in response.content.decode()
    assert not Need.objects.exists()


def test_a_megabyte_description_is_refused_and_nothing_is_saved(client, revelateur35, form_data):  # noqa: F811
    client.force_login(revelateur35)

    response = client.post("/besoins/nouveau/", {**form_data, "description": MEGABYTE_OF_TEXT})

    assert response.status_code == 200
    [error] = response.context["form"].errors["description"]
    assert error.startswith("Assurez-vous que cette valeur comporte au plus 5000 caractères (actuellement 1")
    assert not Need.objects.exists()


@pytest.mark.parametrize(
    ("field", "length"),
    [("description", 5001), ("status_reason", 2001), ("proposal_contact", 2001)],
)
def test_the_model_refuses_a_text_over_its_limit(revelateur35, field, length):
    need = NeedFactory.build(created_by=revelateur35, **{field: "x" * length})

    with pytest.raises(ValidationError) as refused:
        need.full_clean(exclude=["structure", "department", "created_by"])

    assert field in refused.value.message_dict
