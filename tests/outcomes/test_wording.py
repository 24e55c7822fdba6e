"""Every code the pure statistics return has its words on the pages."""

from __future__ import annotations

import pytest
from django.utils import translation

from headwise.outcomes import wording
from headwise.stats.phases import Caveat
from headwise.stats.rtm import RtmCaveat, RtmStatus


def _codes(holder: type) -> list[str]:
    return [v for k, v in vars(holder).items() if not k.startswith("_") and isinstance(v, str)]


@pytest.mark.parametrize("code", _codes(Caveat) + _codes(RtmCaveat))
def test_it_has_words_for_every_caveat_code(code: str) -> None:
    assert code in wording.CAVEATS, f"no words for the caveat code {code!r}"
    assert wording.caveat(code) != code


@pytest.mark.parametrize("code", _codes(RtmStatus))
def test_it_names_where_every_usual_level_comes_from(code: str) -> None:
    assert wording.rtm_source(code) != code


def test_it_says_the_codes_in_dutch() -> None:
    with translation.override("nl"):
        assert wording.caveat(Caveat.OBSERVATIONAL).startswith("Het dagboek van één persoon")
        assert wording.family("quasi-poisson") == "quasi-Poisson-GLM met offset"
        assert "1,50" in wording.family_reason("pearson_dispersion_above_1", 1.5) or "1.50" in (
            wording.family_reason("pearson_dispersion_above_1", 1.5)
        )


def test_it_shows_an_unknown_code_as_it_is() -> None:
    assert wording.caveat("a_code_added_later") == "a_code_added_later"
