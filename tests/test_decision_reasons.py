"""Decision reasons a person can read, in Japanese and English (pp.explain, reasons.j2).

The rules are driven through every reason they can give, on a policy that publishes in
Japanese (its default) and English with a title for everything it declares. For each
decision: the English explanation is the decision's reasons word for word; the Japanese
one shows titles, never internal names, and no English; the structured reasons
(``Decision.why``) match the English one for one and survive JSON. The reason keys the
scenarios produce are exactly the macros of both templates, so a new reason without
words (or words for a reason that no longer exists) fails here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest

import pipolicy as pp
from pipolicy.domain.exemptions import Exemption as E
from pipolicy.policy import validation
from pipolicy.publishing.explain import _words, reason_keys
from pipolicy.rules import reasons
from pipolicy.rules.acquisition import AcquisitionQuery, decide_acquisition
from pipolicy.rules.provision import ProvisionQuery, decide_provision
from pipolicy.rules.statistics import decide_statistics
from pipolicy.rules.use import UseQuery, decide_use
from pipolicy.storage.repositories import SubjectFacts
from tests.factories import CONTRACT, JST, T0, make_engine, make_policy

NOW = T0  # 2026-04-01 09:00 JST
BEFORE = NOW - timedelta(days=1)
ORDER = "Order 2026-9"
"""A justification, the business's own words: quoted as given in either language."""

TITLES: dict[str, tuple[str, str]] = {
    # items
    "name": ("氏名", "Name"),
    "email": ("メールアドレス", "E-mail address"),
    "phone": ("電話番号", "Phone number"),
    "address": ("住所", "Address"),
    "hobbies": ("趣味・嗜好", "Hobbies"),
    "resume": ("履歴書", "CV"),
    "medical_history": ("病歴", "Medical history"),
    "cookie_id": ("クッキーの識別子", "Cookie ID"),
    "tax_record": ("税務の記録", "Tax records"),
    "my_number": ("個人番号", "Individual Number"),
    # purposes
    "service": ("当社サービスを提供するため", "To provide our services"),
    "newsletter": ("メールマガジンを配信するため", "To send our newsletter"),
    "signup": ("会員登録を受け付けるため", "To register members"),
    "health": ("健康相談に応じるため", "To answer health questions"),
    "support": ("お問い合わせに対応するため", "To answer inquiries"),
    "hiring": ("採用選考を行うため", "To select applicants"),
    "analytics": ("ウェブサイトの利用状況を分析するため", "To analyse the use of our website"),
    "personalisation": ("表示内容をご利用者に合わせるため", "To personalise what we show"),
    "tracking": ("広告の効果を測定するため", "To measure advertising"),
    "accounting": ("会計処理を行うため", "For accounting"),
    "research": ("新しいサービスを研究開発するため", "To develop new services"),
    "stats": ("統計データを作成するため", "To produce statistics"),
    "stats_hiring": ("採用活動の統計データを作成するため", "To produce hiring statistics"),
    "payroll_tax": ("源泉徴収事務を行うため", "For withholding tax affairs"),
    # recipients
    "shipping": ("配送業務の委託先", "Shipping subcontractor"),
    "partner": ("サービス提携先", "Service partner"),
    "affiliate": ("関連会社", "Affiliate"),
    "group": ("グループ会社", "Group companies"),
    "buyer": ("事業の承継先", "Successor"),
    "court": ("裁判所", "Court"),
    "police": ("警察", "Police"),
    "readers": ("統計データの提供先", "Readers of our statistics"),
    "overseas": ("海外の提携先", "Partner abroad"),
    "faraway": ("遠方の提携先", "Partner far away"),
    "list_broker": ("名簿の提供先", "List broker"),
    "ad_stats": ("広告効果の測定事業者", "Advertising measurement"),
    "ad_match": ("広告配信事業者", "Advertising network"),
    "ad_abroad": ("海外の広告配信事業者", "Advertising network abroad"),
    "lab": ("共同研究先の大学", "University lab"),
    "payroll_office": ("給与計算の委託先", "Payroll office"),
}

CONTROLLER = pp.Controller(
    "株式会社エグザンプル",
    address="東京都千代田区千代田1-1",
    representative="代表取締役 山田太郎",
    contact="お問い合わせ窓口（電話 03-0000-0000）",
    security_measures=("個人データを取り扱う者を必要な者に限っています",),
    translations={
        "en": {
            "name": "Example K.K.",
            "address": "1-1 Chiyoda, Chiyoda-ku, Tokyo",
            "representative": "Taro Yamada, Representative Director",
            "contact": "Inquiries desk (phone 03-0000-0000)",
            "security_measures": ("Only the staff who need it can reach personal data",),
        }
    },
)


def _titled(entity: Any) -> Any:
    """``entity`` with its Japanese title, and English texts for what a person reads."""
    ja, en = TITLES[entity.name]
    english: dict[str, object] = {"title": en}
    retention = getattr(entity, "legal_retention", None)
    if retention:
        english["legal_retention"] = retention
    english.update(entity.translations.get("en", {}))
    return attrs.evolve(entity, title=ja, translations={"en": english})


def world(**overrides: Any) -> pp.Policy:
    """The factories' policy and more (opt-out, abroad, statistics, My Number, public
    authorities), in Japanese and English."""
    base = make_policy()
    items = {
        **base.items,
        "my_number": pp.DataItem("my_number", my_number=True),
    }
    purposes = {
        **base.purposes,
        "stats": pp.Purpose("stats", items={"hobbies", "address"}, statistics=True),
        "stats_hiring": pp.Purpose("stats_hiring", items={"resume"}, statistics=True),
        "payroll_tax": pp.Purpose(
            "payroll_tax",
            items={"name", "my_number"},
            my_number_affairs="tax",
            retention="7 years",
        ),
        "research": attrs.evolve(
            base.purposes["research"],
            changes=(pp.PurposeChange(date(2026, 3, 1), related=False),),
        ),
    }
    opt_out = pp.OptOut(
        items={"name"},
        method="ウェブサイトのフォーム",
        notified=date(2026, 3, 1),
        filed=date(2026, 3, 10),
        waiting="7 days",
        acquired_by="会員登録フォームから",
        provided_by="電子ファイルで",
        updated_by="毎月、会員情報に基づき",
        translations={
            "en": {
                "method": "the form on our website",
                "acquired_by": "from the sign-up form",
                "provided_by": "as an electronic file",
                "updated_by": "monthly, from member records",
            }
        },
    )
    recipients = {
        **base.recipients,
        "police": pp.Recipient("police", kind=pp.RecipientKind.PUBLIC_AUTHORITY),
        "readers": pp.Recipient("readers", kind=pp.RecipientKind.STATISTICS, purposes={"stats"}),
        "overseas": pp.Recipient("overseas", purposes={"service"}, items={"email"}, country="US"),
        "faraway": pp.Recipient("faraway", purposes={"service"}, items={"email"}, country="AQ"),
        "list_broker": pp.Recipient(
            "list_broker",
            purposes={"service"},
            items={"name", "address"},
            opt_out=opt_out,
            address="東京都千代田区大手町2-2",
            representative="代表取締役 名簿太郎",
            translations={"en": {"address": "2-2 Otemachi, Tokyo", "representative": "Taro Meibo"}},
        ),
        "ad_stats": pp.Recipient("ad_stats"),
        "ad_match": pp.Recipient("ad_match", links_identifiers=True),
        "ad_abroad": pp.Recipient("ad_abroad", links_identifiers=True, country="US"),
        "lab": pp.Recipient("lab", academic_institution=True),
        "payroll_office": pp.Recipient(
            "payroll_office",
            kind=pp.RecipientKind.ENTRUSTEE,
            purposes={"payroll_tax"},
            items={"name", "my_number"},
            contract=CONTRACT,
        ),
    }
    joint = attrs.evolve(
        base.joint_uses["group-crm"],
        users="当社の子会社（ウェブサイトに掲載しています）",
        manager_name="株式会社エグザンプル",
        manager_address="東京都千代田区千代田1-1",
        manager_representative="代表取締役 山田太郎",
        translations={
            "en": {
                "users": "Our subsidiaries, listed on the website",
                "manager_name": "Example K.K.",
                "manager_address": "1-1 Chiyoda, Tokyo",
                "manager_representative": "Taro Yamada, Representative Director",
            }
        },
    )
    kwargs: dict[str, Any] = {
        "controller": CONTROLLER,
        "items": items,
        "purposes": purposes,
        "recipients": recipients,
        "joint_uses": {"group-crm": joint},
        "statistics_min_group": 3,
        **overrides,
    }
    for table in ("items", "purposes", "recipients"):
        kwargs[table] = {k: _titled(v) for k, v in kwargs[table].items()}
    return make_policy(languages=("ja", "en"), **kwargs)


