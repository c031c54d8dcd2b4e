"""What the person reads of a consent they renewed before its term ran out (R-CON-2).

The store records the consent a renewal ended ``expired``; the receipt and the Art. 33
disclosure must not tell the person its term ran out, in Japanese or in English. The
engine-level behaviour (withdrawal by its id, the English receipt) is in the backend
contract (:class:`pipolicy.testing.RenewalContract`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pipolicy as pp

JST = timezone(timedelta(hours=9))
START = datetime(2026, 11, 20, 10, 0, tzinfo=JST)
TERM = datetime(2027, 6, 30, tzinfo=JST)
PASSPORT = pp.Document("passport", issued=date(2022, 1, 1), expires=date(2030, 1, 1))


def _renewed() -> tuple[pp.Engine, pp.Subject, pp.Consent]:
    """A person who consented to provision to ``partner`` until 2027-06-30 on
    2026-11-20, and again without an expiry on 2026-11-25: the first, as it ended."""
    clock = pp.FixedClock(START)
    engine = pp.Engine(pp.example_policy("indigo_blue"), clock=clock)
    subject = engine.register_subject("u1", category="customer")
    first = engine.grant_consent(subject, recipient="partner", items={"email"}, expires=TERM)
    clock.advance(timedelta(days=5))
    engine.grant_consent(subject, recipient="partner", items={"email"})
    return engine, subject, engine.consent(first.id)


def test_r_con_2_the_japanese_receipt_of_a_renewed_consent_does_not_say_it_expired() -> None:
    engine, _, first = _renewed()
    assert first.status is pp.ConsentStatus.EXPIRED and first.replaced

    ended = pp.consent_receipt(engine, first.id, lang="ja")["notes"][-1]

    assert "有効期限" not in ended and "期間満了" not in ended
    assert "2026年11月25日" in ended and "改めて同意" in ended
    # The person is told that withdrawing it still counts.
    assert "撤回" in ended


def test_r_con_2_the_disclosure_lists_a_renewed_consent_as_renewed_not_run_out() -> None:
    engine, subject, _ = _renewed()
    engine.grant_consent(subject, purpose="service")
    engine.acquire(subject, items={"email"}, purposes={"service"}, channel="web")

    letters = {}
    for lang in ("ja", "en"):
        request = engine.requests.submit(
            pp.RequestKind.DISCLOSURE, subject=subject, documents=[PASSPORT], language=lang
        )
        engine.requests.verify(request.id)
        letters[lang] = engine.requests.fulfil(request.id).to_markdown()

    [ja_row] = [line for line in letters["ja"].splitlines() if "2026年11月20日 同意" in line]
    assert "期間満了" not in ja_row and "再同意" in ja_row
    [en_row] = [line for line in letters["en"].splitlines() if "given 2026-11-20" in line]
    assert "expired" not in en_row and "replaced" in en_row
