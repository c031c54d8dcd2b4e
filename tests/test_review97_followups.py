"""Follow-ups of session 18's reviews: a resumption's reason is screened (R-SEC-3), the
CLI's receipt takes ``--lang`` (R-CON-4), and incident notices, reports and receipts are
worded by the engine's template directories (R-LEAK-1, R-CON-4)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import pipolicy as pp
from pipolicy.cli import main
from pipolicy.receipts import dpv_record, kantara_receipt
from pipolicy.requests import MemorySource
from tests.factories import JST, make_engine, make_policy
from tests.requests.support import T0, customer, shop_policy, verified

# -- 1. The reason a suspension is resumed for goes into the audit log: screened. --------


def test_r_sec_3_a_resumptions_reason_holding_personal_data_is_refused_and_nothing_lifted() -> None:
    engine = pp.Engine(shop_policy(), clock=pp.FixedClock(T0))
    crm = MemorySource()
    engine.register_source("crm", crm)
    person = customer(engine, crm)
    r = verified(
        engine, pp.RequestKind.SUSPENSION_OF_USE, person, details={"purposes": ["service"]}
    )
    engine.requests.fulfil(r.id)
    events = len(list(engine.audit_events()))

    for reason, looks in (
        ("asked by mail from hanako@example.jp", "e-mail"),
        ("called from 090-1234-5678 to be served again", "telephone"),
    ):
        with pytest.raises(pp.InvalidInput, match=looks) as refused:
            engine.requests.resume(r.id, reason=reason)
        assert "reason" in str(refused.value)
        assert "hanako" not in str(refused.value) and "1234" not in str(refused.value)

    assert len(list(engine.audit_events())) == events  # nothing written
    assert not engine.check_use(person, purpose="service", items={"email"}).allowed
    engine.requests.resume(r.id, reason="TICKET-2026-0412: asked to be served again")
    assert engine.check_use(person, purpose="service", items={"email"}).allowed


# -- 2. The CLI's receipt in the language asked for. -------------------------------------


JA_ONLY = """
[policy]
version = "shop-1"
revised = 2026-04-01
languages = ["ja"]

[controller]
name = "株式会社エグザンプル"
address = "東京都千代田区丸の内1-1"
representative = "代表取締役 店次郎"
contact = "privacy@example.jp"
security_measures = ["注文記録は暗号化して保管しています"]

[items.email]
title = "メールアドレス"

