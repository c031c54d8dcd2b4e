"""Session 19 follow-ups on the incident register (R-LEAK-1; APPI Art. 26; PPC Rules Arts.
7-10): a new leak of an item a revised policy dropped while people still hold it, and the
languages of the report draft."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import pipolicy as pp
from pipolicy.domain.incidents import UNDECLARED
from tests.factories import JST, toml_data

FOUND = datetime(2026, 4, 1, 15, 30, tzinfo=JST)


def _policy(
    version: str, items: Sequence[str] = (), languages: tuple[str, ...] = ("ja", "en")
) -> pp.Policy:
    """A policy published in ``languages``, collecting for the service a name, an e-mail
    address and ``items`` (of :data:`ITEMS`)."""
    declared = ["name", "email", *items]

    def title(ja: str, en: str, *, listed: bool = False) -> str:
        """The text as TOML: plain in a single language, else a table by language."""
        words = {
            lang: f'["{text}"]' if listed else f'"{text}"'
            for lang, text in (("ja", ja), ("en", en))
        }
        if len(languages) == 1:
            return words[languages[0]]
        return "{ " + ", ".join(f"{lang} = {words[lang]}" for lang in languages) + " }"

    tables = "".join(
        f"\n[items.{name}]\ntitle = {title(*ITEMS[name][:2])}\n{ITEMS[name][2]}\n"
        for name in declared
    )
    text = f"""
[policy]
version = "{version}"
revised = 2026-03-15
languages = {list(languages)!r}

[controller]
name = {title("株式会社エグザンプル", "Example K.K.")}
address = {title("東京都千代田区千代田1-1", "1-1 Chiyoda, Chiyoda-ku, Tokyo")}
representative = {title("代表取締役 山田太郎", "Taro Yamada, Representative Director")}
contact = {title("privacy@example.jp", "privacy@example.jp")}
security_measures = {title("必要な従業者のみが取り扱います", "Only the staff who need it", listed=True)}
{tables}
[purposes.service]
title = {title("サービスの提供", "Providing the service")}
items = {declared!r}
"""
    return pp.policy_from_dict(toml_data(text.replace("'", '"')))


ITEMS = {
    "name": ("氏名", "Name", ""),
    "email": ("メールアドレス", "E-mail address", ""),
    "fax": ("FAX番号", "Fax number", ""),
    "card_number": ("クレジットカード番号", "Card number", "financial = true"),
}

DROPPED = ("fax", "card_number")
"""Items v1 declares and its revision v2 no longer does."""


def _holders() -> tuple[pp.Engine, pp.Subject, pp.Subject, pp.FixedClock]:
    """Under v2, an engine whose store holds, from v1, a person's fax number and another
    person's name only."""
    clock = pp.FixedClock(FOUND - timedelta(days=30))
    counter = iter(range(1, 1_000_000))
    before = pp.Engine(_policy("v1", DROPPED), clock=clock, ids=lambda: f"id{next(counter)}")
    holder = before.register_subject("customer-17")
    other = before.register_subject("customer-18")
    before.acquire(holder, items={"name", "fax"}, purposes="service", channel="web")
    before.acquire(other, items={"name"}, purposes="service", channel="web")
    clock.set(FOUND + timedelta(hours=1))
    after = pp.Engine(_policy("v2"), before.store, clock=clock, ids=before._ids)
    return after, holder, other, clock


# -- 1. A new leak of an item the policy no longer declares --------------------------------


def test_r_leak_1_a_new_leak_of_a_dropped_item_people_hold_is_registered() -> None:
    """v2 dropped the fax number, but a person still holds one (acquired under v1). A leak
    of it found after the revision must be registered, and counts as the worst case
    (:data:`UNDECLARED`): the duty to report is recorded. Before, ``register()`` refused
    it with UnknownItem and nothing could be recorded."""
    engine, holder, other, _ = _holders()
    leak = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=[holder, other.id], items={"name", "fax"}
    )
    assert leak.items == {"name", "fax"} and leak.people == 2
    assert leak.report_due and [r.key for r in leak.why] == [UNDECLARED]
    assert leak.why[0].params["items"] == ("fax",)
    assert engine.incidents.get(leak.id) == leak
    assert [e.kind for e in engine.audit_events()][-1] == "incident.registered"
    # Erased since, the item still counts as held: a copy may have survived (a backup),
    # and registering it records a duty where refusing it would lose one.
    engine.record_erasure(holder, items={"fax"})
    again = engine.incidents.register("leak", discovered_at=FOUND, subjects=[holder], items={"fax"})
    assert again.report_due


def test_r_leak_1_a_name_none_of_the_people_holds_is_still_refused() -> None:
    """A name that is neither declared nor held by any of the people given is a typo (or
    the wrong people): refused by name, nothing recorded. Another person holding it does
    not make it this incident's item, and neither does a person the store does not know.
    The error names the item, never the people."""
    engine, holder, other, _ = _holders()
    events = len(list(engine.audit_events()))
    for subjects, items, wrong in (
        ([holder], {"name", "fxa"}, "fxa"),  # a typo
        ([other], {"fax"}, "fax"),  # held by someone else, not by the people affected
        (["nobody-known"], {"fax"}, "fax"),
        ([holder], {"card_number"}, "card_number"),  # declared by v1, held by nobody
    ):
        with pytest.raises(pp.UnknownItem, match=wrong) as refused:
            engine.incidents.register("leak", discovered_at=FOUND, subjects=subjects, items=items)
        message = str(refused.value)
        assert not any(s in message for s in (holder.id, other.id, "customer-1", "nobody"))
    assert len(list(engine.audit_events())) == events


