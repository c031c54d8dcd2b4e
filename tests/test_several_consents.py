"""Provision and use resting on several consents, each covering some of the items
(R-TPP-1, R-USE-4, R-REC-1): the person agreed to each item, so together they may go,
and the decision and the record name every consent."""

from __future__ import annotations

import pytest

import pipolicy as pp


def test_r_rec_1_a_decision_names_each_consent_it_rests_on_first_one_first() -> None:
    d = pp.Decision(True, pp.Basis.CONSENT, ("r",), (), consent_id="c-1", more_consent_ids=("c-2",))
    assert d.consent_ids == ("c-1", "c-2")
    assert pp.Decision(True, pp.Basis.CONSENT, ("r",), (), consent_id="c-1").consent_ids == ("c-1",)
    assert pp.Decision(False, None, ("r",), ()).consent_ids == ()


@pytest.mark.parametrize(
    ("consent_id", "more"),
    [
        (None, ("c-2",)),
        ("c-1", ("c-1",)),
        ("c-1", ("c-2", "c-2")),
        ("c-1", ["c-2"]),
        ("c-1", ("",)),
    ],
)
def test_r_rec_1_more_consents_need_the_first_and_name_each_once(
    consent_id: str | None, more: tuple[str, ...]
) -> None:
    with pytest.raises(ValueError, match="more_consent_ids"):
        pp.Decision(
            True, pp.Basis.CONSENT, ("r",), (), consent_id=consent_id, more_consent_ids=more
        )


def test_r_rec_1_a_decision_on_several_consents_round_trips_as_json() -> None:
    d = pp.Decision(
        True, pp.Basis.CONSENT, ("r",), (), consent_id="c-1", more_consent_ids=("c-2", "c-3")
    )
    data = pp.to_dict(d)
    assert data["more_consent_ids"] == ["c-2", "c-3"]
    assert pp.from_dict(pp.Decision, data) == d
    assert "more_consent_ids" in pp.json_schema(pp.Decision)["properties"]
    # JSON written before the field existed reads as resting on consent_id alone.
    del data["more_consent_ids"]
    assert pp.from_dict(pp.Decision, data).consent_ids == ("c-1",)
