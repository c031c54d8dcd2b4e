"""What the notice asks an agent to send is what verification requires (R-PUB-1, R-REQ-3).

Art. 32(1)(iii) has the business publish the procedure for requests, and seed 001 B
lists an agent's documents: a voluntary agent sends the person's power of attorney
bearing the person's registered seal, the person's seal certificate and the agent's own
ID; a legal representative sends proof of legal representation (a family register) and
the agent's own ID; both in addition to the person's ID, and the certificates within
the policy's limit. ``verify_documents`` refuses anything less, so the notice must ask
for all of it, and ask a legal representative for no power of attorney.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import attrs
import pytest

import pipolicy as pp


def _policy(max_age: str | None = None) -> pp.Policy:
    policy = pp.example_policy("indigo_blue")
    if max_age is None:
        return policy
    return attrs.evolve(policy, requests=attrs.evolve(policy.requests, certificate_max_age=max_age))


def _agent_part(text: str, lang: str) -> str:
    """The notice's text about agents, markup removed, up to the fees."""
    start = text.index("代理人によるご請求" if lang == "ja" else "Through an agent")
    end = text.index("手数料" if lang == "ja" else "Fees", start)
    return re.sub(r"<[^>]+>", " ", text[start:end])


def _clause(part: str, marker: str, other: str) -> str:
    """The words about one kind of agent: from ``marker`` to ``other`` or the end."""
    start = part.index(marker)
    end = part.find(other, start)
    return part[start : end if end > start else len(part)]


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_r_pub_1_r_req_3_the_japanese_notice_asks_each_agent_for_what_verification_requires(
    fmt: str,
) -> None:
    part = _agent_part(pp.render_notice(_policy(), "ja", fmt), "ja")
    assert "ご本人の本人確認書類" in part  # seed 001 B: "in addition to the documents in A"
    voluntary = _clause(part, "任意代理人", "法定代理人")
    for needed in ("委任状", "実印", "ご本人の印鑑登録証明書", "代理人の本人確認書類"):
        assert needed in voluntary, needed
    legal = _clause(part, "法定代理人", "任意代理人")
    for needed in ("法定代理権を確認できる書類", "戸籍謄本", "代理人の本人確認書類"):
        assert needed in legal, needed
    assert "委任状" not in legal  # a legal representative's authority is the law's
    assert "発行日から3か月以内" in part
    assert "印鑑登録証明書及び法定代理権を確認できる書類" in part


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_r_pub_1_r_req_3_the_english_notice_asks_each_agent_for_what_verification_requires(
    fmt: str,
) -> None:
    part = _agent_part(pp.render_notice(_policy(), "en", fmt), "en")
    assert "your identity document" in part
    voluntary = _clause(part, "voluntary agent", "statutory agent")
    for needed in (
        "power of attorney",
        "registered seal",
        "your seal registration certificate",
        "agent's own identity document",
    ):
        assert needed in voluntary, needed
    legal = _clause(part, "statutory agent", "voluntary agent")
    for needed in ("statutory agency", "family register", "agent's own identity document"):
        assert needed in legal, needed
    assert "power of attorney" not in legal
    assert "within the last 3 months" in part


@pytest.mark.parametrize(
    ("max_age", "ja", "en"),
    [
        ("6 months", "発行日から6か月以内", "within the last 6 months"),
        ("90 days", "発行日から90日以内", "within the last 90 days"),
        ("1 months", "発行日から1か月以内", "within the last 1 month"),
    ],
)
def test_r_req_3_the_notice_gives_the_policys_own_certificate_limit(
    max_age: str, ja: str, en: str
) -> None:
    policy = _policy(max_age)
    assert ja in _agent_part(pp.render_notice(policy, "ja"), "ja")
    assert re.search(re.escape(en) + r"\b", _agent_part(pp.render_notice(policy, "en"), "en"))


