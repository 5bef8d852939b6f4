import pytest

from tests.browser.conftest import sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.needs.factories import NeedFactory
from tests.territories.factories import DepartmentFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HORIZONTAL_SCROLL = "() => document.documentElement.scrollWidth - window.innerWidth"


def test_an_unbroken_word_wraps_instead_of_widening_the_page(page):
    structure = StructureFactory(name="TAg35", departments=[DepartmentFactory(code="35")])
    revelateur = UserFactory(email="revelateur35@fabrique.test", structure=structure)
    word = "https://exemple.fr/" + "a" * 180
    need = NeedFactory(created_by=revelateur, title=word, description=f"Vu sur {word}", target_public=word)
    sign_in(page, revelateur.email, PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(need.get_absolute_url())

    assert page.get_by_role("heading", level=1).bounding_box()["width"] <= 390
    assert page.evaluate(HORIZONTAL_SCROLL) <= 0