POLICY = world()


@contextmanager
def _unvalidated() -> Iterator[None]:
    """Policies a validator refuses, for rules that must still deny on their own."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(validation, "validate", lambda _policy: [])
        yield


def without(ground: str) -> pp.Policy:
    return world(provision_grounds=set(POLICY.provision_grounds) - {ground})


def manager_changed() -> pp.Policy:
    """Another person responsible for the joint use, not yet made known (Art. 27(6))."""
    change = pp.JointUseChange("manager", date(2026, 3, 1))
    joint = attrs.evolve(POLICY.joint_uses["group-crm"], changes=(change,))
    return world(joint_uses={"group-crm": joint})


def opt_out_changed(*changes: pp.OptOutChange) -> pp.Policy:
    """The list broker's opt-out with ``address`` among its items and ``changes`` since
    its first notice (Art. 27(3))."""
    broker = POLICY.recipients["list_broker"]
    assert broker.opt_out is not None
    opt_out = attrs.evolve(broker.opt_out, items={"name", "address"}, changes=changes)
    broker = attrs.evolve(broker, opt_out=opt_out)
    return world(recipients={**POLICY.recipients, "list_broker": broker})


def opt_out_ended() -> pp.Policy:
    """The list broker's opt-out, ended on 2026-03-12 (Art. 27(3))."""
    broker = POLICY.recipients["list_broker"]
    assert broker.opt_out is not None
    end = pp.OptOutEnd(date(2026, 3, 12), notified=date(2026, 3, 12), filed=date(2026, 3, 13))
    broker = attrs.evolve(broker, opt_out=attrs.evolve(broker.opt_out, end=end))
    return world(recipients={**POLICY.recipients, "list_broker": broker})


def _research_notified() -> pp.Policy:
    """``research`` changed beyond relevance on 2026-03-01, published that day."""
    change = pp.PurposeChange(
        date(2026, 3, 1), related=False, notified=date(2026, 3, 1), how="ウェブサイトで公表"
    )
    research = attrs.evolve(POLICY.purposes["research"], changes=(change,))
    return world(purposes={**POLICY.purposes, "research": research})


def _service_changed() -> pp.Policy:
    """``service``, which ``partner`` receives data for, changed beyond relevance on
    2026-04-01 (after the consents of ``BEFORE``), published that day."""
    change = pp.PurposeChange(
        date(2026, 4, 1), related=False, notified=date(2026, 4, 1), how="ウェブサイトで公表"
    )
    service = attrs.evolve(POLICY.purposes["service"], changes=(change,))
    return world(purposes={**POLICY.purposes, "service": service}, revised=date(2026, 4, 1))


def split_successor() -> pp.Policy:
    """``buyer`` takes over the ``service`` business only, with its items (a company split)."""
    buyer = attrs.evolve(
        POLICY.recipients["buyer"], purposes={"service"}, items={"name", "email", "address"}
    )
    return world(recipients={**POLICY.recipients, "buyer": buyer})


def academic() -> pp.Policy:
    return world(
        academic_institution=True,
        use_exemptions=set(POLICY.use_exemptions) | {"academic_research"},
        provision_grounds=set(POLICY.provision_grounds)
        | {"academic_publication", "academic_joint_research", "academic_recipient"},
    )


# -- facts built by hand ----------------------------------------------------------------


def acq(
    items: Iterable[str],
    purposes: Iterable[str],
    *,
    channel: pp.Channel = pp.Channel.WEB,
    at: datetime = BEFORE,
    id: str = "a1",
    **extra: Any,
) -> pp.Acquisition:
    return pp.Acquisition(
        id, "s1", frozenset(items), frozenset(purposes), channel, "form", at, "v1", **extra
    )


def consent(
    *,
    purpose: str | None = None,
    recipient: str | None = None,
    items: Iterable[str] = (),
    foreign_info: str = "",
    foreign_country: str = "",
) -> pp.Consent:
    return pp.Consent(
        "k1",
        "s1",
        pp.ConsentScope(purpose, recipient, frozenset(items)),
        pp.ConsentStatus.GIVEN,
        pp.Evidence(
            "web-form", "form-1", foreign_info=foreign_info, foreign_country=foreign_country
        ),
        "v1",
        BEFORE,
    )


def restriction(kind: pp.RestrictionKind, **scope: Iterable[str]) -> pp.Restriction:
    sets = {k: frozenset(v) for k, v in scope.items()}
    return pp.Restriction("r1", "s1", kind, BEFORE, "2026-0007", **sets)


def facts(
    *acquisitions: pp.Acquisition,
    consents: Iterable[pp.Consent] = (),
    restrictions: Iterable[pp.Restriction] = (),
    category: str = "customer",
) -> SubjectFacts:
    subject = pp.Subject("s1", "c1", BEFORE - timedelta(days=30), category)
    return SubjectFacts(subject, tuple(acquisitions), tuple(consents), tuple(restrictions))


SERVICE = acq({"name", "email", "address"}, {"service"})
SUPPORT = acq({"name", "phone"}, {"support"})
COOKIE = acq({"cookie_id"}, {"analytics"})


def use(
    f: SubjectFacts,
    purpose: str,
    items: Iterable[str],
    *,
    policy: pp.Policy | None = None,
    now: datetime = NOW,
    **query: Any,
) -> pp.Decision:
    q = UseQuery(purpose, frozenset(items), **query)
    return decide_use(policy or POLICY, f, q, now)


def provide(
    f: SubjectFacts,
    recipient: str,
    items: Iterable[str],
    purpose: str | None = None,
    *,
    policy: pp.Policy | None = None,
    now: datetime = NOW,
    **query: Any,
) -> pp.Decision:
    q = ProvisionQuery(recipient, frozenset(items), purpose, **query)
    return decide_provision(policy or POLICY, f, q, now)


def acquire(
    f: SubjectFacts,
    items: Iterable[str],
    purposes: Iterable[str],
    *,
    policy: pp.Policy | None = None,
    **query: Any,
) -> pp.Decision:
    q = AcquisitionQuery(frozenset(items), frozenset(purposes), **query)
    return decide_acquisition(policy or POLICY, f, q, NOW)


def statistics(recipient: str, purpose: str, table: pp.Aggregate, **over: Any) -> pp.Decision:
    return decide_statistics(world(**over) if over else POLICY, recipient, purpose, table)


TABLE = pp.Aggregate(("hobbies",), {("tennis",): 5, ("go",): 3})


def _weak_contract() -> pp.Policy:
    shipping = POLICY.recipients["shipping"]
    assert shipping.contract is not None
    contract = attrs.evolve(shipping.contract, confidentiality=False, no_reprovision=False)
    with _unvalidated():
        return world(
            recipients={**POLICY.recipients, "shipping": attrs.evolve(shipping, contract=contract)}
        )


def _no_consent_ground() -> pp.Policy:
    recipients = {"partner": pp.Recipient("partner", purposes={"service"}, items={"name"})}
    with _unvalidated():
        return world(recipients=recipients, joint_uses={}, provision_grounds={"entrustment"})


def _my_number() -> SubjectFacts:
    return facts(SERVICE, acq({"name", "my_number"}, {"payroll_tax"}, id="a2"))


COURT: dict[str, Any] = {"exemption": E.LAWS_AND_REGULATIONS, "justification": ORDER}

