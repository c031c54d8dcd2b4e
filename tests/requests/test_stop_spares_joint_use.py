"""R-REQ-7, R-TPP-5 (Arts. 35(3), 27(5)(iii)): a stop of provision to third parties does
not stop joint use, whose users are no third party; the decision already spares it. The
answer said only that provision to third parties had stopped, so the person believed
all sharing of their data had ended while the co-hosts still received it. It must say
that joint use continues, with whom, for what and which items, as announced.

Played on the indiGO society (``examples/policies/indigo.toml``), which shares members'
names and e-mail addresses with the co-hosts of its events, in Japanese and English.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from importlib import resources
from pathlib import Path

import attrs
import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource
from tests.requests.support import JST, T0, customer, shop_policy, verified

NOW = datetime(2020, 12, 1, 10, 0, tzinfo=JST)
PASSPORT = pp.Document(pp.DocumentKind.PASSPORT, date(2018, 4, 1), date(2028, 4, 1), "person")


def _attendee(templates: Path | None = None) -> tuple[pp.Engine, pp.Subject]:
    engine = pp.Engine(pp.example_policy("indigo"), clock=pp.FixedClock(NOW), templates=templates)
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = engine.register_subject("member-2", category="member")
    engine.acquire(
        s, items={"name", "email", "event_feedback"}, purposes="event_planning", channel="web"
    )
    crm.put("member-2", {"name": "Hanako", "email": "h@example.jp", "event_feedback": "good"})
    return engine, s


def _stop(engine: pp.Engine, s: pp.Subject, language: str, **details: object) -> pp.requests.Answer:
    r = engine.requests.submit(
        pp.RequestKind.SUSPENSION_OF_PROVISION,
        subject=s,
        documents=[PASSPORT],
        method="mail",
        details=details or None,
        language=language,
    )
    engine.requests.verify(r.id)
    return engine.requests.fulfil(r.id)


def test_r_req_7_the_japanese_answer_says_joint_use_continues_with_whom_and_for_what() -> None:
    engine, s = _attendee()
    answer = _stop(engine, s, "ja")
    text = answer.statement
    assert "第三者への提供を停止いたしました" in text
    assert "共同利用" in text and "第27条第5項第3号" in text
    assert "本会のイベントを共催する団体" in text  # with whom, as announced
    assert "今後のイベントの企画に向けて分析するため" in text  # for what
    assert "氏名" in text and "メールアドレス" in text  # which items
    assert "indiGO 個人情報管理責任者" in text  # who answers for it
    # What the answer says is what the decision does.
    d = engine.check_provision(
        s, recipient="co_host", items={"name", "email"}, purpose="event_planning"
    )
    assert d.allowed and d.basis is pp.Basis.JOINT_USE


def test_r_req_7_the_english_answer_says_joint_use_continues_with_whom_and_for_what() -> None:
    engine, s = _attendee()
    text = _stop(engine, s, "en").statement
    assert "joint use" in text.lower() and "APPI Art. 27(5)(iii)" in text
    assert "Organisations co-hosting the Society's events" in text
    assert "To analyze for the planning of future events" in text
    assert "Name" in text and "E-mail address" in text
    assert "Personal information manager of indiGO" in text


def test_r_req_7_a_stop_naming_the_joint_user_does_not_say_joint_use_continues() -> None:
    """A stop naming the joint user stops joint use with it (Restriction.applies): the
    answer must not tell the person it goes on."""
    engine, s = _attendee()
    text = _stop(engine, s, "en", recipients=["co_host"]).statement
    assert "co-hosting the Society's events" not in text
    d = engine.check_provision(
        s, recipient="co_host", items={"name", "email"}, purpose="event_planning"
    )
    assert not d.allowed


def test_r_req_7_a_stop_of_items_outside_the_joint_use_does_not_mention_it() -> None:
    """The feedback is never used jointly: a stop of it leaves no joint use to speak of."""
    engine, s = _attendee()
    text = _stop(engine, s, "ja", items=["event_feedback"]).statement
    assert "共同" not in text


def test_r_req_7_a_stop_for_the_items_used_jointly_names_only_those() -> None:
    engine, s = _attendee()
    text = _stop(engine, s, "en", items=["email", "event_feedback"]).statement
    joint = [p for p in text.split("\n\n") if "joint use" in p.lower()]
    assert len(joint) == 1
    assert "E-mail address" in joint[0] and "Name" not in joint[0]


def _with_successor(languages: tuple[str, ...]) -> tuple[pp.Engine, pp.Subject]:
    base = shop_policy()
    buyer = pp.Recipient(
        "buyer", title="New Shop K.K.", kind=pp.RecipientKind.SUCCESSOR, purposes={"service"}
    )
    policy = attrs.evolve(base, recipients={**base.recipients, "buyer": buyer}, languages=languages)
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    crm = MemorySource()
    engine.register_source("crm", crm)
    return engine, customer(engine, crm)


def _stopped_at(engine: pp.Engine, s: pp.Subject, **details: object) -> str:
    r = verified(engine, pp.RequestKind.SUSPENSION_OF_PROVISION, s, details=details or None)
    return engine.requests.fulfil(r.id).statement


def test_r_req_7_the_answer_says_provision_on_a_business_succession_is_not_stopped() -> None:
    """Art. 27(5)(ii): a successor is no third party, and the stop spares it too."""
    engine, s = _with_successor(("en",))
    text = _stopped_at(engine, s)
    assert "New Shop K.K." in text and "APPI Art. 27(5)(ii)" in text
    assert "joint use" not in text.lower()  # the shop has none
    d = engine.check_provision(s, recipient="buyer", items={"name"}, purpose="service")
    assert d.allowed and d.basis is pp.Basis.BUSINESS_SUCCESSION


def test_r_req_7_the_japanese_answer_says_succession_is_not_stopped() -> None:
    engine, s = _with_successor(("ja",))
    text = _stopped_at(engine, s)
    assert "事業の承継" in text and "第27条第5項第2号" in text and "「New Shop K.K.」" in text
    assert "共同" not in text


def test_r_req_7_a_stop_outside_the_successors_purposes_does_not_name_it() -> None:
    engine, s = _with_successor(("en",))
    text = _stopped_at(engine, s, purposes=["newsletter"])
    assert "New Shop K.K." not in text


def test_r_req_7_data_held_for_no_purpose_of_the_joint_use_is_not_said_to_be_shared() -> None:
    """A member whose name and e-mail were taken for consultations only: joint use for
    event planning cannot carry them (the decision denies it), so the answer must not
    tell the member they are shared."""
    engine, _ = _attendee()
    s = engine.register_subject("member-1", category="member")
    engine.acquire(
        s, items={"name", "email", "consultation"}, purposes="consultation_records", channel="email"
    )
    assert "共同" not in _stop(engine, s, "ja").statement
    d = engine.check_provision(
        s, recipient="co_host", items={"name", "email"}, purpose="event_planning"
    )
    assert not d.allowed


# What the answer says goes on is what the decision allows once the stop is in force:
# asked of the decision for each joint user and successor, never derived beside it.


def _joint_paragraph(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if "joint" in p.lower() or "共同" in p]


def _asked_earlier(
    engine: pp.Engine, s: pp.Subject, kind: pp.RequestKind, **details: object
) -> None:
    r = engine.requests.submit(
        kind, subject=s, documents=[PASSPORT], method="mail", details=details or None
    )
    engine.requests.verify(r.id)
    engine.requests.fulfil(r.id)


def test_r_req_7_joint_use_an_earlier_suspension_of_use_stopped_is_not_said_to_continue() -> None:
    """The member had the use of their data for event planning suspended: joint use for
    it stopped with it (the decision denies). A later stop of provision must not tell
    them it goes on."""
    for language in ("ja", "en"):
        engine, s = _attendee()
        _asked_earlier(engine, s, pp.RequestKind.SUSPENSION_OF_USE, purposes=["event_planning"])
        text = _stop(engine, s, language).statement
        assert _joint_paragraph(text) == [], language
        d = engine.check_provision(
            s, recipient="co_host", items={"name", "email"}, purpose="event_planning"
        )
        assert not d.allowed


def test_r_req_7_items_whose_use_was_suspended_are_not_said_to_be_used_jointly() -> None:
    """Use of the e-mail address alone was suspended: joint use goes on with the name."""
    engine, s = _attendee()
    _asked_earlier(engine, s, pp.RequestKind.SUSPENSION_OF_USE, items=["email"])
    [joint] = _joint_paragraph(_stop(engine, s, "en").statement)
    assert "Name" in joint and "E-mail address" not in joint
    assert engine.check_provision(
        s, recipient="co_host", items={"name"}, purpose="event_planning"
    ).allowed
    assert not engine.check_provision(
        s, recipient="co_host", items={"email"}, purpose="event_planning"
    ).allowed


def test_r_req_7_a_successor_taking_over_none_of_the_persons_data_is_not_named() -> None:
    """The successor takes over the service; this person's e-mail address is held for
    the newsletter only, which stays: giving it to the successor would be provision to
    a third party, which the stop blocks. The answer must not say it goes on."""
    for languages in (("en",), ("ja",)):
        engine, _ = _with_successor(languages)
        s = engine.register_subject("u-news")
        engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
        text = _stopped_at(engine, s)
        assert "New Shop K.K." not in text and "27(5)(ii)" not in text, languages
        assert "第27条第5項第2号" not in text
        for purpose in ("newsletter", "service"):
            d = engine.check_provision(s, recipient="buyer", items={"email"}, purpose=purpose)
            assert not d.allowed


def _with_joint_user_abroad() -> tuple[pp.Engine, pp.Subject]:
    base = pp.example_policy("indigo")
    us = attrs.evolve(
        base.recipients["co_host"],
        name="co_host_us",
        title="US co-host Inc.",
        country="US",
    )
    policy = attrs.evolve(base, recipients={**base.recipients, "co_host_us": us})
    engine = pp.Engine(policy, clock=pp.FixedClock(NOW))
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = engine.register_subject("member-2", category="member")
    engine.acquire(s, items={"name", "email"}, purposes="event_planning", channel="web")
    crm.put("member-2", {"name": "Hanako", "email": "h@example.jp"})
    return engine, s


def test_r_req_7_a_joint_user_abroad_the_stop_reaches_is_not_said_to_continue() -> None:
    """A joint user abroad is a third party (Art. 28): the stop reaches it. The answer
    names the users joint use goes on with, and does not say it goes on with the whole
    group announced."""
    engine, s = _with_joint_user_abroad()
    [joint] = _joint_paragraph(_stop(engine, s, "en").statement)
    assert "Event co-hosting organisation" in joint
    assert "US co-host Inc." not in joint
    assert "only" in joint and "as we announced it" not in joint
    for recipient, allowed in (("co_host", True), ("co_host_us", False)):
        d = engine.check_provision(
            s, recipient=recipient, items={"name", "email"}, purpose="event_planning"
        )
        assert d.allowed is allowed


def test_r_req_7_the_japanese_answer_names_the_joint_users_in_japan_only() -> None:
    engine, s = _with_joint_user_abroad()
    [joint] = _joint_paragraph(_stop(engine, s, "ja").statement)
    assert "「イベント共催団体」" in joint and "US co-host Inc." not in joint
    assert "に限り" in joint and "公表しているとおり" not in joint


# An application's own request_texts.j2, written for a release before ``spared``.

_SPARED = re.compile(r"\{% macro spared\(.*?\{% endmacro %\}", re.DOTALL)


def _own_templates(root: Path, edit: Callable[[str], str]) -> Path:
    """pipolicy's request_texts.j2 in both languages as an application keeps them, with
    the ``spared`` macro edited by ``edit`` (a function of the macro's text)."""
    for lang in ("ja", "en"):
        ours = resources.files("pipolicy").joinpath(f"templates/{lang}/request_texts.j2")
        text = ours.read_text(encoding="utf-8")
        assert _SPARED.search(text) is not None
        (root / lang).mkdir(parents=True, exist_ok=True)
        own = _SPARED.sub(lambda m: edit(m.group(0)), text)
        (root / lang / "request_texts.j2").write_text(own, encoding="utf-8")
    return root


def test_r_req_7_a_template_of_an_earlier_release_still_answers_a_stop(tmp_path: Path) -> None:
    """Its copy has no ``spared``: pipolicy's own words say what goes on, and the stop
    is answered (the request did stay unanswerable, its restriction already recorded)."""
    templates = _own_templates(tmp_path, lambda macro: "")
    for language, article in (("ja", "第27条第5項第3号"), ("en", "APPI Art. 27(5)(iii)")):
        engine, s = _attendee(templates)
        answer = _stop(engine, s, language)
        assert answer.state is pp.RequestState.FULFILLED
        [joint] = _joint_paragraph(answer.statement)
        assert article in joint


def test_r_req_7_a_spared_that_does_not_fit_is_refused_before_anything_is_stopped(
    tmp_path: Path,
) -> None:
    """A copy whose ``spared`` takes other arguments cannot word the answer: fulfil says
    so before it records a restriction or asks a source to restrict, so nothing is done
    that the person is not told."""
    templates = _own_templates(
        tmp_path, lambda macro: macro.replace("spared(joint_uses, successors)", "spared(uses)")
    )
    engine, s = _attendee(templates)
    r = engine.requests.submit(
        pp.RequestKind.SUSPENSION_OF_PROVISION,
        subject=s,
        documents=[PASSPORT],
        method="mail",
        language="en",
    )
    engine.requests.verify(r.id)
    with pytest.raises(pp.InvalidInput, match="spared"):
        engine.requests.fulfil(r.id)
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED
    assert "request.restricted" not in {e.kind for e in engine.audit_events()}


def test_r_req_7_r_sec_1_joint_use_its_handlers_still_give_is_said_to_continue() -> None:
    """A purpose restricted to its handlers (Art. 24) is still shared with the co-hosts
    after a stop, by those handlers: who may give the data does not decide whether it
    goes on, so the answer says so as it does for a purpose anyone handles."""
    policy = pp.example_policy("indigo")
    planning = attrs.evolve(policy.purposes["event_planning"], handlers={"events_team"})
    policy = attrs.evolve(policy, purposes={**policy.purposes, "event_planning": planning})
    engine = pp.Engine(policy, clock=pp.FixedClock(NOW))
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = engine.register_subject("member-2", category="member")
    engine.acquire(s, items={"name", "email"}, purposes="event_planning", channel="web")
    crm.put("member-2", {"name": "Hanako", "email": "h@example.jp"})
    text = _stop(engine, s, "en").statement
    staff = pp.Actor("clerk", roles={"events_team"})
    given = engine.check_provision(
        s, recipient="co_host", items={"name", "email"}, purpose="event_planning", actor=staff
    )
    assert given.allowed and given.basis is pp.Basis.JOINT_USE
    assert "joint use" in text.lower()
    assert not engine.check_provision(
        s, recipient="co_host", items={"name"}, purpose="event_planning"
    ).allowed  # nobody else gives it
