"""R-REQ-4, R-REQ-5: the written answer prints completely, in Markdown and in HTML, and its
JSON form holds whatever the sources returned."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import REF, T0, verified

K = pp.RequestKind


def test_r_req_5_the_letter_shows_consents_with_their_history(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject
) -> None:
    engine.grant_consent(person, recipient="partner", items={"email"})
    clock.advance(timedelta(days=3))
    engine.withdraw_consent(person, recipient="partner")
    answer = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id)

    for letter in (answer.to_markdown(), answer.to_html()):
        assert "Your consents" in letter
        assert "provision to Partner Co." in letter  # the title the person read
        assert f"given {T0.date().isoformat()}" in letter
        assert f"withdrawn {(T0 + timedelta(days=3)).date().isoformat()}" in letter
        assert "Records of provision to others" in letter


def test_r_req_5_an_empty_section_says_none(engine: pp.Engine, person: pp.Subject) -> None:
    answer = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id)
    markdown = answer.to_markdown()
    consents = markdown.split("## Your consents", 1)[1]
    assert consents.lstrip().startswith("None.")
    assert "<h2>Your consents</h2>\n<p>None.</p>" in answer.to_html()


def test_r_req_5_a_purpose_notification_letter_lists_items_per_purpose(
    engine: pp.Engine, person: pp.Subject
) -> None:
    answer = engine.requests.fulfil(verified(engine, K.PURPOSE_NOTIFICATION, person).id)
    markdown = answer.to_markdown()
    assert "| Purpose | Description | Items |" in markdown
    assert (
        "| service | To deliver what the customer ordered | Postal address, E-mail address, Invoices, Name |"
        in (markdown)
    )


def test_r_req_6_a_correction_letter_lists_the_changes(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.CORRECTION, person, details={"changes": {"email": "x@example.jp"}})
    answer = engine.requests.fulfil(r.id)
    # What the data now reads is in the letter fulfil returns (Art. 34(3)), never stored.
    assert "| E-mail address | corrected | x@example.jp |" in answer.to_markdown()
    rebuilt = engine.requests.answer(r.id).to_markdown()
    assert "| E-mail address | corrected |" in rebuilt and "x@example.jp" not in rebuilt


def test_r_req_7_a_suspension_letter_reports_the_investigation(
    engine: pp.Engine, person: pp.Subject
) -> None:
    with pytest.raises(pp.UseDenied):
        engine.use(person, purpose="newsletter", items={"email"})
    answer = engine.requests.fulfil(verified(engine, K.SUSPENSION_OF_USE, person).id)
    markdown = answer.to_markdown()
    assert "## What our records show" in markdown
    assert '"To send the newsletter"' in markdown and "'newsletter'" not in markdown


def test_r_req_5_values_of_any_type_become_json(engine: pp.Engine, person: pp.Subject) -> None:
    class Postcode:
        def __str__(self) -> str:
            return "100-0001"

    odd = MemorySource(
        {
            REF: {
                "address": Postcode(),
                "phone": ("03-1111-2222", "090-3333-4444"),
                "name": {"family": "Yamada", "given": "Hanako", "since": date(2020, 1, 1)},
                "email": {"b@example.jp", "a@example.jp"},
            }
        }
    )
    engine.register_source("legacy", odd)
    answer = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person, method="electronic").id)

    values = {
        i["item"]: i["values"]["legacy"]
        for i in json.loads(answer.render().content)["report"]["items"]
        if "legacy" in i["values"]
    }
    assert values == {
        "address": "100-0001",
        "phone": ["03-1111-2222", "090-3333-4444"],
        "name": {"family": "Yamada", "given": "Hanako", "since": "2020-01-01"},
        "email": ["a@example.jp", "b@example.jp"],
    }
