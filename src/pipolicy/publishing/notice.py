"""The privacy notice a business publishes (Arts. 21, 32; R-PUB-1), from its policy.

Everything the notice says comes from the policy file, so what is published and what is
enforced cannot drift apart. This module gathers the facts in the language asked for;
the wording is in ``templates/<lang>/notice.md.j2`` and ``notice.html.j2``.
"""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike
from typing import Any

from pipolicy.domain.exemptions import Exemption, applies
from pipolicy.domain.requests import RequestKind
from pipolicy.errors import InvalidInput
from pipolicy.policy.model import OPT_OUT_TEXTS, Policy, Recipient, RecipientKind
from pipolicy.policy.texts import self_reference, text_in
from pipolicy.publishing.templates import TemplateDirs, render
from pipolicy.rules.provision import abroad

__all__ = ["notice_context", "render_notice"]

FORMATS = {"markdown": "md", "md": "md", "html": "html"}


def render_notice(
    policy: Policy,
    lang: str | None = None,
    format: str = "markdown",
    *,
    era: bool = False,
    templates: TemplateDirs | str | PathLike[str] | None = None,
) -> str:
    """The privacy notice in ``lang`` (one of ``policy.languages``; its default when
    None), as Markdown or HTML. ``era`` writes Japanese dates in the era form
    (令和8年12月2日); ``templates`` is a directory whose ``<lang>/notice.*.j2`` replaces
    pipolicy's. Raises :class:`~pipolicy.errors.InvalidInput` for a language the policy
    does not publish in, or another format."""
    if not isinstance(policy, Policy):
        raise InvalidInput("render_notice takes a pp.Policy (pp.load_policy(path))")
    lang = policy.languages[0] if lang is None else lang
    if lang not in policy.languages:
        raise InvalidInput(
            f"the policy publishes in {list(policy.languages)}, not {lang!r}: add the "
            "language to [policy] languages, with its texts"
        )
    ext = FORMATS.get(format)
    if ext is None:
        raise InvalidInput(f"format must be 'markdown' or 'html', not {format!r}")
    return render(
        f"notice.{ext}.j2", lang, notice_context(policy, lang), era=era, templates=templates
    )


