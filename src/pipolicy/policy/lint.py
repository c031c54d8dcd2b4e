"""Lint: a policy's problems and, for a policy that loads, what a privacy officer should
look at before publishing it.

A policy the law does not allow, or one the library could not keep, does not load
(:mod:`~pipolicy.policy.validation`): those are errors. Some declarations are lawful and
load, yet put the business at risk or promise what the checks never do: a purpose worded
so vaguely that it specifies nothing (Art. 17(1)), items a recipient is said to receive
that none of its purposes uses, an entrustee whose contract ended before the revision, a
purpose changed but not yet notified (so nothing may use it). Those are warnings: the
policy works, and fails closed, but its notice says more than the business does or its
purpose says less than the law asks. Each warning is worded in Japanese and English, for
the officer who signs the notice; the errors are the validator's, in English.

.. versionadded:: 0.3.0
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path

import attrs

from pipolicy.errors import PolicyError, PolicyProblem
from pipolicy.policy.loading import load_policy
from pipolicy.policy.locating import key_positions, locate
from pipolicy.policy.model import ConsentRule, Policy, RecipientKind

__all__ = ["Finding", "Severity", "fails", "lint_file", "lint_policy"]


class Severity(str, enum.Enum):
    """How much a finding weighs: an error stops the policy loading; a warning does not,
    and fails lint only when asked to (``strict``)."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Finding:
    """One thing lint found, where it is and how much it weighs.

    ``rule`` names the kind of finding (``"vague-purpose"``; ``"invalid"`` for every
    error), so CI can tell them apart. ``message`` is in English; ``message_ja`` in
    Japanese, given for every warning (an error's text is the validator's, English only,
    and it is None). ``line`` and ``column`` say where in the file, when known.
    """

    location: str
    severity: Severity
    rule: str
    message: str
    message_ja: str | None = None
    line: int | None = attrs.field(default=None, eq=False, kw_only=True)
    column: int | None = attrs.field(default=None, eq=False, kw_only=True)

    @classmethod
    def error(cls, problem: PolicyProblem) -> Finding:
        """The finding for a problem that stops the policy loading."""
        return cls(
            problem.location,
            Severity.ERROR,
            "invalid",
            problem.message,
            line=problem.line,
            column=problem.column,
        )

    def text(self, lang: str) -> str:
        """The message in ``lang`` (``"ja"`` or ``"en"``); English where no Japanese is."""
        return self.message_ja if lang == "ja" and self.message_ja else self.message


def fails(findings: Iterable[Finding], *, strict: bool = False) -> bool:
    """Does lint fail on ``findings``: on any error, and with ``strict`` on any warning?"""
    weights = {f.severity for f in findings}
    return Severity.ERROR in weights or (strict and Severity.WARNING in weights)


def lint_file(path: str | PathLike[str]) -> list[Finding]:
    """Every finding of the policy file at ``path``: its errors if it does not load (each
    :class:`PolicyProblem` of the :class:`PolicyError`), else its warnings, each with its
    line and column.

    Raises what :func:`~pipolicy.load_policy` raises but :class:`PolicyError`:
    :class:`FileNotFoundError` for no such file, :class:`InvalidInput` for no path.
    """
    return linted(path)[1]


def linted(path: str | PathLike[str]) -> tuple[Policy | None, list[Finding]]:
    """:func:`lint_file`'s findings with the policy they are of (None if it did not
    load): read once, so what is reported of the policy (its version) is what was
    linted, even if the file changes meanwhile."""
    try:
        policy = load_policy(path)
    except PolicyError as e:
        return None, [Finding.error(p) for p in e.problems]
    found = lint_policy(policy)
    if not found:
        return policy, found
    positions = key_positions(Path(path).read_text(encoding="utf-8"))
    located = []
    for f in found:
        line, column = locate(positions, f.location) or (None, None)
        located.append(attrs.evolve(f, line=line, column=column))
    return policy, located


def lint_policy(policy: Policy) -> list[Finding]:
    """The warnings of a policy that loaded (a :class:`Policy` is valid once built),
    grouped by rule."""
    found: list[Finding] = []
    found += _vague_purposes(policy)
    found += _unnotified_changes(policy)
    found += _items_no_purpose_uses(policy)
    found += _ended_contracts(policy)
    found += _statistics_never_produced(policy)
    return found


def _warning(location: str, rule: str, en: str, ja: str) -> Finding:
    return Finding(location, Severity.WARNING, rule, en, ja)