SCENARIOS: dict[str, Callable[[], pp.Decision]] = {
    # -- use (R-USE-*, R-SEC-1, R-PRI-1, R-MYN-1) --
    "r_use_4_within": lambda: use(facts(SERVICE), "service", {"email"}),
    "r_use_4_consent": lambda: use(
        facts(SERVICE, consents=[consent(purpose="newsletter")]), "newsletter", {"email"}
    ),
    "r_use_4_beyond": lambda: use(facts(SERVICE), "newsletter", {"email"}),
    "r_use_4_partly_consented": lambda: use(
        facts(SERVICE, SUPPORT, consents=[consent(purpose="support", items={"email"})]),
        "support",
        {"email", "phone"},
        actor=pp.Actor("desk", frozenset({"support"})),
    ),
    "r_use_7_given": lambda: use(
        facts(acq({"name", "email"}, {"signup"}), consents=[consent(purpose="signup")]),
        "signup",
        {"email"},
    ),
    "r_use_7_given_later": lambda: use(
        facts(
            acq({"name", "email"}, {"signup"}, at=BEFORE - timedelta(days=1)),
            consents=[consent(purpose="signup")],
        ),
        "signup",
        {"email"},
    ),
    "r_use_7_needed": lambda: use(facts(acq({"name", "email"}, {"signup"})), "signup", {"email"}),
    "r_con_2_permission_withdrawn": lambda: use(
        facts(
            acq({"name", "email"}, {"signup"}),
            consents=[
                attrs.evolve(
                    consent(purpose="signup"), status=pp.ConsentStatus.WITHDRAWN, ended_at=BEFORE
                )
            ],
        ),
        "signup",
        {"email"},
    ),
    "r_use_9_category": lambda: use(
        facts(acq({"name", "resume"}, {"hiring"}), category="applicant"), "service", {"name"}
    ),
    "r_use_1_missing": lambda: use(
        facts(SERVICE), "support", {"phone"}, actor=pp.Actor("desk", frozenset({"support"}))
    ),
    "r_acq_2_undeclared": lambda: use(
        facts(SUPPORT, consents=[consent(purpose="newsletter")]), "newsletter", {"phone"}
    ),
    "r_pri_1_linkage": lambda: use(
        facts(acq({"cookie_id", "email"}, {"tracking"})), "tracking", {"cookie_id", "email"}
    ),
    "r_sec_1_no_actor": lambda: use(facts(SUPPORT), "support", {"phone"}),
    "r_sec_1_wrong_actor": lambda: use(facts(SUPPORT), "support", {"phone"}, actor=pp.Actor("s7")),
    "r_use_3_unnotified": lambda: use(  # collected before the change of 2026-03-01
        facts(acq({"email"}, {"research"}, at=datetime(2026, 2, 1, 9, 0, tzinfo=JST))),
        "research",
        {"email"},
    ),
    "r_con_3_changed": lambda: use(
        facts(acq({"email"}, {"research"}, at=datetime(2026, 2, 1, 9, 0, tzinfo=JST))),
        "research",
        {"email"},
        policy=_research_notified(),
    ),
    "r_use_6_succession": lambda: use(
        facts(acq({"name", "email"}, {"signup"}, channel=pp.Channel.SUCCESSION)),
        "signup",
        {"email"},
    ),
    "r_con_2_succession_declined": lambda: use(
        facts(
            acq({"name", "email"}, {"signup"}, channel=pp.Channel.SUCCESSION),
            consents=[
                attrs.evolve(
                    consent(purpose="signup"), status=pp.ConsentStatus.REFUSED, ended_at=BEFORE
                )
            ],
        ),
        "signup",
        {"email"},
    ),
    "r_myn_1_use": lambda: use(_my_number(), "accounting", {"name", "my_number"}),
    "r_myn_1_beyond": lambda: use(
        # Collected for social security affairs a later policy no longer declares.
        facts(acq({"name", "my_number"}, {"social_insurance"}, id="a2")),
        "payroll_tax",
        {"my_number"},
        **COURT,
    ),
    "r_myn_1_receipt": lambda: acquire(
        facts(),
        {"name", "my_number"},
        {"payroll_tax"},
        channel=pp.Channel.PROVIDED_BY_BUSINESS,
        provider_basis=pp.ReceiptBasis.CONSENT,
        source="Other Co.",
    ),
    "r_myn_1_receipt_claim": lambda: acquire(
        facts(),
        {"name", "my_number"},
        {"payroll_tax"},
        channel=pp.Channel.PROVIDED_BY_BUSINESS,
        exemption=E.PUBLIC_HEALTH_CHILDREN,
        justification=ORDER,
        source="Other Co.",
    ),
    "r_use_5_claimed": lambda: use(facts(SERVICE), "newsletter", {"email"}, **COURT),
    "r_use_5_not_in_law": lambda: use(
        facts(SERVICE), "newsletter", {"email"}, exemption=E.MADE_PUBLIC, justification=ORDER
    ),
    "r_use_5_not_allowed": lambda: use(
        facts(SERVICE),
        "newsletter",
        {"email"},
        policy=world(use_exemptions={"laws_and_regulations"}),
        exemption=E.LIFE_BODY_PROPERTY,
        justification=ORDER,
    ),
    "r_use_5_not_academic": lambda: use(
        facts(SERVICE),
        "newsletter",
        {"email"},
        policy=world(use_exemptions=set(POLICY.use_exemptions) | {"academic_research"}),
        exemption=E.ACADEMIC_RESEARCH,
        justification=ORDER,
    ),
    "r_req_7_use_suspended": lambda: use(
        facts(SERVICE, restrictions=[restriction(pp.RestrictionKind.SUSPEND_USE)]),
        "service",
        {"email"},
    ),
    "r_req_7_deleted": lambda: use(
        facts(SERVICE, restrictions=[restriction(pp.RestrictionKind.DELETED)]), "service", {"email"}
    ),
    # Consent given at BEFORE, e-mail deleted on request at BEFORE + 1h, given again after.
    "r_req_7_consent_outlived": lambda: use(
        facts(
            SERVICE,
            acq({"email"}, {"service"}, at=BEFORE + timedelta(hours=2), id="a2"),
            consents=[consent(purpose="newsletter")],
            restrictions=[
                pp.Restriction(
                    "r1",
                    "s1",
                    pp.RestrictionKind.DELETED,
                    BEFORE + timedelta(hours=1),
                    "2026-0007",
                    items=frozenset({"email"}),
                )
            ],
        ),
        "newsletter",
        {"email"},
    ),
    "r_acc_1_erased": lambda: use(
        facts(
            SERVICE,
            restrictions=[pp.Restriction("r1", "s1", pp.RestrictionKind.DELETED, BEFORE)],
        ),
        "service",
        {"email"},
    ),
    # -- provision (R-TPP-*, R-SEC-2, R-XB-1, R-PRI-1, R-MYN-1, R-REQ-7) --
    "r_tpp_1_consent": lambda: provide(
        facts(SERVICE, consents=[consent(recipient="partner", items={"email"})]),
        "partner",
        {"email"},
        "service",
    ),
    "r_tpp_1_no_consent": lambda: provide(facts(SERVICE), "partner", {"email"}, "service"),
    "r_sec_1_provision_no_actor": lambda: provide(facts(SUPPORT), "police", {"phone"}, **COURT),
    "r_sec_1_provision_wrong_actor": lambda: provide(
        facts(SUPPORT), "police", {"phone"}, actor=pp.Actor("s7"), **COURT
    ),
    "r_con_2_provision_consent_withdrawn": lambda: provide(
        facts(
            SERVICE,
            consents=[
                attrs.evolve(
                    consent(recipient="partner", items={"email"}),
                    status=pp.ConsentStatus.WITHDRAWN,
                    ended_at=BEFORE,
                )
            ],
        ),
        "partner",
        {"email"},
        "service",
    ),
    "r_tpp_1_consent_to_fewer_items": lambda: provide(
        facts(SERVICE, consents=[consent(recipient="partner", items={"email"})]),
        "partner",
        {"name", "email"},
        "service",
    ),
    "r_tpp_1_consent_before_change": lambda: provide(
        facts(SERVICE, consents=[consent(recipient="partner", items={"email"})]),
        "partner",
        {"email"},
        "service",
        policy=_service_changed(),
    ),
    "r_tpp_1_no_purpose": lambda: provide(facts(SERVICE), "partner", {"email"}),
    "r_tpp_1_wrong_purpose": lambda: provide(facts(SERVICE), "partner", {"email"}, "newsletter"),
    "r_tpp_1_wrong_items": lambda: provide(facts(SERVICE), "partner", {"address"}, "service"),
    "r_tpp_1_not_usable": lambda: provide(
        facts(acq({"email"}, {"newsletter"}), consents=[consent(recipient="partner")]),
        "partner",
        {"email"},
        "service",
    ),
    "r_tpp_1_no_ground": lambda: provide(
        facts(SERVICE), "partner", {"name"}, "service", policy=_no_consent_ground()
    ),
    "r_tpp_1_not_held": lambda: provide(facts(SERVICE), "partner", {"phone"}, "service"),
    "r_tpp_2_claimed": lambda: provide(facts(SERVICE), "court", {"name"}, **COURT),
    "r_tpp_2_not_in_law": lambda: provide(
        facts(SERVICE), "court", {"name"}, exemption=E.MADE_PUBLIC, justification=ORDER
    ),
    "r_tpp_2_not_allowed": lambda: provide(
        facts(SERVICE),
        "court",
        {"name"},
        policy=without("life_body_property"),
        exemption=E.LIFE_BODY_PROPERTY,
        justification=ORDER,
    ),
    "r_tpp_2_not_academic_recipient": lambda: provide(
        facts(SERVICE),
        "court",
        {"name"},
        policy=academic(),
        exemption=E.ACADEMIC_RECIPIENT,
        justification=ORDER,
    ),
    "r_tpp_2_not_a_partner": lambda: provide(
        facts(SERVICE),
        "lab",
        {"name"},
        policy=academic(),
        exemption=E.ACADEMIC_JOINT_RESEARCH,
        justification=ORDER,
    ),
    "r_tpp_2_public_authority": lambda: provide(facts(SERVICE), "police", {"name"}, "service"),
    "r_acq_3_exemption_channel": lambda: acquire(
        facts(),
        {"name", "medical_history"},
        {"health"},
        channel=pp.Channel.TELEPHONE,
        exemption=E.OBSERVED,
        justification=ORDER,
    ),
    "r_ntc_1_channel_unnamed": lambda: acquire(
        facts(), {"email"}, {"newsletter"}, purpose_shown=False
    ),
    "r_acq_3_exemption_channel_unnamed": lambda: acquire(
        facts(),
        {"name", "medical_history"},
        {"health"},
        exemption=E.RECEIVED_UNDER_ARRANGEMENT,
        justification=ORDER,
    ),
    "r_tpp_2_exemption_foreign": lambda: provide(
        facts(SERVICE),
        "overseas",
        {"email"},
        "service",
        exemption=E.STATE_COOPERATION,
        justification=ORDER,
    ),
    "r_tpp_6_statistics_recipient": lambda: provide(
        facts(SERVICE), "readers", {"email"}, "service"
    ),
    "r_tpp_4_succession": lambda: provide(facts(SERVICE), "buyer", {"name", "email"}),
    "r_tpp_4_outside_the_succession": lambda: provide(
        facts(SERVICE, SUPPORT),
        "buyer",
        {"name", "phone"},
        "service",
        policy=split_successor(),
        actor=pp.Actor("desk", frozenset({"support"})),  # the phone is held for support only
    ),
    "r_tpp_4_no_ground": lambda: provide(
        facts(SERVICE), "buyer", {"name"}, policy=without("business_succession")
    ),
    "r_sec_2_no_contract": lambda: provide(
        facts(SERVICE),
        "shipping",
        {"name"},
        "service",
        now=datetime(2027, 4, 1, 9, tzinfo=T0.tzinfo),
    ),
    "r_sec_2_weak_contract": lambda: provide(
        facts(SERVICE), "shipping", {"name"}, "service", policy=_weak_contract()
    ),
    "r_tpp_3_entrustment": lambda: provide(
        facts(SERVICE), "shipping", {"name", "address"}, "service"
    ),
    "r_tpp_3_no_ground": lambda: provide(
        facts(SERVICE), "shipping", {"name"}, "service", policy=without("entrustment")
    ),
    "r_tpp_3_wrong_purpose": lambda: provide(
        facts(SERVICE, acq({"email"}, {"newsletter"}, id="a2")), "shipping", {"email"}, "newsletter"
    ),
    "r_tpp_3_wrong_items": lambda: provide(facts(SERVICE), "shipping", {"email"}, "service"),
    "r_tpp_5_joint_use": lambda: provide(facts(SERVICE), "group", {"name", "email"}, "service"),
    "r_tpp_5_no_ground": lambda: provide(
        facts(SERVICE), "group", {"name"}, "service", policy=without("joint_use")
    ),
    "r_tpp_5_unpublished": lambda: provide(
        facts(acq({"name"}, {"service"}, at=datetime(2026, 1, 10, tzinfo=T0.tzinfo))),
        "group",
        {"name"},
        "service",
        now=datetime(2026, 1, 15, 9, tzinfo=T0.tzinfo),
    ),
    "r_tpp_5_wrong_purpose": lambda: provide(
        facts(SERVICE, acq({"email"}, {"newsletter"}, id="a2")), "group", {"email"}, "newsletter"
    ),
    "r_tpp_5_wrong_items": lambda: provide(facts(SERVICE), "group", {"address"}, "service"),
    "art_27_6_change_unannounced": lambda: provide(
        facts(SERVICE), "group", {"name"}, "service", policy=manager_changed()
    ),
    "r_xb_1_no_consent": lambda: provide(facts(SERVICE), "overseas", {"email"}, "service"),
    "r_xb_1_unknown_country": lambda: provide(facts(SERVICE), "faraway", {"email"}, "service"),
    "r_xb_1_without_info": lambda: provide(
        facts(SERVICE, consents=[consent(recipient="overseas", items={"email"})]),
        "overseas",
        {"email"},
        "service",
    ),
    "r_xb_1_consent": lambda: provide(
        facts(
            SERVICE,
            consents=[
                consent(recipient="overseas", foreign_info="notice-us-v2", foreign_country="US")
            ],
        ),
        "overseas",
        {"email"},
        "service",
    ),
    "r_xb_1_info_on_another_country": lambda: provide(
        facts(
            SERVICE,
            consents=[
                attrs.evolve(
                    consent(recipient="overseas", foreign_info="notice-sg-v1"),
                    evidence=pp.Evidence("web-form", foreign_info="x", foreign_country="SG"),
                )
            ],
        ),
        "overseas",
        {"email"},
        "service",
    ),
    "r_xb_1_info_on_no_country": lambda: provide(
        facts(
            SERVICE,
            consents=[consent(recipient="overseas", items={"email"}, foreign_info="notice-v1")],
        ),
        "overseas",
        {"email"},
        "service",
    ),
    "r_tpp_8_opt_out": lambda: provide(facts(SERVICE), "list_broker", {"name"}, "service"),
    "r_tpp_8_ended": lambda: provide(
        facts(SERVICE), "list_broker", {"name"}, "service", policy=opt_out_ended()
    ),
    "r_tpp_8_change_undated": lambda: provide(
        facts(SERVICE),
        "list_broker",
        {"address"},
        "service",
        policy=opt_out_changed(pp.OptOutChange(date(2026, 3, 15), added={"address"})),
    ),
    "r_tpp_8_change_not_started": lambda: provide(
        facts(SERVICE),
        "list_broker",
        {"name"},
        "service",
        policy=opt_out_changed(
            pp.OptOutChange(
                date(2026, 3, 15),
                changed={"provided_by"},
                notified=date(2026, 3, 30),
                filed=date(2026, 3, 30),
            )
        ),
    ),
    "r_tpp_8_not_started": lambda: provide(
        facts(acq({"name"}, {"service"}, at=datetime(2026, 3, 1, tzinfo=T0.tzinfo))),
        "list_broker",
        {"name"},
        "service",
        now=datetime(2026, 3, 5, 9, tzinfo=T0.tzinfo),
    ),
    "r_acc_1_purpose_ended": lambda: use(
        facts(SERVICE),
        "service",
        {"email"},
        policy=attrs.evolve(
            POLICY,
            purposes={
                **POLICY.purposes,
                "service": attrs.evolve(POLICY.purposes["service"], ends=date(2026, 3, 31)),
            },
        ),
    ),
    "r_acc_1_retention_passed": lambda: use(
        facts(acq({"email"}, {"newsletter"})), "newsletter", {"email"}, now=NOW + timedelta(days=40)
    ),
    "r_acc_1_legal_hold_only": lambda: use(
        facts(acq({"tax_record"}, {"accounting"})),
        "accounting",
        {"tax_record"},
        now=NOW + timedelta(days=40),
        policy=attrs.evolve(
            POLICY,
            purposes={
                **POLICY.purposes,
                "accounting": attrs.evolve(
                    POLICY.purposes["accounting"], retention="30 days", retention_from="collection"
                ),
            },
        ),
    ),
    "r_tpp_8_declined": lambda: provide(
        facts(
            SERVICE,
            consents=[
                attrs.evolve(
                    consent(recipient="list_broker", items={"name"}),
                    status=pp.ConsentStatus.REFUSED,
                    ended_at=BEFORE,
                )
            ],
        ),
        "list_broker",
        {"address"},
        "service",
    ),
    "r_tpp_8_items_and_received": lambda: provide(
        facts(
            acq(
                {"name", "address"},
                {"service"},
                channel=pp.Channel.PROVIDED_BY_BUSINESS,
                provider_obtained_by="opt_out",
            )
        ),
        "list_broker",
        {"name", "address"},
        "service",
    ),
    "r_tpp_8_basis_unknown": lambda: provide(
        facts(acq({"name"}, {"service"}, channel=pp.Channel.PROVIDED_BY_BUSINESS)),
        "list_broker",
        {"name"},
        "service",
    ),
    "r_pri_1_unlinked": lambda: provide(facts(COOKIE), "ad_stats", {"cookie_id"}),
    "r_pri_1_unconfirmed": lambda: provide(facts(COOKIE), "ad_match", {"cookie_id"}),
    "r_pri_1_confirmed": lambda: provide(
        facts(COOKIE, consents=[consent(recipient="ad_match", items={"cookie_id"})]),
        "ad_match",
        {"cookie_id"},
    ),
    "r_pri_1_abroad_unconfirmed": lambda: provide(
        facts(COOKIE, consents=[consent(recipient="ad_abroad", items={"cookie_id"})]),
        "ad_abroad",
        {"cookie_id"},
    ),
    "r_req_7_provision_suspended": lambda: provide(
        facts(
            SERVICE,
            consents=[consent(recipient="partner")],
            restrictions=[
                restriction(pp.RestrictionKind.SUSPEND_PROVISION, recipients={"partner"})
            ],
        ),
        "partner",
        {"email"},
        "service",
    ),
    "r_myn_1_provision": lambda: provide(_my_number(), "partner", {"name", "my_number"}, "service"),
    "r_myn_1_entrusted_outside_affairs": lambda: provide(
        _my_number(), "payroll_office", {"name", "my_number"}, "service"
    ),
    # -- acquisition (R-ACQ-*, R-NTC-1, R-USE-7, R-USE-9, R-PRI-1) --
    "r_acq_1_acquired": lambda: acquire(facts(), {"name", "email"}, {"service"}),
    "r_use_7_acquired_with_permission": lambda: acquire(
        facts(consents=[consent(purpose="signup")]), {"name", "email"}, {"signup"}
    ),
    "r_acq_2_and_r_use_9": lambda: acquire(
        facts(category="applicant"), {"name", "hobbies", "phone"}, {"service"}
    ),
    "r_acq_4_provider": lambda: acquire(
        facts(),
        {"name"},
        {"service"},
        channel=pp.Channel.PROVIDED_BY_BUSINESS,
        provider_confirmed=False,
        provider_lawful=False,
    ),
    "r_acq_4_received_unconfirmed": lambda: acquire(
        facts(),
        {"name"},
        {"service"},
        channel=pp.Channel.PROVIDED_BY_BUSINESS,
        provider_confirmed=False,
        exemption=pp.Exemption.RECEIVED_UNDER_ARRANGEMENT,
        justification="entrustment contract C-1",
    ),
    "r_acq_3_on_provision_consent": lambda: acquire(
        facts(),
        {"name", "medical_history"},
        {"health"},
        channel=pp.Channel.PROVIDED_BY_BUSINESS,
        provider_basis=pp.ReceiptBasis.CONSENT,
        policy=world(
            purposes={
                **POLICY.purposes,
                "health": attrs.evolve(POLICY.purposes["health"], consent=pp.ConsentRule.NONE),
            }
        ),
    ),
    "r_ntc_1_not_shown": lambda: acquire(
        facts(), {"name"}, {"service"}, channel=pp.Channel.WEB, purpose_shown=False
    ),
    "r_acq_3_special": lambda: acquire(facts(), {"name", "medical_history"}, {"health"}),
    "r_use_7_permission": lambda: acquire(facts(), {"name", "email"}, {"signup"}),
    "r_con_2_collection_declined": lambda: acquire(
        facts(
            consents=[
                attrs.evolve(
                    consent(purpose="signup"), status=pp.ConsentStatus.REFUSED, ended_at=BEFORE
                )
            ]
        ),
        {"name", "email"},
        {"signup"},
    ),
    "r_pri_1_acquisition": lambda: acquire(facts(SERVICE), {"cookie_id"}, {"analytics"}),
    "r_pri_1_referable_unconsented": lambda: acquire(
        facts(SERVICE),
        {"cookie_id"},
        {"personalisation"},
        channel=pp.Channel.PROVIDED_BY_BUSINESS,
        provider_basis=pp.ReceiptBasis.PERSONALLY_REFERABLE,
    ),
    "r_ntc_1_channel_other": lambda: acquire(
        facts(), {"email"}, {"newsletter"}, channel=pp.Channel.OTHER, purpose_shown=False
    ),
    "r_ntc_1_urgent": lambda: acquire(
        facts(),
        {"email"},
        {"newsletter"},
        channel=pp.Channel.WEB,
        purpose_shown=False,
        exemption=E.LIFE_BODY_PROPERTY,
        justification=ORDER,
    ),
    "r_acq_4_opt_out_special": lambda: acquire(
        facts(consents=[consent(purpose="health")]),
        {"name", "medical_history"},
        {"health"},
        channel=pp.Channel.PROVIDED_BY_BUSINESS,
        provider_by_opt_out=True,
    ),
    "r_acq_3_not_in_law": lambda: acquire(
        facts(), {"name"}, {"service"}, exemption=E.ACADEMIC_RECIPIENT, justification=ORDER
    ),
    # -- statistics (R-TPP-6, R-USE-8) --
    "r_tpp_6_statistics": lambda: statistics("readers", "stats", TABLE),
    "r_tpp_6_refused": lambda: statistics(
        "readers",
        "service",
        pp.Aggregate(("hobbies", "phone"), {("tennis", "x"): 1}),
        provision_grounds=set(POLICY.provision_grounds) - {"anonymized"},
        recipients={
            k: v for k, v in POLICY.recipients.items() if v.kind is not pp.RecipientKind.STATISTICS
        },
    ),
    "r_tpp_6_other_statistics": lambda: statistics(
        "readers", "stats_hiring", pp.Aggregate(("resume",), {("engineer",): 12})
    ),
    "r_tpp_6_empty": lambda: statistics("readers", "stats", pp.Aggregate(("hobbies",), {})),
    "r_use_8_suppressed_below_k": lambda: statistics(
        "readers", "stats", pp.Aggregate(("hobbies",), {("tennis",): 5}, 1, min_group=2)
    ),
}