def test_r_req_3_a_voluntary_agent_sending_only_what_the_old_notice_asked_is_refused() -> None:
    """The reason the notice must name the seal certificate: without it, a voluntary agent
    who sends the power of attorney and their own ID is refused."""
    jst = timezone(timedelta(hours=9))
    engine = pp.Engine(_policy(), clock=pp.FixedClock(datetime(2026, 11, 22, 10, tzinfo=jst)))
    s = engine.register_subject("u1", category="customer")
    passport = pp.Document(
        pp.DocumentKind.PASSPORT, issued=date(2022, 1, 1), expires=date(2032, 1, 1)
    )
    agent_id = pp.Document(
        pp.DocumentKind.DRIVERS_LICENSE,
        issued=date(2024, 1, 1),
        expires=date(2029, 1, 1),
        holder="agent",
    )
    power = pp.Document(pp.DocumentKind.POWER_OF_ATTORNEY, issued=date(2026, 11, 1))
    seal = pp.Document(pp.DocumentKind.SEAL_CERTIFICATE, issued=date(2026, 10, 1))
    for docs, state in (
        ([passport, power, agent_id], pp.RequestState.REFUSED),
        ([passport, power, seal, agent_id], pp.RequestState.VERIFIED),
    ):
        r = engine.requests.submit(
            pp.RequestKind.DISCLOSURE,
            subject=s,
            applicant=pp.Applicant.voluntary_agent(),
            documents=docs,
        )
        assert engine.requests.verify(r.id).state is state


def test_r_req_3_a_statutory_agent_needs_no_power_of_attorney_but_proof_of_agency() -> None:
    """What the notice asks of a statutory agent is enough, and needed: the person's ID,
    a recent family register and the agent's own ID, with no power of attorney."""
    jst = timezone(timedelta(hours=9))
    engine = pp.Engine(_policy(), clock=pp.FixedClock(datetime(2026, 11, 22, 10, tzinfo=jst)))
    s = engine.register_subject("u2", category="customer")
    person_id = pp.Document(
        pp.DocumentKind.PASSPORT, issued=date(2022, 1, 1), expires=date(2032, 1, 1)
    )
    agent_id = pp.Document(
        pp.DocumentKind.DRIVERS_LICENSE,
        issued=date(2024, 1, 1),
        expires=date(2029, 1, 1),
        holder="agent",
    )
    register = pp.Document(pp.DocumentKind.FAMILY_REGISTER, issued=date(2026, 10, 1))
    for docs, state in (
        ([person_id, agent_id], pp.RequestState.REFUSED),
        ([person_id, register, agent_id], pp.RequestState.VERIFIED),
    ):
        r = engine.requests.submit(
            pp.RequestKind.DISCLOSURE,
            subject=s,
            applicant=pp.Applicant.legal_representative(),
            documents=docs,
        )
        # The officer confirms from the register that the person is a minor (R-REQ-2).
        assert engine.requests.verify(r.id, minor_on_receipt=True).state is state


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize(
    ("lang", "minor", "register", "adult", "certificate"),
    [
        ("ja", "未成年者", "戸籍謄本", "成年被後見人", "成年後見に関する登記事項証明書"),
        ("en", "minor", "family register", "adult ward", "adult guardianship"),
    ],
)
def test_r_req_2_the_notice_says_which_proof_serves_which_legal_representative(
    fmt: str, lang: str, minor: str, register: str, adult: str, certificate: str
) -> None:
    """Verification takes a family register as proof of representing a minor only, and
    the guardianship certificate for an adult ward (Art. 37(3), Cabinet Order Art. 13):
    the notice pairs each proof with its case, so a parent of an adult child is not
    invited to send a family register."""
    part = _agent_part(pp.render_notice(_policy(), lang, fmt), lang)
    legal = _clause(part, "法定代理人" if lang == "ja" else "A statutory agent", "\n- ")
    assert legal.index(minor) < legal.index(register) < legal.index(adult)
    assert legal.index(adult) < legal.index(certificate)