_VAGUE = re.compile(
    "|".join(
        (
            # PPC guidelines (General Rules) 3-1-1: examples of purposes not specified.
            r"事業活動に(用い|利用す)る",
            r"マーケティング活動に(用い|利用す)る",
            r"\bbusiness activities\b",
            r"\bmarketing activities\b",
            # Purposes that are whatever comes later, or whatever the business decides.
            r"その他(?!.{0,12}付随).{0,6}目的",  # not "purposes incidental to the above"
            r"(別途|個別に).{0,30}(承諾|同意|ご連絡|お知らせ).{0,30}目的",
            r"当社が必要と(認める|判断する)",
            r"\bother purposes\b(?!\s+(incidental|related|ancillary))",
            r"\bany purpose\b",
            r"\bpurposes? (that )?we (deem|consider) (necessary|appropriate)\b",
            r"\bpurposes? for which we (have )?separately\b",
            r"\b(separately|individually) (agreed|accepted|consented)\b",
        )
    ),
    re.IGNORECASE,
)
"""Wordings that specify no purpose: the PPC's own examples ("for our business
activities", "for our marketing activities") and purposes defined as whatever the
business later decides or the person later accepts (seed 002 §1.7)."""


def _titles(entity: object, field: str = "title") -> list[tuple[str | None, str]]:
    """The texts of ``field`` in every language (None: the default language's)."""
    texts: list[tuple[str | None, str]] = [(None, getattr(entity, field))]
    for lang, given in getattr(entity, "translations", {}).items():
        if isinstance(given.get(field), str):
            texts.append((lang, given[field]))
    return texts


def _vague_purposes(policy: Policy) -> list[Finding]:
    """A purpose of use is specified as concretely as possible (Art. 17(1), R-USE-1): one
    with no title is published as its key, and one worded so that it could be anything
    specifies nothing, whatever the person consents to."""
    found = []
    for name, purpose in policy.purposes.items():
        where = f"purposes.{name}.title"
        if not purpose.title.strip():
            found.append(
                _warning(
                    where,
                    "purpose-without-title",
                    f"purpose {name!r} has no title: the notice publishes its key {name!r} as "
                    "the purpose of use (Arts. 17(1), 21); say in words what the data is "
                    "used for",
                    f"利用目的「{name}」には表題（title）がないため、通知・公表文には設定上の"
                    f"名前「{name}」がそのまま利用目的として記載されます（法第17条第1項、第21条）。"
                    "個人情報を何に利用するのかを文章で記載してください。",
                )
            )
            continue
        vague = {
            lang or policy.languages[0]: text
            for lang, text in _titles(purpose)
            if _VAGUE.search(text)
        }
        if not vague:
            continue
        first = next(iter(vague.values()))
        en, ja = vague.get("en", first), vague.get("ja", first)
        consent_en = consent_ja = ""
        if purpose.consent is ConsentRule.AT_COLLECTION:
            consent_en = (
                "; asking the person's consent does not make it specific, as what they "
                "consent to is the purpose as worded"
            )
            consent_ja = (
                "本人の同意を得る場合も、同意の対象はこの記載のとおりの利用目的であり、"
                "同意によって利用目的が特定されるわけではありません。"
            )
        found.append(
            _warning(
                where,
                "vague-purpose",
                f"purpose {name!r} ({en!r}) does not say what the data is used for: a "
                "purpose of use is specified as concretely as possible (Art. 17(1), R-USE-1; "
                "the PPC guidelines, General Rules 3-1-1, give 'for our business activities' "
                f"as not specified){consent_en}; name the use itself",
                f"利用目的「{ja}」は、個人情報が何に利用されるのかを示していません。"
                "利用目的は、できる限り具体的に特定しなければなりません（法第17条第1項、"
                "R-USE-1。ガイドライン（通則編）3-1-1は「事業活動に用いるため」を特定が"
                f"不十分な例として挙げています）。{consent_ja}"
                "利用の内容そのものを記載してください。",
            )
        )
    return found


