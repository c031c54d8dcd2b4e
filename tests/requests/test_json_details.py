"""Request details must survive every backend unchanged: strict JSON only."""

from __future__ import annotations

import math

import pytest

import pipolicy as pp
from tests.factories import make_engine


@pytest.mark.parametrize(
    "details",
    [{"note": math.nan}, {"map": {1: "a"}}, {"when": object()}],
    ids=["nan", "int-key", "object"],
)
def test_r_req_1_details_that_json_would_change_are_refused(details: dict[str, object]) -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    with pytest.raises(pp.InvalidInput, match="JSON-ready"):
        engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, details=details)


def test_r_req_1_plain_json_details_are_kept() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE, subject=s, details={"note": "by mail", "n": [1, 2.5]}
    )
    assert engine.requests.get(r.id).details["note"] == "by mail"
