"""On SQLite, the demo's database, every search folds the simple French plurals of the searched words and of
the searched text, as PostgreSQL's French stemming finds them in production."""

import pytest

from fabrique.search import fold_plurals, singular


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("epiceries", "epicerie"),
        ("reseaux", "reseau"),
        ("locaux", "local"),
        ("lieux", "lieu"),
        ("cross", "cross"),
        ("epicerie", "epicerie"),
    ],
)
def test_it_folds_a_words_simple_plural_ending(word, expected):
    assert singular(word) == expected


def test_it_folds_each_word_of_a_text_and_leaves_the_short_words_alone():
    assert fold_plurals("Des Épiceries et des bus, aux Locaux !") == "des epicerie et des bus, aux local !"