def _unnotified_changes(policy: Policy) -> list[Finding]:
    """A purpose changed on a day and never notified reaches, from that day, only data
    the person handed over in writing after it, whose notice showed the new purpose
    (Art. 21(2)); everything else waits for the notice (Art. 21(3), R-USE-3): the checks
    deny it, so the policy says what it cannot do yet."""
    found = []
    for name, purpose in policy.purposes.items():
        for i, change in enumerate(purpose.changes):
            if change.notified is not None:
                continue
            day = change.revised.isoformat()
            found.append(
                _warning(
                    f"purposes.{name}.changes[{i}].notified",
                    "change-not-notified",
                    f"purpose {name!r} changed on {day} and the change is not notified: "
                    "from that day the purpose reaches only data handed over in writing since, "
                    "with the new purpose shown, until it is (Art. 21(3), R-USE-3); give the day "
                    "it was notified or published (notified) and how (how)",
                    f"利用目的「{name}」は{day}に変更されていますが、変更後の利用目的を本人に"
                    "通知し、又は公表した日が記載されていません。同日以降、通知又は公表する"
                    "までは、変更後の利用目的を明示して書面等で直接取得したものを除き、"
                    "この利用目的による利用はできません（法第21条第3項、R-USE-3）。"
                    "通知又は公表した日（notified）とその方法（how）を記載してください。",
                )
            )
    for name, joint in policy.joint_uses.items():
        for i, made in enumerate(joint.changes):
            if made.notified is not None:
                continue
            day = made.revised.isoformat()
            found.append(
                _warning(
                    f"joint_use.{name}.changes[{i}].notified",
                    "change-not-notified",
                    f"joint use {name!r} changed on {day} and the change is not made known: "
                    "no provision resting on it is made until it is (Art. 27(6), R-TPP-5); "
                    "give the day it was made known (notified) and how (how)",
                    f"共同利用「{name}」は{day}に変更されていますが、その変更を本人に通知し、"
                    "又は本人が容易に知り得る状態に置いた日が記載されていません。それまでは、"
                    "変更を前提とする提供は行われません（法第27条第6項、R-TPP-5）。"
                    "通知等をした日（notified）とその方法（how）を記載してください。",
                )
            )
    found += _undated_opt_out_changes(policy)
    return found


def _opt_out_dates(missing: Sequence[str]) -> tuple[str, str]:
    """The days ``missing`` (``notified``, ``filed``) as English and Japanese words, from
    the labels the notice and the filing summary use (``labels.j2``, ``OPT_OUT_DATES``)."""
    from pipolicy.publishing.templates import labels

    en, ja = labels("en").OPT_OUT_DATES, labels("ja").OPT_OUT_DATES
    return " and ".join(en[m] for m in missing), "及び".join(ja[m] for m in missing)


def _undated_opt_out_changes(policy: Policy) -> list[Finding]:
    """A change to a provision by opt-out without the day it was notified or filed:
    nothing it brings is ever provided by opt-out (Art. 27(3), R-TPP-8), so the policy
    says what it cannot do until the dates are given."""
    found = []
    for name, recipient in policy.recipients.items():
        opt_out = recipient.opt_out
        for i, change in enumerate(opt_out.changes if opt_out is not None else ()):
            missing = change.missing
            if not missing:
                continue
            day = change.revised.isoformat()
            keys = " and ".join(missing)
            what, ja = _opt_out_dates(missing)
            found.append(
                _warning(
                    f"recipients.{name}.opt_out.changes[{i}].{missing[0]}",
                    "change-not-notified",
                    f"the opt-out provision to {name!r} changed on {day} and the policy does "
                    f"not say when the change was {what}: nothing it adds or replaces is "
                    "provided by opt-out until both are done in advance (Art. 27(3), "
                    f"R-TPP-8); give the day of each ({keys})",
                    f"「{name}」へのオプトアウトによる提供は{day}に変更されていますが、その変更"
                    f"についての{ja}の日が記載されていません。あらかじめ通知等と届出を行うまでは、"
                    "変更に係る提供はオプトアウトにより行われません（法第27条第3項、R-TPP-8）。"
                    f"それぞれの日（{keys}）を記載してください。",
                )
            )
        end = opt_out.end if opt_out is not None else None
        if end is not None and end.missing:
            keys = " and ".join(end.missing)
            what, ja = _opt_out_dates(end.missing)
            day = end.on.isoformat()
            found.append(
                _warning(
                    f"recipients.{name}.opt_out.end.{end.missing[0]}",
                    "opt-out-end-not-filed",
                    f"the opt-out provision to {name!r} ended on {day} and the policy does not "
                    f"say when the end was {what}: both are due without delay (Art. 27(3), "
                    f"R-TPP-8); nothing is provided by opt-out either way. Give the day of "
                    f"each ({keys})",
                    f"「{name}」へのオプトアウトによる提供は{day}に終了していますが、その終了に"
                    f"ついての{ja}の日が記載されていません。提供をやめたときは、遅滞なく通知等と"
                    "届出を行う必要があります（法第27条第3項、R-TPP-8）。終了の日以降、"
                    f"オプトアウトによる提供は行われません。それぞれの日（{keys}）を記載してください。",
                )
            )
    return found