@pytest.fixture(scope="module")
def decisions() -> dict[str, pp.Decision]:
    return {name: make() for name, make in SCENARIOS.items()}


ASCII_WORD = re.compile(r"[A-Za-z]{3,}")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
PROPER = {"Order"}
"""Latin words a Japanese text may show: the business's own words, quoted as given."""


def _macros(lang: str) -> frozenset[str]:
    return reason_keys(lang)


# -- every reason, in both languages ---------------------------------------------------


def test_r_pub_1_every_reason_key_the_rules_give_has_words_in_both_languages(
    decisions: dict[str, pp.Decision],
) -> None:
    given = {r.key for d in decisions.values() for r in d.why}
    assert given == _macros("ja"), "ja/reasons.j2 and the rules disagree on the reason keys"
    assert given == _macros("en"), "en/reasons.j2 and the rules disagree on the reason keys"


def test_r_pub_1_every_reason_is_built_by_the_function_of_its_key() -> None:
    builders = {
        name
        for name, value in vars(reasons).items()
        if callable(value) and not name.startswith("_") and getattr(value, "__wrapped__", None)
    }
    assert builders == _macros("ja")


@pytest.mark.parametrize("name", SCENARIOS)
def test_r_sec_3_english_explanation_is_the_reasons_word_for_word(
    name: str, decisions: dict[str, pp.Decision]
) -> None:
    d = decisions[name]
    assert len(d.why) == len(d.reasons) > 0
    assert pp.explain(d, POLICY, "en") == d.reasons
    for text in d.reasons:
        assert not JAPANESE.search(text), text