def test_r_leak_1_a_revision_may_add_a_dropped_item_the_people_it_names_hold() -> None:
    """``revise(items=...)`` accepts an undeclared item the people given in the same call
    hold, and the incident becomes reportable from the day learned. Without ``subjects``
    the register cannot tell who holds it (it keeps no ids), so the item is refused and
    the error says to name the people."""
    engine, holder, other, clock = _holders()
    small = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=[holder, other], items={"name"}
    )
    assert not small.report_due
    clock.advance(timedelta(days=2))
    with pytest.raises(pp.UnknownItem, match="subjects"):
        engine.incidents.revise(small.id, items={"name", "fax"})
    with pytest.raises(pp.UnknownItem, match="fax"):
        engine.incidents.revise(small.id, items={"name", "fax"}, subjects=[other])
    with pytest.raises(pp.UnknownItem, match="faks"):
        engine.incidents.revise(small.id, items={"name", "faks"}, subjects=[holder, other])
    revised = engine.incidents.revise(small.id, items={"name", "fax"}, subjects=[holder, other])
    assert revised.items == {"name", "fax"} and revised.people == 2
    assert revised.report_due and revised.reportable_from == clock.now()
    # Named by the incident now, the item is kept by a later revision without subjects.
    again = engine.incidents.revise(small.id, items={"name", "email", "fax"})
    assert again.items == {"name", "email", "fax"} and again.report_due


def test_r_leak_1_a_dropped_item_is_read_from_a_sql_store_too() -> None:
    """The held items are read from the store itself, not from the engine's memory: a
    second engine opened on the same SQL database registers the leak."""
    clock = pp.FixedClock(FOUND - timedelta(days=30))
    with pp.Engine(_policy("v1", DROPPED), "sqlite://", clock=clock) as before:
        holder = before.register_subject("customer-17")
        before.acquire(holder, items={"name", "fax"}, purposes="service", channel="web")
        clock.set(FOUND + timedelta(hours=1))
        after = pp.Engine(_policy("v2"), before.store, clock=clock)
        leak = after.incidents.register(
            "leak", discovered_at=FOUND, subjects=[holder.id], items={"fax"}
        )
        assert leak.report_due and leak.items == {"fax"}
        with pytest.raises(pp.UnknownItem, match="card_number"):
            after.incidents.register(
                "leak", discovered_at=FOUND, subjects=[holder.id], items={"card_number"}
            )


# -- 2. The languages of the report draft ------------------------------------------------


def _reportable(policy: pp.Policy) -> tuple[pp.Engine, str]:
    engine = pp.Engine(policy, clock=pp.FixedClock(FOUND + timedelta(hours=1)))
    leak = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"name"}, wrongful_act=True
    )
    return engine, leak.id


def test_r_leak_1_the_report_draft_is_in_japanese_whatever_the_policy_publishes_in() -> None:
    """The report goes to the PPC, a Japanese authority, on its own form, which is in
    Japanese (PPC Rules Art. 8): a business publishing its policy in English only still
    drafts it in Japanese, with the names the policy has."""
    engine, leak = _reportable(_policy("v1", languages=("en",)))
    draft = engine.incidents.report_draft(leak)
    assert "（速報）" in draft and "規則第7条第3号" in draft
    assert "Example K.K." in draft  # the controller's name as the policy gives it
    assert draft == engine.incidents.report_draft(leak, lang="ja")


def test_r_leak_1_a_report_draft_in_another_language_must_be_one_the_policy_publishes() -> None:
    """Any other language is one the policy publishes (as for the notice and the
    reasons): the items' titles and the controller's name exist in no other, and a draft
    half in one language misleads. Before, ``lang="en"`` was drafted for a policy
    published in Japanese only, and a language with no texts reached the templates."""
    japanese_only = _policy("v1", languages=("ja",))
    engine, leak = _reportable(japanese_only)
    for lang in ("en", "fr", "", None):
        with pytest.raises(pp.InvalidInput, match="publishes"):
            engine.incidents.report_draft(leak, lang=lang)  # type: ignore[arg-type]
    both, leak_both = _reportable(_policy("v1"))
    english = both.incidents.report_draft(leak_both, lang="en")
    assert "(preliminary report)" in english and "Name" in english


# -- 3. The engine names every incident template ------------------------------------------


def test_r_leak_1_the_engine_docstring_names_every_incident_template() -> None:
    """``Engine(templates=...)`` replaces pipolicy's templates: its docstring lists those
    of the incident register, each file pipolicy ships (incident_reasons.j2 was missing)."""
    shipped = {
        p.name.replace(".html.j2", ".md.j2")
        for p in (Path(pp.__file__).parent / "templates").glob("*/incident_*")
    }
    assert shipped >= {"incident_notice.md.j2", "incident_report.md.j2", "incident_reasons.j2"}
    doc = pp.Engine.__doc__ or ""
    assert all(name in doc for name in shipped), shipped
    assert ".html.j2" in doc
