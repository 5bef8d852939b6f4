"""How an OrganizationField reads what was typed: a name, a SIREN or a reference, and what it answers on a miss."""

import pytest
from django.core.exceptions import ValidationError

from partners.fields import OrganizationField
from partners.models import Organization
from tests.partners.factories import OrganizationFactory


@pytest.fixture
def cagette(db):
    return OrganizationFactory(name="L'Épicerie de la Cagette", siren="419219468")


def resolved(typed, organizations=None):
    return OrganizationField(organizations=organizations).clean(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "L'Épicerie de la Cagette",
        "l'epicerie de la cagette",
        "L’Épicerie de la Cagette",
        "L Epicerie-de-la-Cagette",
        "  L'Épicerie   de la Cagette ",
        "419219468",
        "419 219 468",
        "SIREN 419 219 468",
        "L'Épicerie de la Cagette (419 219 468)",
        "Autre nom (419219468)",
    ],
)
def test_it_finds_an_organisation_whatever_the_case_accents_spaces_hyphens_apostrophes_or_by_siren(cagette, typed):
    assert resolved(typed) == cagette


def test_it_finds_an_organisation_by_its_reference(db):
    organization = OrganizationFactory(name="La Cagette")

    assert resolved(f"La Cagette (n° {organization.pk})") == organization


def test_a_blank_value_is_required_unless_the_field_is_optional(db):
    with pytest.raises(ValidationError):
        resolved("   ")
    assert OrganizationField(required=False).clean("") is None


def test_an_unknown_siren_is_named(cagette):
    with pytest.raises(ValidationError) as refused:
        resolved("130 005 481")

    assert refused.value.messages == ["Aucune organisation de l'annuaire n'a le SIREN 130005481."]


def test_a_miss_proposes_the_closest_names(cagette):
    OrganizationFactory(name="Bretagne Active")

    with pytest.raises(ValidationError) as refused:
        resolved("Epicerie de la Caguette")

    assert refused.value.messages == [
        "« Epicerie de la Caguette » n'est pas dans l'annuaire. Vouliez-vous dire : « L'Épicerie de la Cagette » ?"
    ]


def test_a_miss_with_nothing_close_says_how_to_add_the_organisation(cagette):
    with pytest.raises(ValidationError) as refused:
        resolved("Atlantide")

    assert refused.value.messages == [
        "« Atlantide » n'est pas dans l'annuaire : vérifiez l'orthographe, ou ajoutez d'abord l'organisation à "
        "l'annuaire."
    ]


def test_a_name_two_organisations_bear_lists_their_references_to_choose_from(cagette):
    other = OrganizationFactory(name="L'Epicerie de la Cagette")

    with pytest.raises(ValidationError) as refused:
        resolved("l'epicerie de la cagette")

    assert refused.value.messages == [
        "Plusieurs organisations de l'annuaire s'appellent « l'epicerie de la cagette » : saisissez celle que vous "
        "voulez dire avec son SIREN ou son numéro, parmi « L'Épicerie de la Cagette (419219468) », "
        f"« L'Epicerie de la Cagette (n° {other.pk}) »."
    ]
    assert resolved(f"L'Epicerie de la Cagette (n° {other.pk})") == other


def test_a_miss_close_to_two_organisations_of_the_same_name_proposes_their_references(cagette):
    other = OrganizationFactory(name="L'Epicerie de la Cagette")

    with pytest.raises(ValidationError) as refused:
        resolved("Epicerie de la Caguette")

    assert refused.value.messages == [
        "« Epicerie de la Caguette » n'est pas dans l'annuaire. Vouliez-vous dire : "
        f"« L'Épicerie de la Cagette (419219468) », « L'Epicerie de la Cagette (n° {other.pk}) » ?"
    ]


def test_only_the_organisations_offered_are_found(cagette):
    offered = Organization.objects.exclude(pk=cagette.pk)

    with pytest.raises(ValidationError):
        resolved("L'Épicerie de la Cagette", offered)
    with pytest.raises(ValidationError):
        resolved("419219468", offered)
    with pytest.raises(ValidationError):
        resolved(f"L'Épicerie de la Cagette (n° {cagette.pk})", offered)


def test_a_very_long_text_is_refused_without_looking_it_up(db, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(ValidationError) as refused:
        resolved("Cagette " * 100)

    assert refused.value.messages == ["Ce nom est trop long : saisissez le nom de l'organisation, ou son SIREN."]


def test_an_organisation_chosen_before_shows_by_its_reference(cagette):
    assert OrganizationField().prepare_value(cagette) == "L'Épicerie de la Cagette (419219468)"