@pytest.mark.parametrize("name", SCENARIOS)
def test_r_pub_1_japanese_explanation_shows_titles_and_no_english(
    name: str, decisions: dict[str, pp.Decision]
) -> None:
    d = decisions[name]
    texts = pp.explain(d, POLICY, "ja")
    assert len(texts) == len(d.reasons)
    for text in texts:
        assert JAPANESE.search(text), text
        assert text.endswith("。"), text
        english = set(ASCII_WORD.findall(text)) - PROPER
        assert not english, f"English in a Japanese reason: {english}: {text}"
        for internal in ("service", "newsletter", "email", "partner", "None", "{", "}"):
            assert internal not in text, text


@pytest.mark.parametrize("name", SCENARIOS)
def test_r_sec_3_each_reason_names_the_rules_its_english_text_names(
    name: str, decisions: dict[str, pp.Decision]
) -> None:
    d = decisions[name]
    for text, reason in zip(d.reasons, d.why, strict=True):
        assert reason.rules == tuple(re.findall(r"\bR-[A-Z]+-\d+\b", text))
        assert all(isinstance(v, (str, tuple)) for v in reason.params.values())
    assert d.rules == tuple(dict.fromkeys(r for reason in d.why for r in reason.rules))


@pytest.mark.parametrize("name", SCENARIOS)
def test_r_sec_3_structured_reasons_survive_json_and_match_the_schema(
    name: str, decisions: dict[str, pp.Decision]
) -> None:
    d = decisions[name]
    data = json.loads(json.dumps(pp.to_dict(d)))
    jsonschema.Draft202012Validator(pp.json_schema(pp.Decision)).validate(data)
    back = pp.from_dict(pp.Decision, data)
    assert back == d and back.why == d.why
    assert pp.explain(back, POLICY, "ja") == pp.explain(d, POLICY, "ja")


