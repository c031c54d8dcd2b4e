"""Purposes shown before collection (R-NTC-1, Art. 21(1), (2)) and purposes that change
(R-USE-2, Art. 17(2); R-USE-3, Art. 21(3)) through the public API."""

from __future__ import annotations

from datetime import date, datetime

import pytest

import pipolicy as pp
from tests.factories import JST, make_engine, make_policy


def test_r_ntc_1_a_check_without_the_channel_cannot_allow_a_purpose_not_shown() -> None:
    """Handed over in writing, data whose purposes were not shown first is refused (Art.
    21(2)); by telephone it is not. A check that does not name the channel cannot tell
    which: it fails closed, as acquire (which needs the channel) would refuse a form."""
    engine, _ = make_engine()
    s = engine.register_subject("u1", category="customer")
    d = engine.check_acquisition(s, items={"email"}, purposes={"newsletter"}, purpose_shown=False)
    assert not d.allowed
    assert d.rules == ("R-NTC-1",)
    assert "APPI Art. 21(2)" in d.citations
    with pytest.raises(pp.AcquisitionDenied):
        engine.acquire(
            s, items={"email"}, purposes={"newsletter"}, channel="web", purpose_shown=False
        )
    by_phone = engine.check_acquisition(
        s, items={"email"}, purposes={"newsletter"}, channel="telephone", purpose_shown=False
    )
    assert by_phone.allowed
    assert engine.check_acquisition(s, items={"email"}, purposes={"newsletter"}).allowed


def _research(change: pp.PurposeChange) -> pp.Policy:
    """``research``, which ``lab`` receives the e-mail address for, with one change."""
    base = make_policy()
    purposes = {
        **base.purposes,
        "research": pp.Purpose("research", items={"email"}, changes=(change,)),
    }
    recipients = {
        **base.recipients,
        "lab": pp.Recipient("lab", purposes={"research"}, items={"email"}),
    }
    return make_policy(purposes=purposes, recipients=recipients)


def test_r_use_3_provision_for_a_changed_purpose_not_yet_notified_cites_art_21_3() -> None:
    """The use the provision would be is denied until the change is notified (Art. 21(3)):
    the provision's denial rests on the same article, and says so."""
    change = pp.PurposeChange(
        date(2026, 3, 10),
        related=True,
        statement="same research",
        notified=date(2026, 3, 14),
        how="published on the website",
    )
    engine, clock = make_engine(_research(change), at=datetime(2026, 3, 1, 9, tzinfo=JST))
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"research"}, channel="web")
    engine.grant_consent(s, recipient="lab", items={"email"})
    clock.set(datetime(2026, 3, 12, 9, tzinfo=JST))
    use = engine.check_use(s, purpose="research", items={"email"})
    d = engine.check_provision(s, recipient="lab", items={"email"}, purpose="research")
    assert not use.allowed and not d.allowed
    assert "R-USE-3" in d.rules
    assert "APPI Art. 21(3)" in use.citations
    assert "APPI Art. 21(3)" in d.citations and "APPI Art. 27(1)" in d.citations
    clock.set(datetime(2026, 3, 14, 0, 30, tzinfo=JST))  # notified that day, in Japan
    assert engine.check_provision(s, recipient="lab", items={"email"}, purpose="research")


def test_r_use_2_provision_of_data_acquired_before_a_change_beyond_relevance_cites_art_17_2() -> (
    None
):
    """Consent to the recipient given after the change, of data acquired before it: the
    data is not usable for the new purpose (Art. 17(2)), so not given for it."""
    change = pp.PurposeChange(
        date(2026, 3, 10), related=False, notified=date(2026, 3, 10), how="published on the website"
    )
    engine, clock = make_engine(_research(change), at=datetime(2026, 3, 1, 9, tzinfo=JST))
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"research"}, channel="web")
    clock.set(datetime(2026, 3, 20, 9, tzinfo=JST))
    engine.grant_consent(s, recipient="lab", items={"email"})
    d = engine.check_provision(s, recipient="lab", items={"email"}, purpose="research")
    assert not d.allowed and "R-CON-3" in d.rules
    assert "APPI Art. 17(2)" in d.citations and "APPI Art. 27(1)" in d.citations