[purposes.service]
title = "サービスの提供のため"
items = ["email"]
"""


def _receipt_store(tmp_path: Path, policy_path: Path) -> tuple[str, str]:
    url = f"sqlite:///{tmp_path / 'pi.db'}"
    engine = pp.Engine(pp.load_policy(policy_path), store=url)
    s = engine.register_subject("cli-user")
    consent = engine.grant_consent(s, purpose="service")
    engine.close()
    return url, consent.id


def test_r_con_4_the_cli_exports_a_receipt_in_the_language_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy_path = Path(pp.example_policy_path("indigo_blue"))
    url, consent_id = _receipt_store(tmp_path, policy_path)
    args = ["export", "receipt", consent_id, "--store", url, "--policy", str(policy_path)]

    assert main([*args, "--lang", "en"]) == 0
    english = json.loads(capsys.readouterr().out)
    assert english["language"] == "en"
    assert (
        english["services"][0]["service"]
        == pp.consent_receipt(
            pp.Engine(pp.load_policy(policy_path), store=url), consent_id, lang="en"
        )["services"][0]["service"]
    )
    assert all(note.isascii() for note in english["notes"])
    assert main([*args, "--lang", "ja", "--format", "dpv"]) == 0
    japanese = json.loads(capsys.readouterr().out)
    assert any("同意" in note for note in japanese["notes"])


def test_r_con_4_the_cli_refuses_a_language_the_policy_does_not_publish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy_path = tmp_path / "ja_only.toml"
    policy_path.write_text(JA_ONLY, "utf-8")
    url, consent_id = _receipt_store(tmp_path, policy_path)
    args = ["export", "receipt", consent_id, "--store", url, "--policy", str(policy_path)]

    assert main([*args, "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: lang must be one the policy")
    assert main([*args, "--lang", "fr"]) == 2
    capsys.readouterr()
    assert main([*args, "--lang", "ja"]) == 0
    assert json.loads(capsys.readouterr().out)["language"] == "ja"


# -- 3. Incident texts in the engine's templates. -----------------------------------------

LATE = datetime(2026, 4, 2, 9, 0, tzinfo=JST)


def _own_templates(tmp_path: Path) -> Path:
    own = tmp_path / "ours"
    (own / "ja").mkdir(parents=True)
    (own / "ja" / "incident_notice.md.j2").write_text("当社独自のお知らせ\n", "utf-8")
    (own / "ja" / "incident_report.md.j2").write_text("当社独自の報告書案\n", "utf-8")
    shipped = Path(pp.__file__).parent / "templates" / "en" / "receipt.j2"
    (own / "en").mkdir()
    (own / "en" / "receipt.j2").write_text(
        shipped.read_text("utf-8").replace(
            "You may withdraw this consent at any time.", "Withdraw whenever you like."
        ),
        "utf-8",
    )
    return own


def _incident_engine(templates: Path | None) -> tuple[pp.Engine, str]:
    # A notice is written in a language the policy publishes in (session 19).
    policy = make_policy(languages=("ja",))
    engine = pp.Engine(policy, clock=pp.FixedClock(LATE), templates=templates)
    incident = engine.incidents.register(
        "leak",
        discovered_at=LATE - timedelta(hours=1),
        subjects=["s-1"],
        items={"email"},
        wrongful_act=True,
    )
    return engine, incident.id


def test_r_leak_1_incident_notices_and_reports_use_the_engines_templates(
    tmp_path: Path,
) -> None:
    own = _own_templates(tmp_path)
    engine, incident_id = _incident_engine(own)
    notice = engine.incidents.notice(incident_id, cause="誤送信", secondary_harm="なし")
    assert notice.strip() == "当社独自のお知らせ"
    assert engine.incidents.report_draft(incident_id).strip() == "当社独自の報告書案"

    # Directories given to the call replace the engine's, as for letters.
    shipped = Path(pp.__file__).parent / "templates"
    given = engine.incidents.notice(
        incident_id, cause="誤送信", secondary_harm="なし", templates=shipped
    )
    assert "当社独自" not in given and "誤送信" in given
    # An engine without templates words them as pipolicy does.
    plain, plain_id = _incident_engine(None)
    assert plain.incidents.notice(plain_id, cause="誤送信", secondary_harm="なし") == given


# -- 4. Receipts in the engine's templates, or in those given. ---------------------------


def test_r_con_4_a_receipt_is_worded_by_the_engines_templates(tmp_path: Path) -> None:
    own = _own_templates(tmp_path)
    engine, _ = make_engine()
    s = engine.register_subject("u-receipt", category="customer")
    consent = engine.grant_consent(s, purpose="newsletter")
    ours = pp.Engine(engine.policy, store=engine.store, clock=engine.clock, templates=own)

    for format in ("kantara", "dpv"):
        plain = pp.consent_receipt(engine, consent.id, format)["notes"]
        worded = pp.consent_receipt(ours, consent.id, format)["notes"]
        assert any(n.startswith("You may withdraw this consent at any time.") for n in plain)
        assert any(n.startswith("Withdraw whenever you like.") for n in worded)
        assert not any("You may withdraw" in n for n in worded)

    # The functions taking the policy take the directories too.
    kantara = kantara_receipt(engine.policy, consent, templates=own)
    dpv = dpv_record(engine.policy, consent, templates=str(own))
    for notes in (kantara["notes"], dpv["notes"]):
        assert any(n.startswith("Withdraw whenever you like.") for n in notes)