def test_r_sec_3_a_reason_read_from_json_has_string_parameters(
    decisions: dict[str, pp.Decision],
) -> None:
    data = pp.to_dict(decisions["r_use_4_beyond"])
    data["why"][0]["params"]["purpose"] = 7
    with pytest.raises(pp.InvalidInput, match=r"Decision\.why"):
        pp.from_dict(pp.Decision, data)


def test_r_pub_1_every_requirement_and_basis_has_a_fallback_sentence_in_japanese(
    decisions: dict[str, pp.Decision],
) -> None:
    module = _words("ja", (), False, "").module
    rules, bases = getattr(module, "RULES"), getattr(module, "BASES")  # noqa: B009
    named = {r for d in decisions.values() for r in d.rules}
    assert named <= set(rules)
    assert {b.value for b in pp.Basis} == set(bases)
    for sentence in [*rules.values(), *bases.values()]:
        assert not set(ASCII_WORD.findall(sentence)), sentence


# -- what the Japanese says -------------------------------------------------------------


def test_r_use_4_a_use_beyond_the_purposes_in_japanese(decisions: dict[str, pp.Decision]) -> None:
    assert pp.explain(decisions["r_use_4_beyond"], POLICY) == (
        "利用目的「メールマガジンを配信するため」は、これらの項目について当社がご本人に通知し、"
        "又は公表したものではなく、あらかじめご本人の同意もいただいていないため、"
        "利用目的の範囲を超えた利用となります。",
    )


def test_r_use_4_items_on_the_notice_and_items_on_consent_in_japanese(
    decisions: dict[str, pp.Decision],
) -> None:
    d = decisions["r_use_4_partly_consented"]
    assert d.allowed and d.basis is pp.Basis.CONSENT
    [text] = pp.explain(d, POLICY, "ja")
    consented = text.split("については")[0]
    assert "「メールアドレス」" in consented and "電話" not in consented
    assert "あらかじめご本人の同意をいただいており" in text
    assert "その他の項目については、利用目的の範囲内での利用です" in text


def test_r_use_7_a_permission_given_after_collection_in_japanese(
    decisions: dict[str, pp.Decision],
) -> None:
    [before] = pp.explain(decisions["r_use_7_given"], POLICY, "ja")
    [after] = pp.explain(decisions["r_use_7_given_later"], POLICY, "ja")
    assert "取得の前に" in before and "取得の前に" not in after
    assert "取得の後に改めてご本人の同意をいただいています" in after


def test_r_con_2_a_permission_withdrawn_in_japanese(decisions: dict[str, pp.Decision]) -> None:
    [text] = pp.explain(decisions["r_con_2_permission_withdrawn"], POLICY, "ja")
    assert text.startswith("ご本人が2026年3月31日に利用目的「会員登録を受け付けるため」")
    assert "同意を撤回されたため" in text and "まだ" not in text


def test_r_con_2_collection_after_a_refusal_in_japanese(
    decisions: dict[str, pp.Decision],
) -> None:
    d = decisions["r_con_2_collection_declined"]
    assert not d.allowed and [r.key for r in d.why] == ["collection_declined"]
    [text] = pp.explain(d, POLICY, "ja")
    assert text.startswith("ご本人が2026年3月31日に利用目的「会員登録を受け付けるため」")
    assert "同意を拒否されたため、この目的のために取得することはいたしません" in text
    assert "まだ" not in text


def test_r_acq_4_special_care_data_given_by_opt_out_in_japanese(
    decisions: dict[str, pp.Decision],
) -> None:
    d = decisions["r_acq_4_opt_out_special"]
    assert not d.allowed and [r.key for r in d.why] == ["provider_opt_out_special"]
    assert "APPI Art. 20(1)" in d.citations and "APPI Art. 27(2)" in d.citations
    [text] = pp.explain(d, POLICY, "ja")
    assert "要配慮個人情報であり、オプトアウトによる第三者提供が認められていないため" in text


def test_r_use_7_permission_needed_in_japanese(decisions: dict[str, pp.Decision]) -> None:
    assert pp.explain(decisions["r_use_7_needed"], POLICY, "ja") == (
        "利用目的「会員登録を受け付けるため」のための利用には、あらかじめご本人の同意を"
        "いただく必要がありますが、まだ同意をいただいておりません。",
    )


def test_r_con_2_a_no_to_the_purpose_closes_the_predecessors_in_japanese(
    decisions: dict[str, pp.Decision],
) -> None:
    d = decisions["r_con_2_succession_declined"]
    assert not d.allowed and d.rules == ("R-USE-7", "R-CON-2")
    (reason,) = d.reasons
    assert reason.startswith("the person refused consent to purpose 'signup' on 2026-03-31")
    # A consent the person gives again, and that later lapses, allows nothing: the text
    # does not promise that consenting once more is enough for good.
    assert "in force" in reason and "consents again" not in reason
    (text,) = pp.explain(d, POLICY, "ja")
    assert text.startswith(
        "ご本人が2026年3月31日に利用目的「会員登録を受け付けるため」のための利用について"
        "同意を拒否されたため、"
    )
    assert "改めて" not in text and "同意をいただく必要があります" in text