def _names(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))


def _items_no_purpose_uses(policy: Policy) -> list[Finding]:
    """Items a recipient (or a joint use) is declared to receive for its purposes, that
    none of those purposes lists: the checks never provide them (data is given only for
    a purpose that uses it, R-ACQ-2, R-TPP-1), while the notice names them among what it
    receives."""
    found = []
    declared = policy.purposes
    for name, recipient in policy.recipients.items():
        if recipient.kind is RecipientKind.STATISTICS or not recipient.purposes:
            continue
        used = frozenset().union(*(declared[p].all_items for p in recipient.purposes))
        never = recipient.items - used
        if never:
            found.append(
                _unused_items(f"recipients.{name}.items", f"recipient {name!r}", never, recipient)
            )
    for name, joint in policy.joint_uses.items():
        if not joint.purposes:
            continue
        used = frozenset().union(*(declared[p].all_items for p in joint.purposes))
        never = joint.items - used
        if never:
            found.append(
                _unused_items(f"joint_use.{name}.items", f"joint use {name!r}", never, joint)
            )
    return found


def _unused_items(where: str, who: str, never: frozenset[str], entity: object) -> Finding:
    purposes: Sequence[str] = sorted(getattr(entity, "purposes", ()))
    return _warning(
        where,
        "items-no-purpose-uses",
        f"{who}: items [{_names(never)}] are listed by none of its purposes "
        f"[{_names(purposes)}], so they are never provided for them (R-ACQ-2, R-TPP-1), "
        "while the notice names them among what is provided; add them to a purpose's "
        "items, or remove them here",
        f"項目［{_names(never)}］は、利用目的［{_names(purposes)}］のいずれにも含まれていない"
        "ため、これらの目的のために提供されることはありません（R-ACQ-2、R-TPP-1）。一方で"
        "通知・公表文には提供する項目として記載されます。いずれかの利用目的の項目に追加するか、"
        "ここから削除してください。",
    )


def _ended_contracts(policy: Policy) -> list[Finding]:
    """An entrustee whose contract ended before the policy's revision receives nothing
    under this version (Art. 25, R-SEC-2), while its notice names it."""
    found = []
    revised = policy.revised.isoformat()
    for name, recipient in policy.recipients.items():
        contract = recipient.contract
        if recipient.kind is not RecipientKind.ENTRUSTEE or contract is None:
            continue
        if contract.until is None or contract.until >= policy.revised:
            continue
        until = contract.until.isoformat()
        found.append(
            _warning(
                f"recipients.{name}.contract.until",
                "contract-ended",
                f"the contract with {name!r} ended on {until}, before this revision of the "
                f"policy ({revised}): nothing is entrusted to it under this version (Art. 25, "
                "R-SEC-2), while the notice names it; give the renewed contract's last day, "
                "or remove the recipient",
                f"委託先「{name}」との契約は{until}に終了しており、本ポリシーの改定日"
                f"（{revised}）より前です。この版のもとでは委託先に個人データが提供されることは"
                "ありませんが、通知・公表文には委託先として記載されます（法第25条、R-SEC-2）。"
                "更新後の契約の終了日を記載するか、この委託先を削除してください。",
            )
        )
    return found


def _statistics_never_produced(policy: Policy) -> list[Finding]:
    """A recipient of statistics receives only a statistics purpose's output (R-USE-8,
    R-TPP-6): where no purpose is one, every table to it is denied, while the notice
    announces it among those who receive statistics."""
    if any(p.statistics for p in policy.purposes.values()):
        return []
    return [
        _warning(
            f"recipients.{name}",
            "statistics-never-produced",
            f"{name!r} is a recipient of statistics, and no purpose produces statistics "
            "(statistics = true): every table to it is denied (R-USE-8, R-TPP-6), while the "
            "notice announces it; mark the purpose that produces them, or remove the "
            "recipient",
            f"「{name}」は統計情報の提供先ですが、統計情報を作成する利用目的（statistics = "
            "true）がありません。この提供先への統計情報の提供はすべて認められませんが、"
            "通知・公表文には提供先として記載されます（R-USE-8、R-TPP-6）。統計情報を作成する"
            "利用目的にその旨を記載するか、この提供先を削除してください。",
        )
        for name, recipient in policy.recipients.items()
        if recipient.kind is RecipientKind.STATISTICS
    ]
