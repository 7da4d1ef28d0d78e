"""One rule for telling people apart (labels.model.normalise_name)."""

from __future__ import annotations

from labels.model import normalise_name, same_person


def test_spellings_of_one_name_normalise_alike() -> None:
    spellings = [
        "Sita Rai",
        "sita_rai",
        " SITA  RAI ",
        "Sita-Rai",
        "sita__--rai",
        "Sita\u2013Rai",  # en dash
        "Sita\tRai",
        "Sita\u200b Rai",  # a zero-width space beside a space
        "\u202eSita Rai",  # a direction mark
        "\uff33\uff49\uff54\uff41 Rai",  # full-width letters
    ]
    assert {normalise_name(s) for s in spellings} == {"sita rai"}


def test_different_people_stay_different() -> None:
    assert normalise_name("SitaRai") != normalise_name("Sita Rai")
    assert normalise_name("Síta Rai") != normalise_name("Sita Rai")  # accents are letters
    assert not same_person("Ram", "Rama")
    assert not same_person("", "") and not same_person(None, "ram")
    assert same_person("Ram", "RAM")