def test_r_acq_3_special_care_required_items_are_named_by_title(
    decisions: dict[str, pp.Decision],
) -> None:
    (text,) = pp.explain(decisions["r_acq_3_special"], POLICY, "ja")
    assert text.startswith("「病歴」は要配慮個人情報であり、利用目的「健康相談に応じるため」")


def test_r_tpp_1_provision_never_widens_the_purposes_in_japanese(
    decisions: dict[str, pp.Decision],
) -> None:
    texts = pp.explain(decisions["r_tpp_1_not_usable"], POLICY, "ja")
    assert texts[1] == (
        "当社はご本人の個人データを利用目的「当社サービスを提供するため」のために利用できない"
        "ため、そのために「サービス提携先」へ提供することもできません。"
    )


def test_r_con_3_a_consent_given_before_the_change_is_named_in_japanese(
    decisions: dict[str, pp.Decision],
) -> None:
    """The person consented: the denial says the consent came before the change, on its
    day, never that there was no consent."""
    (text,) = pp.explain(decisions["r_tpp_1_consent_before_change"], POLICY, "ja")
    assert text.startswith("「サービス提携先」への提供についてご本人にいただいた同意は、")
    assert "利用目的「当社サービスを提供するため」が2026年4月1日に" in text
    assert "同意をいただいておりません" not in text


def test_r_req_7_restrictions_name_the_request_number(decisions: dict[str, pp.Decision]) -> None:
    assert pp.explain(decisions["r_req_7_provision_suspended"], POLICY, "ja") == (
        "ご本人のご請求（受付番号：2026-0007）により、「サービス提携先」へのご本人の個人データ"
        "の提供を停止しております。",
    )


def test_r_xb_1_countries_by_name_or_code(decisions: dict[str, pp.Decision]) -> None:
    (us,) = pp.explain(decisions["r_xb_1_no_consent"], POLICY, "ja")
    (far,) = pp.explain(decisions["r_xb_1_unknown_country"], POLICY, "ja")
    assert us.startswith("「海外の提携先」は米国にあります。")
    assert far.startswith("「遠方の提携先」は外国（AQ）にあります。")


def test_r_xb_1_information_on_no_country_covers_none(
    decisions: dict[str, pp.Decision],
) -> None:
    """A consent given with foreign information that names no country (the recipient was
    in Japan, or it was recorded before the country was kept) is denied abroad, saying
    so in both languages, never read as the information on the recipient's country."""
    decision = decisions["r_xb_1_info_on_no_country"]
    assert not decision.allowed
    assert [r.key for r in decision.why] == ["foreign_info_no_country"]
    (ja,) = pp.explain(decision, POLICY, "ja")
    (en,) = pp.explain(decision, POLICY, "en")
    assert ja.startswith("「海外の提携先」は米国にあります。") and "記録" in ja
    assert "names no country" in en and "US" in en


def test_r_tpp_8_dates_are_written_as_a_japanese_reader_writes_them(
    decisions: dict[str, pp.Decision],
) -> None:
    (text,) = pp.explain(decisions["r_tpp_8_not_started"], POLICY, "ja")
    assert "2026年3月10日から" in text
    (era,) = pp.explain(decisions["r_tpp_8_not_started"], POLICY, "ja", era=True)
    assert "令和8年3月10日から" in era


def test_r_use_1_the_business_calls_itself_as_its_policy_says(
    decisions: dict[str, pp.Decision],
) -> None:
    society = attrs.evolve(
        CONTROLLER,
        self_reference="本会",
        translations={"en": {**CONTROLLER.translations["en"], "self_reference": "the Society"}},
    )
    policy = world(controller=society)
    (text,) = pp.explain(decisions["r_use_1_missing"], policy, "ja")
    assert text == "本会は、ご本人の「電話番号」を取得しておりません。"


# -- decisions without structured reasons ---------------------------------------------------


def _old(d: pp.Decision) -> pp.Decision:
    """``d`` as JSON written before decisions carried ``why`` reads back."""
    data = pp.to_dict(d)
    del data["why"]
    return pp.from_dict(pp.Decision, data)


def test_r_use_4_a_decision_from_old_json_is_explained_by_its_requirements(
    decisions: dict[str, pp.Decision],
) -> None:
    old = _old(decisions["r_use_9_category"])
    assert old.why == () and old == decisions["r_use_9_category"]
    assert pp.explain(old, POLICY, "en") == old.reasons
    assert pp.explain(old, POLICY, "ja") == (
        "利用目的は、それぞれが対象とする区分の方の個人データに限って用います。",
        "個人情報は、ご本人に通知し、又は公表した利用目的の範囲内で利用し、その範囲を超えて"
        "利用するときは、あらかじめご本人の同意をいただきます。",
    )


def test_r_tpp_8_the_fallback_says_each_requirement_once(decisions: dict[str, pp.Decision]) -> None:
    d = decisions["r_tpp_8_items_and_received"]
    assert len(d.reasons) == 2 and d.rules == ("R-TPP-8",)
    assert len(pp.explain(_old(d), POLICY, "ja")) == 1


def test_r_pub_1_a_decision_built_by_hand_falls_back_to_its_basis_or_a_plain_denial() -> None:
    allowed = pp.Decision.allow(pp.Basis.CONSENT, "the person agreed on the phone", ())
    denied = pp.Decision.deny(("not today",), ())
    assert allowed.why == () and denied.why == ()
    assert pp.explain(allowed, POLICY, "en") == ("the person agreed on the phone",)
    assert pp.explain(allowed, POLICY, "ja") == (
        "あらかじめいただいたご本人の同意に基づく取扱いです。",
    )
    assert pp.explain(denied, POLICY, "ja") == (
        "当社の個人情報の取扱いに関する方針により、この取扱いはいたしかねます。",
    )


def test_r_sec_3_a_reason_mixed_with_plain_text_keeps_no_structured_reasons(
    decisions: dict[str, pp.Decision],
) -> None:
    d = decisions["r_use_4_beyond"]
    mixed = pp.Decision.deny(("written by hand", (d.reasons[0], d.why[0])), ())
    assert mixed.why == ()
    whole = pp.Decision.deny(((d.reasons[0], d.why[0]),), ())
    assert whole.why == d.why and whole.reasons == d.reasons


# -- templates, languages, identity of decisions ---------------------------------------


def test_r_pub_1_reasons_templates_are_overridden_by_name(
    tmp_path: Path, decisions: dict[str, pp.Decision]
) -> None:
    (tmp_path / "ja").mkdir()
    (tmp_path / "ja" / "reasons.j2").write_text(
        "{% macro within_purpose(purpose) %}「{{ purpose.title }}」のためにご利用いただけます。{% endmacro %}\n"
        "{% set RULES = {} %}{% set DENIED = '' %}\n",
        encoding="utf-8",
    )
    within = decisions["r_use_4_within"]
    assert pp.explain(within, POLICY, "ja", templates=tmp_path) == (
        "「当社サービスを提供するため」のためにご利用いただけます。",
    )
    # a reason the override has no words for falls back, to the English if nothing else
    beyond = decisions["r_use_4_beyond"]
    assert pp.explain(beyond, POLICY, "ja", templates=tmp_path) == beyond.reasons
    assert reason_keys("ja", tmp_path) == {"within_purpose"}
    # the engine words reasons with the templates it was given
    engine = pp.Engine(POLICY, templates=[tmp_path])
    assert engine.explain(within) == pp.explain(within, POLICY, templates=tmp_path)


def test_r_pub_1_a_macro_that_does_not_fit_its_reason_is_a_named_input_error(
    tmp_path: Path, decisions: dict[str, pp.Decision]
) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "reasons.j2").write_text(
        "{% macro within_purpose(purpose) %}{{ purpose.missing.deeper }}{% endmacro %}\n",
        encoding="utf-8",
    )
    with pytest.raises(pp.InvalidInput, match="macro 'within_purpose'"):
        pp.explain(decisions["r_use_4_within"], POLICY, "en", templates=tmp_path)