def notice_context(policy: Policy, lang: str) -> dict[str, Any]:
    """The facts a notice shows, with every text in ``lang`` (for custom templates)."""

    def t(entity: object, field: str = "title") -> Any:
        return text_in(entity, field, lang)

    def titles(names: Iterable[str], mapping: Any) -> list[str]:
        """In the order the policy declares them."""
        wanted = set(names)
        return [t(entity) or n for n, entity in mapping.items() if n in wanted]

    items = policy.items
    purposes = policy.purposes
    c = policy.controller
    recipients = list(policy.recipients.values())
    statistics_purposes = {name for name, p in purposes.items() if p.statistics}

    def recipient(r: Any) -> dict[str, Any]:
        return {
            "title": t(r) or r.name,
            "items": titles(r.items, items),
            "purposes": titles(r.purposes, purposes),
            "affiliate": r.affiliate,
            "links_identifiers": r.links_identifiers,
        }

    exemptions = [e.value for e in Exemption if e.value in policy.provision_grounds]

    def by_opt_out(r: Recipient) -> bool:
        """Served by opt-out (Art. 27(2)): never a third party abroad, to which Art.
        28(1) leaves consent the only way (the engine refuses opt-out there), nor once
        the opt-out ended (its end is never after the policy's revision)."""
        return (
            "opt_out" in policy.provision_grounds
            and r.opt_out is not None
            and r.opt_out.end is None
            and not abroad(policy, r)
        )

    # Use beyond the purposes (Art. 18(3)); acquiring special care-required information
    # without consent (Art. 20(2)) has cases of its own, never one to go beyond them.
    use_exemptions = [
        e.value for e in Exemption if e.value in policy.use_exemptions and applies(e, "use")
    ]
    special_exemptions = [
        e.value for e in Exemption if e.value in policy.use_exemptions and applies(e, "acquisition")
    ]
    settings = policy.requests
    request_window = t(settings, "window") or t(c, "contact")

    def kept(names: Iterable[str]) -> list[dict[str, Any]]:
        """How long a service's data is kept, as the retention rules apply it
        (:meth:`Policy.retentions_of`): a purpose's own period replaces the service's,
        and data of a purpose several services group is kept until the last of theirs
        has run. Purposes kept alike share one entry (``purposes`` empty when all do)."""
        wanted = set(names)
        groups: dict[tuple[tuple[int, str, str], ...], list[str]] = {}
        for name in (n for n in purposes if n in wanted):
            periods = tuple(
                sorted(
                    {
                        (d.amount, d.unit.value, start.value)
                        for d, start in policy.retentions_of(name)
                    }
                )
            )
            groups.setdefault(periods, []).append(t(purposes[name]) or name)
        return [
            {
                "purposes": grouped if len(groups) > 1 else [],
                "periods": [{"amount": a, "unit": u, "from": f} for a, u, f in periods],
            }
            for periods, grouped in groups.items()
        ]

    return {
        "controller": {
            "name": t(c, "name"),
            # What the business is: an individual publishes no representative.
            "kind": None if c.kind is None else c.kind.value,
            "address": t(c, "address"),
            "representative": t(c, "representative"),
            "contact": t(c, "contact"),
            "complaints": t(c, "complaints") or t(c, "contact"),
            "security_measures": list(t(c, "security_measures")),
            # How the business calls itself (本会, "the Society"; 当方 for an
            # individual who says no other); empty: the template's default,
            # L.SELF_REFERENCE (当社, "we").
            "self_reference": self_reference(c, lang),
            # The accredited organisation covering the business, if any (Art. 32(1)(iv),
            # Cabinet Order Art. 10(iii)): its name and its complaints point.
            "accredited_organisation": t(c, "accredited_organisation"),
            "accredited_complaints": t(c, "accredited_complaints"),
        },
        "version": policy.version,
        "revised": policy.revised,
        "purposes": [
            {
                "name": p.name,
                "title": t(p) or p.name,
                "items": titles(p.items, items),
                "optional_items": titles(p.optional_items, items),
                "consent": p.consent.value,
                "categories": sorted(p.categories),
                "statistics": p.statistics,
                "links_identifiers": p.links_identifiers,
                # Its last day: nothing is used or collected for it after (R-ACC-1).
                "ends": p.ends,
            }
            for p in purposes.values()
        ],
        "services": [
            {
                "title": t(s) or s.name,
                "purposes": titles(s.purposes, purposes),
                # No window of its own: requests about it go to the business's (Art.
                # 32(1)(iii)), never an empty cell.
                "window": t(s, "window") or request_window,
                "responsible": t(s, "responsible"),
                "kept": kept(s.purposes),
            }
            for s in policy.services.values()
        ],
        # Data a legal duty keeps outlasts the periods above (Policy.retention_duty).
        "legal_retention": any(i.legal_retention for i in items.values())
        or any(p.legal_retention for p in purposes.values()),
        "items": [
            {
                "title": t(i) or i.name,
                "special_care": i.special_care,
                "identifies": i.identifies,
                "my_number": i.my_number,
            }
            for i in items.values()
        ],
        "entrustees": [recipient(r) for r in recipients if r.kind is RecipientKind.ENTRUSTEE],
        # A recipient served by opt-out receives its opt-out items without consent (Art.
        # 27(2)): listed apart, never among the recipients on consent only.
        "third_parties": [
            recipient(r)
            for r in recipients
            if r.kind is RecipientKind.THIRD_PARTY and not by_opt_out(r)
        ],
        "opt_out_recipients": [
            {
                "title": t(r) or r.name,
                "items": titles(r.opt_out.items, items),
                "purposes": titles(r.purposes, purposes),
                "method": t(r.opt_out, "method"),
                # What Art. 27(2)(iv), (v) and PPC Rules Art. 11(4) have the people told.
                "acquired_by": t(r.opt_out, "acquired_by"),
                "provided_by": t(r.opt_out, "provided_by"),
                "updated_by": t(r.opt_out, "updated_by"),
                "starts": r.opt_out.starts(),
                # What changed since the first notice, as notified and filed (Art. 27(3)):
                # ``starts`` None while a date is missing (then nothing it brings is given).
                "changes": [
                    {
                        "revised": ch.revised,
                        "added": titles(ch.added, items),
                        "changed": [f for f in OPT_OUT_TEXTS if f in ch.changed],
                        "notified": ch.notified,
                        "filed": ch.filed,
                        "starts": ch.starts(r.opt_out.waiting),
                    }
                    for ch in sorted(r.opt_out.changes, key=lambda ch: ch.revised)
                ],
            }
            for r in recipients
            if r.opt_out is not None and by_opt_out(r)
        ],
        # Provision by opt-out that ended (Art. 27(3)): the people are told, without
        # delay, that it ended; the recipient is listed among those on consent.
        "ended_opt_outs": [
            {
                "title": t(r) or r.name,
                "on": r.opt_out.end.on,
                "notified": r.opt_out.end.notified,
                "filed": r.opt_out.end.filed,
            }
            for r in recipients
            if r.opt_out is not None and r.opt_out.end is not None
        ],
        "successors": [recipient(r) for r in recipients if r.kind is RecipientKind.SUCCESSOR],
        # Readers of anonymous statistics need no consent (Art. 2(1), R-TPP-6): they are
        # listed with the statistics, never among the recipients on consent.
        "statistics_recipients": [
            {
                "title": t(r) or r.name,
                "purposes": titles(r.purposes or statistics_purposes, purposes),
            }
            for r in recipients
            if r.kind is RecipientKind.STATISTICS
        ],
        "statistics_min_group": policy.statistics_min_group,
        # Recipients of personal data outside Japan (Art. 28): entrustees, joint users and
        # successors included, as the 27(5) cases do not lift Art. 28. ``consent``: the
        # engine gives them data only on the person's consent, informed as Art. 28(2)
        # asks; ``measures``: they keep equivalent measures, on which the person may ask
        # for information (Art. 28(3)); neither: the PPC designated their country.
        "foreign_recipients": [
            {
                "title": t(r) or r.name,
                "country": r.country,
                "consent": abroad(policy, r),
                "measures": r.equivalent_measures and r.country not in policy.equivalent_countries,
            }
            for r in recipients
            if r.country not in ("", "JP")
            and r.kind not in (RecipientKind.PUBLIC_AUTHORITY, RecipientKind.STATISTICS)
        ],
        "joint_uses": [
            {
                "items": titles(j.items, items),
                "users": t(j, "users"),
                "purposes": titles(j.purposes, purposes),
                "manager_name": t(j, "manager_name"),
                "manager_address": t(j, "manager_address"),
                "manager_kind": None if j.manager_kind is None else j.manager_kind.value,
                "manager_representative": t(j, "manager_representative"),
                "published": j.published,
            }
            for j in policy.joint_uses.values()
            if j.announced
        ],
        "consent_provision": "consent" in policy.provision_grounds,
        # Entrustees the policy lets receive data only on consent (stricter than Art.
        # 27(5)(i), seed 004 L17): the notice says so.
        "entrustment_on_consent": "entrustment" not in policy.provision_grounds,
        "anonymized": "anonymized" in policy.provision_grounds,
        "exemptions": exemptions,
        "use_exemptions": use_exemptions,
        "special_care": any(i.special_care for i in items.values()),
        "special_exemptions": special_exemptions,
        "referable_items": [t(i) or i.name for i in items.values() if not i.identifies],
        # A recipient abroad expected to link them: the person's consent must also have
        # been given with the information on its country (Art. 31(1)(ii)).
        "referable_abroad": any(r.links_identifiers and abroad(policy, r) for r in recipients),
        "requests": {
            "kinds": [k.value for k in RequestKind],
            "fees": {k.value: fee for k, fee in settings.fees.items() if fee},
            "fee_payment": t(settings, "fee_payment"),
            "response": {"amount": settings.response.amount, "unit": settings.response.unit.value},
            "accepted_ids": sorted(d.value for d in settings.accepted_ids),
            "certificate_age": {
                "amount": settings.certificate_max_age.amount,
                "unit": settings.certificate_max_age.unit.value,
            },
            "window": request_window,
            # Services with windows of their own take requests about them (R-USE-10).
            "service_windows": any(t(s, "window") for s in policy.services.values()),
            "service_login": settings.accept_service_login,
        },
        "changes": sorted(
            (
                {"revised": ch.revised, "purpose": t(p) or p.name, "related": ch.related}
                for p in purposes.values()
                for ch in p.changes
            ),
            key=lambda ch: (ch["revised"], ch["purpose"]),
        ),
    }
