"""Provision by opt-out (R-TPP-8, Art. 27(2)): announced in advance and filed with the PPC,
stopped at the person's request, recorded as Art. 29 asks, and never for special
care-required data nor for data itself received by opt-out."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
import sqlalchemy as sa

import pipolicy as pp
from tests.factories import JST, make_engine, make_policy, toml_data

T = datetime(2026, 4, 1, 9, 0, tzinfo=JST)
BROKER_ADDRESS = "2-2 Otemachi, Chiyoda-ku, Tokyo"
BROKER_REPRESENTATIVE = "Ken List, President"


def _policy(**opt_out: object) -> pp.Policy:
    base = make_policy()
    how = {
        "items": {"name", "address"},
        "method": "a form on the website, or the support desk",
        "notified": date(2026, 3, 1),
        "filed": date(2026, 3, 10),
        "waiting": "7 days",
        "acquired_by": "from the sign-up form",
        "provided_by": "as an electronic file",
        "updated_by": "monthly, from the member records",
        **opt_out,
    }
    mailer = pp.Recipient(
        "list_broker",
        purposes={"service"},
        items={"name", "address"},
        opt_out=pp.OptOut(**how),  # type: ignore[arg-type]
        address=BROKER_ADDRESS,
        representative=BROKER_REPRESENTATIVE,
    )
    return make_policy(recipients={**base.recipients, "list_broker": mailer})


def _person(engine: pp.Engine, ref: str = "u1", **acquired: object) -> pp.Subject:
    s = engine.register_subject(ref, category="customer")
    engine.acquire(s, items={"name", "address"}, purposes={"service"}, channel="web", **acquired)  # type: ignore[arg-type]
    return s


def test_r_tpp_8_opt_out_provision_without_consent_is_recorded() -> None:
    engine, _ = make_engine(_policy(), at=T)
    s = _person(engine)
    d = engine.check_provision(s, recipient="list_broker", items={"name"}, purpose="service")
    assert d.allowed and d.basis is pp.Basis.OPT_OUT
    assert "APPI Art. 27(2)" in d.citations and "R-TPP-8" in d.rules
    record = engine.provide(s, recipient="list_broker", items={"name"}, purpose="service")
    assert record.basis is pp.Basis.OPT_OUT and record.required_by_law  # Art. 29
    assert record.consent_id is None


def test_r_tpp_8_not_before_the_notice_and_the_filing_nor_beyond_the_items() -> None:
    engine, clock = make_engine(_policy(), at=datetime(2026, 3, 5, 9, 0, tzinfo=JST))
    s = _person(engine)
    early = engine.check_provision(s, recipient="list_broker", items={"name"}, purpose="service")
    assert not early.allowed and "starts on 2026-03-10" in early.reasons[0]
    clock.advance(T - clock.now())
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    beyond = engine.check_provision(
        s, recipient="list_broker", items={"name", "email"}, purpose="service"
    )
    assert not beyond.allowed


def test_r_tpp_8_a_persons_opt_out_request_stops_it() -> None:
    engine, _ = make_engine(_policy(), at=T)
    s = _person(engine)
    r = engine.requests.submit(
        pp.RequestKind.SUSPENSION_OF_PROVISION,
        subject=s,
        documents=[pp.Document(pp.DocumentKind.PASSPORT, date(2025, 1, 1), date(2035, 1, 1))],
        details={"recipients": ["list_broker"], "reason": "I opt out"},
    )
    engine.requests.verify(r.id)
    engine.requests.fulfil(r.id)
    stopped = engine.check_provision(s, recipient="list_broker", items={"name"}, purpose="service")
    assert not stopped.allowed


PASSPORT = pp.Document(pp.DocumentKind.PASSPORT, date(2025, 1, 1), date(2035, 1, 1))


@pytest.mark.parametrize("named", [["list_broker"], None])
@pytest.mark.parametrize(
    "ground", [pp.RefusalGround.NO_GROUND_UNDER_ART_35, pp.RefusalGround.ALTERNATIVE_MEASURE]
)
def test_r_tpp_8_a_request_to_stop_opt_out_provision_cannot_be_refused(
    named: list[str] | None, ground: pp.RefusalGround
) -> None:
    """Art. 27(2) allows provision by opt-out only to a business that stops it at the
    person's request: no ground of Art. 35 is needed, and no proviso of Art. 35 lets the
    business take another measure. Refusing would leave the provision without its basis."""
    engine, _ = make_engine(_policy(), at=T)
    s = _person(engine)
    engine.provide(s, recipient="list_broker", items={"name"}, purpose="service")
    details = {"recipients": named} if named else None
    r = engine.requests.submit(
        pp.RequestKind.SUSPENSION_OF_PROVISION, subject=s, documents=[PASSPORT], details=details
    )
    engine.requests.verify(r.id)

    with pytest.raises(pp.InvalidInput, match=r"opt-out.*list_broker.*APPI Art\. 27\(2\)"):
        engine.requests.refuse(r.id, ground=ground, explanation="we still need to provide it")

    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED
    engine.requests.fulfil(r.id)
    assert not engine.check_provision(
        s, recipient="list_broker", items={"name"}, purpose="service"
    ).allowed


def test_r_tpp_8_a_request_about_items_opt_out_never_provides_may_still_be_refused() -> None:
    engine, _ = make_engine(_policy(), at=T)
    s = _person(engine)
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    r = engine.requests.submit(
        pp.RequestKind.SUSPENSION_OF_PROVISION,
        subject=s,
        documents=[PASSPORT],
        details={"items": ["email"]},
    )
    engine.requests.verify(r.id)
    refused = engine.requests.refuse(
        r.id, ground=pp.RefusalGround.NO_GROUND_UNDER_ART_35, explanation="never provided"
    )
    assert refused.state is pp.RequestState.REFUSED


def test_r_tpp_8_data_received_by_opt_out_is_never_passed_on_by_opt_out() -> None:
    engine, _ = make_engine(_policy(), at=T)
    s = engine.register_subject("u2", category="customer")
    engine.acquire(
        s,
        items={"name", "address"},
        purposes={"service"},
        channel="provided_by_business",
        source="List Co.",
        provider_address="1-1 Chiyoda, Tokyo",
        provider_representative="CEO of List Co.",
        provider_obtained_by="opt_out",
    )
    d = engine.check_provision(s, recipient="list_broker", items={"name"}, purpose="service")
    assert not d.allowed and "received by opt-out" in d.reasons[0]


def test_r_tpp_8_never_special_care_data_and_the_law_s_items_are_declared() -> None:
    with pytest.raises(pp.PolicyError, match="special care-required: never provided by opt-out"):
        _policy(items={"name", "medical_history"})
    with pytest.raises(pp.PolicyError, match="give both dates"):
        _policy(filed=None)
    with pytest.raises(pp.PolicyError, match="how a person stops"):
        _policy(method=" ")
    base = _policy()
    broker = base.recipients["list_broker"]
    entrustee = attrs.evolve(broker, kind=pp.RecipientKind.ENTRUSTEE, contract=None)
    with pytest.raises(pp.PolicyError, match="to a third party"):
        make_policy(recipients={**base.recipients, "list_broker": entrustee})


def test_r_tpp_8_a_policy_without_the_opt_out_ground_does_not_use_it() -> None:
    from pipolicy.policy.model import DEFAULT_PROVISION_GROUNDS as grounds

    assert "opt_out" in grounds
    # Review 89: such a policy no longer loads, as its notice would announce opt-out
    # provision that never happens: the policy says which it means.
    with pytest.raises(pp.PolicyError) as info:
        attrs.evolve(_policy(), provision_grounds=grounds - {"opt_out"})
    assert "recipients.list_broker.opt_out" in {p.location for p in info.value.problems}


@pytest.mark.parametrize("declined", ["withdrawn", "refused"])
def test_r_tpp_8_a_person_who_declined_provision_to_the_recipient_is_not_provided_by_opt_out(
    declined: str,
) -> None:
    """Withdrawing or refusing consent to provision to a recipient is the person saying
    they do not want their data given to it: opt-out provision stops (Art. 27(2))."""
    engine, clock = make_engine(_policy(), at=T)
    s = _person(engine)
    other = _person(engine, "u2")
    if declined == "withdrawn":
        engine.grant_consent(s, recipient="list_broker", items={"name"})
        engine.withdraw_consent(s, recipient="list_broker")
    else:
        engine.refuse_consent(s, recipient="list_broker", items={"name"})
    clock.advance(timedelta(days=1))
    for items in ({"name"}, {"address"}):
        d = engine.check_provision(s, recipient="list_broker", items=items, purpose="service")
        assert not d.allowed and d.basis is None
        assert "R-TPP-8" in d.rules and "APPI Art. 27(2)" in d.citations
        said = "refused" if declined == "refused" else "withdrew"
        assert f"{said} consent" in d.reasons[0] and "2026-04-01" in d.reasons[0]
        with pytest.raises(pp.ProvisionDenied):
            engine.provide(s, recipient="list_broker", items=items, purpose="service")
    # Someone else, who never said no, is still provided by opt-out.
    assert engine.check_provision(
        other, recipient="list_broker", items={"name"}, purpose="service"
    ).allowed
    # Consent given again allows what it covers, on the consent.
    engine.grant_consent(s, recipient="list_broker", items={"name"})
    again = engine.check_provision(s, recipient="list_broker", items={"name"}, purpose="service")
    assert again.allowed and again.basis is pp.Basis.CONSENT
    assert not engine.check_provision(
        s, recipient="list_broker", items={"address"}, purpose="service"
    ).allowed


def test_r_tpp_8_an_expired_or_revoked_consent_is_not_the_person_saying_no() -> None:
    engine, clock = make_engine(_policy(), at=T)
    s = _person(engine)
    engine.grant_consent(s, recipient="list_broker", items={"name"}, expires=T + timedelta(days=1))
    c = engine.grant_consent(s, recipient="list_broker", items={"address"})
    engine.revoke_consent(s, consent_id=c.id, reason="recorded in error")
    clock.advance(timedelta(days=2))
    d = engine.check_provision(s, recipient="list_broker", items={"name"}, purpose="service")
    assert d.allowed and d.basis is pp.Basis.OPT_OUT


def test_r_tpp_8_a_sql_state_keeps_the_no_and_a_row_from_before_is_not_trusted(
    tmp_path: Path,
) -> None:
    """A check reads the person's state row; rows an earlier pipolicy wrote (format 2)
    held consents still given only, so one may lack the no: it is not read."""
    from pipolicy.backends.sql import SqlStore, state

    store = SqlStore(f"sqlite:///{tmp_path / 'pi.db'}")
    engine = pp.Engine(_policy(), store=store, clock=pp.FixedClock(T))

    def allowed() -> bool:
        return engine.check_provision(
            s, recipient="list_broker", items={"name"}, purpose="service"
        ).allowed

    s = _person(engine)
    assert allowed()
    engine.refuse_consent(s, recipient="list_broker", items={"name"})
    assert not allowed() and store.states_to_rebuild() == 0
    with store.engine.begin() as conn:
        text = conn.execute(sa.text("SELECT state FROM pipolicy_subject_states")).scalar_one()
        current = state.decode(text)
        assert current is not None and [c.status for c in current.consents] == [
            pp.ConsentStatus.REFUSED
        ]
        before = state.encode(attrs.evolve(current, consents=()))  # what format 2 held
        conn.execute(
            sa.text("UPDATE pipolicy_subject_states SET format = 2, state = :state"),
            {"state": before},
        )
    assert store.states_to_rebuild() == 1
    assert not allowed()  # read from the history
    assert store.rebuild_states() == 1 and store.states_to_rebuild() == 0
    assert not allowed()
    store.close()


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_r_tpp_8_the_latest_no_is_cited_from_the_state_as_from_the_history(
    store: str, tmp_path: Path
) -> None:
    """A compiled state keeps the person's latest no to a recipient; the denial cites it,
    as the rules do on the whole history."""
    from pipolicy.backends.memory import MemoryStore
    from pipolicy.backends.sql import SqlStore
    from pipolicy.domain.facts import compact
    from pipolicy.rules.provision import ProvisionQuery, decide_provision

    kept: pp.Store = (
        MemoryStore() if store == "memory" else SqlStore(f"sqlite:///{tmp_path / 'p.db'}")
    )
    engine = pp.Engine(_policy(), store=kept, clock=pp.FixedClock(T))
    clock = engine.clock
    assert isinstance(clock, pp.FixedClock)
    s = _person(engine)
    engine.refuse_consent(s, recipient="list_broker", items={"name"})
    clock.advance(timedelta(days=40))
    engine.refuse_consent(s, recipient="list_broker", items={"address"})
    d = engine.check_provision(s, recipient="list_broker", items={"name"}, purpose="service")
    assert "2026-05-11" in d.reasons[0]
    with kept.unit_of_work(read_only=True) as uow:
        whole = uow.facts(s.id)
    assert whole is not None and len(whole.consents) == 2
    q = ProvisionQuery("list_broker", frozenset({"name"}), "service")
    assert decide_provision(engine.policy, whole, q, engine.now()) == d
    assert decide_provision(engine.policy, compact(whole), q, engine.now()) == d
    kept.close()


def test_r_tpp_8_people_are_given_time_to_ask_to_stop_before_the_first_provision() -> None:
    """PPC Rules Art. 11(1)(i): a notice and a filing on the same day as the first
    provision leave nobody the chance to stop it."""
    policy = _policy(notified=date(2026, 3, 10), filed=date(2026, 3, 10), waiting="14 days")
    engine, clock = make_engine(policy, at=datetime(2026, 3, 10, 0, 0, 1, tzinfo=JST))
    s = _person(engine)
    d = engine.check_provision(s, recipient="list_broker", items={"name"}, purpose="service")
    assert not d.allowed and "starts on 2026-03-25" in d.reasons[0]
    clock.set(datetime(2026, 3, 24, 23, 59, 59, tzinfo=JST))
    assert not engine.check_provision(
        s, recipient="list_broker", items={"name"}, purpose="service"
    ).allowed
    clock.set(datetime(2026, 3, 25, 0, 0, tzinfo=JST))
    d = engine.check_provision(s, recipient="list_broker", items={"name"}, purpose="service")
    assert d.allowed and d.basis is pp.Basis.OPT_OUT


@pytest.mark.parametrize("waiting", [None, "0 days", "P0D", "10 business days"])
def test_r_tpp_8_a_policy_without_a_waiting_period_of_days_does_not_load(
    waiting: str | None,
) -> None:
    """None, or none at all, gives nobody time; business days would make a check depend
    on a holiday calendar the policy did not need at load time."""
    with pytest.raises(pp.PolicyError, match=r"opt_out\.waiting"):
        _policy(waiting=waiting)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_r_tpp_8_the_notice_does_not_say_an_opt_out_recipient_receives_on_consent_only(
    fmt: str,
) -> None:
    """The notice listed the opt-out recipient among those served "with your consent
    only", and its list of cases without consent left opt-out out: both false, as the
    recipient receives the declared items without consent (Art. 27(2)). It now says so,
    with the items and how to ask to stop it."""
    for lang, consent_only, opt_out_heading, stop in (
        ("ja", "ご本人の同意をいただいた場合に限り", "オプトアウト", "提供を停止"),
        ("en", "With your consent only", "opt-out", "stop"),
    ):
        policy = _policy()
        broker = attrs.evolve(policy.recipients["list_broker"], title="Meibo")
        policy = attrs.evolve(
            policy, recipients={**policy.recipients, "list_broker": broker}, languages=(lang,)
        )
        text = pp.render_notice(policy, lang, fmt)
        assert "Meibo" in text
        at = text.find(consent_only)
        consent_table = text[at : text.find("###" if fmt == "markdown" else "<h3>", at)]
        assert "Meibo" not in consent_table
        assert "partner" in consent_table  # a recipient on consent is still listed there
        section = text[text.find("Meibo") - 600 : text.find("Meibo") + 300]
        assert opt_out_heading in section and stop in section
        assert "a form on the website, or the support desk" in section
        assert "27" in section  # Art. 27(2)


# -- PPC Rules Art. 20(1)(i): the record of provision by opt-out names the recipient fully --


def _broker(**details: Any) -> pp.Policy:
    policy = _policy()
    broker = attrs.evolve(policy.recipients["list_broker"], **details)
    return attrs.evolve(policy, recipients={**policy.recipients, "list_broker": broker})


def test_r_rec_1_an_opt_out_recipient_declares_its_address_and_representative() -> None:
    with pytest.raises(pp.PolicyError) as missing:
        _broker(address="", representative="  ")
    problems = {p.location: p.message for p in missing.value.problems}
    assert "PPC Rules Art. 20(1)(i)" in problems["recipients.list_broker.address"]
    assert "PPC Rules Art. 20(1)(i)" in problems["recipients.list_broker.representative"]
    with pytest.raises(pp.PolicyError, match=r"recipients\.list_broker\.address"):
        _broker(address="[registered address]")  # a placeholder records nothing
    # An individual has no representative, and may not be given one.
    sole = _broker(representative="", entity="individual")
    assert sole.recipients["list_broker"].entity is pp.EntityKind.INDIVIDUAL
    with pytest.raises(pp.PolicyError, match="an individual"):
        _broker(entity="individual")
    # A recipient given data on consent only needs neither.
    assert make_policy().recipients["partner"].address == ""


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_r_rec_1_the_opt_out_record_keeps_the_address_and_representative_of_its_day(
    store: str, tmp_path: Path
) -> None:
    from pipolicy.backends.memory import MemoryStore
    from pipolicy.backends.sql import SqlStore

    kept: pp.Store = (
        MemoryStore() if store == "memory" else SqlStore(f"sqlite:///{tmp_path / 'p.db'}")
    )
    engine = pp.Engine(_policy(), store=kept, clock=pp.FixedClock(T))
    s = _person(engine)
    first = engine.provide(s, recipient="list_broker", items={"name"}, purpose="service")
    assert (first.recipient_address, first.recipient_representative) == (
        BROKER_ADDRESS,
        BROKER_REPRESENTATIVE,
    )
    # The broker moves; the record made before keeps where it was then.
    moved = pp.Engine(_broker(address="9-9 Umeda, Osaka"), store=kept, clock=pp.FixedClock(T))
    second = moved.provide(s, recipient="list_broker", items={"name"}, purpose="service")
    records = {r.id: r for r in moved.provisions(s)}
    assert records[first.id].recipient_address == BROKER_ADDRESS
    assert records[second.id].recipient_address == "9-9 Umeda, Osaka"
    assert moved.verify_audit().ok
    kept.close()


def test_r_req_5_a_provision_records_request_discloses_the_recipient_s_address() -> None:
    from pipolicy.requests import MemorySource

    engine, _ = make_engine(_policy(), at=T)
    engine.register_source("crm", MemorySource())
    s = _person(engine)
    engine.provide(s, recipient="list_broker", items={"name"}, purpose="service")
    passport = pp.Document(pp.DocumentKind.PASSPORT, date(2022, 4, 1), date(2032, 4, 1))
    r = engine.requests.submit(pp.RequestKind.PROVISION_RECORDS, subject=s, documents=[passport])
    engine.requests.verify(r.id)

    answer = engine.requests.fulfil(r.id)

    [record] = answer.report["provision_records"]  # type: ignore[index]
    assert record["recipient_address"] == BROKER_ADDRESS
    assert record["recipient_representative"] == BROKER_REPRESENTATIVE
    letter = answer.to_markdown()
    assert BROKER_ADDRESS in letter and BROKER_REPRESENTATIVE in letter


def _bilingual_broker(method: object) -> pp.Policy:
    """indigo_blue (Japanese first, English) with a list broker served by opt-out."""
    path = Path(__file__).parent.parent / "examples/policies/indigo_blue.toml"
    data = toml_data(path.read_text("utf-8"))
    data["recipients"]["list_broker"] = {
        "title": {"ja": "名簿販売会社", "en": "List broker"},
        "purposes": ["service"],
        "items": ["name"],
        "address": {"ja": "東京都千代田区大手町2-2", "en": "2-2 Otemachi, Chiyoda-ku, Tokyo"},
        "representative": {"ja": "代表取締役 名簿太郎", "en": "Taro Meibo, President"},
        "opt_out": {
            "items": ["name"],
            "method": method,
            "notified": date(2026, 3, 1),
            "filed": date(2026, 3, 10),
            "waiting": "30 days",
            "acquired_by": {"ja": "会員登録フォーム", "en": "from the sign-up form"},
            "provided_by": {"ja": "電子ファイル", "en": "as an electronic file"},
            "updated_by": {"ja": "毎月、会員情報により更新", "en": "monthly, from member records"},
        },
    }
    data["provision"]["grounds"] = [*data["provision"]["grounds"], "opt_out"]
    return pp.policy_from_dict(data)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_r_tpp_8_how_to_stop_an_opt_out_is_published_in_each_language(fmt: str) -> None:
    """Art. 27(2)(v): the notice says how a person stops the provision, in the language
    it is written in; an English notice gave the Japanese method."""
    policy = _bilingual_broker(
        {"ja": "ウェブサイトの停止申請フォーム", "en": "the opt-out form on our website"}
    )
    ja = pp.render_notice(policy, "ja", fmt)
    en = pp.render_notice(policy, "en", fmt)
    assert "ウェブサイトの停止申請フォーム" in ja and "the opt-out form" not in ja
    assert "the opt-out form on our website" in en and "停止申請フォーム" not in en


def test_r_tpp_8_a_bilingual_policy_gives_the_opt_out_method_in_every_language() -> None:
    with pytest.raises(
        pp.PolicyError, match=r"recipients\.list_broker\.opt_out\.method: has no 'en'"
    ):
        _bilingual_broker("ウェブサイトの停止申請フォーム")


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_r_tpp_8_the_notice_tells_what_art_27_2_has_the_people_told(fmt: str) -> None:
    """Before opt-out provision the people are told that providing the data is a purpose
    of use (Art. 27(2)(ii)), how it is acquired (iv) and provided (v), how to ask to stop
    it (vii), and how it is kept up to date and when provision starts (PPC Rules Art.
    11(4)); the notice had only the items and the way to stop it."""
    policy = _bilingual_broker(
        {"ja": "ウェブサイトの停止申請フォーム", "en": "the opt-out form on our website"}
    )
    ja = pp.render_notice(policy, "ja", fmt)
    assert "提供することは、当社の利用目的の一つです" in ja
    assert "取得の方法：会員登録フォーム／提供の方法：電子ファイル" in ja
    assert "更新の方法：毎月、会員情報により更新" in ja
    assert "提供の開始予定日：2026年4月1日" in ja  # notified 3/1, 30 days run, after filing
    en = pp.render_notice(policy, "en", fmt)
    assert "one of our purposes of use" in en
    assert "how we acquire the data: from the sign-up form" in en
    assert "how we provide it: as an electronic file" in en
    assert "how we keep it up to date: monthly, from member records" in en
    assert "planned start of provision: 1 April 2026" in en


def test_r_tpp_8_an_opt_out_without_what_the_people_are_told_does_not_load() -> None:
    for field in ("acquired_by", "provided_by", "updated_by"):
        with pytest.raises(pp.PolicyError, match=rf"opt_out\.{field}: say how"):
            _policy(**{field: ""})