def test_r_pub_1_languages_are_the_policys() -> None:
    english_only = make_policy()
    d = use(facts(SERVICE), "service", {"email"}, policy=english_only)
    assert pp.explain(d, english_only) == ("within notified purpose 'service'",)
    with pytest.raises(pp.InvalidInput, match=r"publishes in \['en'\], not 'ja'"):
        pp.explain(d, english_only, "ja")
    with pytest.raises(pp.InvalidInput, match=r"pp\.Policy"):
        pp.explain(d, "policy.toml")  # type: ignore[arg-type]
    assert pp.explain(d, POLICY)[0].startswith("当社がご本人に通知し")  # the default, ja


def test_r_sec_3_structured_reasons_change_no_decision_identity_nor_audit_payload(
    decisions: dict[str, pp.Decision],
) -> None:
    d = decisions["r_use_4_consent"]
    bare = attrs.evolve(d, why=())
    assert bare == d and hash(bare) == hash(d) and repr(bare) == repr(d)
    assert "why" not in repr(d)
    engine, _ = make_engine(POLICY)
    assert "why" not in engine._decision_payload(d)


def test_r_sec_3_reasons_are_shared_read_only_values(decisions: dict[str, pp.Decision]) -> None:
    first = decisions["r_use_4_within"]
    again = use(facts(SERVICE), "service", {"email"})
    assert again.why[0] is first.why[0]  # built once, not on every check
    with pytest.raises(TypeError):
        first.why[0].params["purpose"] = "newsletter"  # type: ignore[index]
    assert {first.why[0], again.why[0]} == {first.why[0]}  # hashable, by key and rules
    assert repr(first.why[0]) == (
        "Reason(key='within_purpose', params={'purpose': 'service'}, rules=())"
    )


def test_r_use_4_engine_decisions_carry_their_reasons_to_explain() -> None:
    engine, _ = make_engine(POLICY)
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    d = engine.check_use(s, purpose="newsletter", items={"email"})
    assert [r.key for r in d.why] == ["beyond_purpose"]
    with pytest.raises(pp.UseDenied) as denied:
        engine.use(s, purpose="newsletter", items={"email"})
    assert engine.explain(denied.value.decision) == pp.explain(d, POLICY, "ja")


# -- public authorities (R-TPP-2, Art. 27(1)) -------------------------------------------

CASES = {
    "laws_and_regulations": ("法令に基づく場合", "as the law requires"),
    "life_body_property": ("生命、身体又は財産", "life, body or property"),
    "public_health_children": ("公衆衛生", "public health"),
    "state_cooperation": ("事務の遂行に協力", "cooperate with its duties"),
}
"""The cases of Art. 27(1)(i)-(iv) a public authority may receive data in, as each
reason words them (JA, EN)."""


def _to_police(*allowed: str, country: str = "") -> tuple[pp.Decision, pp.Policy]:
    """A provision to the police, without an exemption claimed, under a policy that
    allows only ``allowed`` of Art. 27(1)(i)-(iv)."""
    police = attrs.evolve(POLICY.recipients["police"], country=country)
    policy = world(
        provision_grounds=(set(POLICY.provision_grounds) - set(CASES)) | set(allowed),
        recipients={**POLICY.recipients, "police": police},
    )
    return provide(facts(SERVICE), "police", {"name"}, "service", policy=policy), policy


@pytest.mark.parametrize(
    "allowed",
    [("laws_and_regulations",), ("laws_and_regulations", "public_health_children"), tuple(CASES)],
)
def test_r_tpp_2_a_public_authority_is_told_only_the_cases_the_policy_allows(
    allowed: tuple[str, ...],
) -> None:
    d, policy = _to_police(*allowed)
    assert not d.allowed
    (ja,) = pp.explain(d, policy, "ja")
    (en,) = pp.explain(d, policy, "en")
    assert (en,) == d.reasons
    for case, (in_ja, in_en) in CASES.items():
        assert (in_ja in ja) is (case in allowed), (case, ja)
        assert (in_en in en) is (case in allowed), (case, en)
    assert "など" not in ja


@pytest.mark.parametrize("allowed", [("laws_and_regulations",), tuple(CASES), ()])
def test_r_tpp_2_a_public_authority_never_receives_on_consent_in_either_language(
    allowed: tuple[str, ...],
) -> None:
    d, policy = _to_police(*allowed)
    (ja,) = pp.explain(d, policy, "ja")
    assert "ご本人の同意に基づいて提供することはありません" in ja
    assert "not on consent" in d.reasons[0]


def test_r_tpp_2_a_policy_allowing_no_case_promises_a_public_authority_nothing() -> None:
    d, policy = _to_police()
    (ja,) = pp.explain(d, policy, "ja")
    (en,) = d.reasons
    assert "に限られ" not in ja and "同機関への提供について認めるものはない" in ja
    assert "this policy allows it none of them" in en
    assert pp.explain(d, policy, "en") == d.reasons


def test_r_tpp_2_a_public_authority_abroad_is_not_told_of_japans_laws_or_bodies() -> None:
    """(i) is Japan's laws, (iv) Japan's state bodies: never a ground for an authority
    abroad (the exemption is denied), so its reason does not offer them."""
    d, policy = _to_police(*CASES, country="US")
    (ja,) = pp.explain(d, policy, "ja")
    (en,) = d.reasons
    assert "法令に基づく場合" not in ja and "事務の遂行に協力" not in ja
    assert "生命、身体又は財産" in ja and "公衆衛生" in ja
    assert "as the law requires" not in en and "life, body or property" in en


# -- opt-out (R-TPP-8, Art. 27(2)) ------------------------------------------------------


def test_r_tpp_8_the_opt_out_reason_says_provision_stops_at_the_persons_request_in_both(
    decisions: dict[str, pp.Decision],
) -> None:
    d = decisions["r_tpp_8_opt_out"]
    (ja,) = pp.explain(d, POLICY, "ja")
    (en,) = d.reasons
    assert "ご本人からお申出があれば、提供を停止いたします" in ja
    assert "stopped at the person's request" in en
    assert pp.explain(d, POLICY, "en") == d.reasons


# -- joint use (R-TPP-5, Art. 27(5)(iii)) ------------------------------------------------

NOTIFIED_OR_KNOWN = "ご本人に通知し、又はご本人が容易に知り得る状態に置"


def test_r_tpp_5_the_japanese_fallback_says_notified_or_made_easily_known(
    decisions: dict[str, pp.Decision],
) -> None:
    text, _consent = pp.explain(_old(decisions["r_tpp_5_wrong_items"]), POLICY, "ja")
    assert "あらかじめ" + NOTIFIED_OR_KNOWN in text
    assert "公表" not in text


def test_r_tpp_5_a_joint_use_and_its_basis_say_notified_or_made_easily_known_in_japanese(
    decisions: dict[str, pp.Decision],
) -> None:
    d = decisions["r_tpp_5_joint_use"]
    (reason,) = pp.explain(d, POLICY, "ja")
    (basis,) = pp.explain(_old(d), POLICY, "ja")
    unpublished, _consent = pp.explain(decisions["r_tpp_5_unpublished"], POLICY, "ja")
    for text in (reason, basis, unpublished):
        assert NOTIFIED_OR_KNOWN in text and "公表" not in text, text


# -- personally referable information (R-PRI-1, Art. 31) --------------------------------


def test_r_pri_1_unlinked_referable_data_needs_neither_consent_nor_record_in_both(
    decisions: dict[str, pp.Decision],
) -> None:
    """Art. 31 asks neither the confirmation of consent nor its record (Art. 31(3), 30(3))
    when the recipient will not identify the person: the English says both, so must the
    Japanese."""
    d = decisions["r_pri_1_unlinked"]
    (ja,) = pp.explain(d, POLICY, "ja")
    assert "no consent or record is needed" in d.reasons[0]
    assert "確認の記録も必要ありません" in ja
