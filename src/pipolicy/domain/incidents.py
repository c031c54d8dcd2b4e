"""Leaks, losses and damage of personal data, and what the law then asks (Art. 26; PPC
Rules Arts. 7-9; R-LEAK-1; seeds 000 and 004 promise to prevent "leakage").

A report to the Personal Information Protection Commission (PPC) and a notice to the
people are due when the incident (actual or suspected) involves special care-required
data, data whose misuse could cause financial loss (declare such items
``financial = true``: card numbers, bank accounts), data that may have been taken by a
wrongful act (unauthorised access, theft), or more than 1,000 people; Individual Numbers
(My Number) of more than 100 people, or any number of them ``exposed`` online to anyone
(My Number Act Art. 29-4, whose rules set the same deadlines). The preliminary
report is due promptly (by the end of day ``[incidents] preliminary_days``, "概ね3～5日以内"
in the PPC's guidelines), the final one within 30 days, 60 when a wrongful act may be
behind it; both count the day of discovery in the policy's time zone as day 1 (PPC
guidelines 3-5-3-4), so a preliminary deadline is never later than the guide's. The guidelines move a last day that falls on a weekend, a national holiday or
29 December to 3 January to the next day; pipolicy does not, so its deadline is never
later than the law's. One report made with every matter known serves as both (note 1
there): no preliminary report is owed after the final one. An entrustee may instead
notify the business that entrusted the data, as promptly as a preliminary report; that
notice discharges its report to the PPC, final one included, and its notice to the
people (Art. 26(1) proviso and (2); PPC Rules Art. 9): the entrusting business reports.
Only the notice given does: an entrustee that has not notified owes the final report
itself (the proviso frees one that "通知したとき").

Data protected by advanced encryption or a like measure (the key not taken with it) is
excluded on every ground (PPC Rules Art. 7(i); guidelines 3-5-3-1): registered
``protected``, the incident needs no report and no notice.

An incident may name an item the policy no longer declares (a revision dropped it while
people still hold it). What it is can then not be checked, so it counts as possibly special
care-required and open to financial misuse (:data:`UNDECLARED`): an unknown item never
makes an incident not reportable. Declaring the item again lets the register assess it on
what it is.

The register keeps the affected people counted, never listed: their number, no ids and no
digest of them. Ids are easy to guess (a customer number, an ordered id), so an unkeyed
digest of them would confirm whether a given person was in a leak; incidents registered
before carry one (:func:`people_digest` still checks a list against it).

A revision may find the incident not reportable after all: no leak, loss or damage took
place (the misdirected mail was recovered unopened, the "lost" file was where it should
be), the data was kept unreadable, or the facts meet none of the conditions. Art. 26(1)
binds only where a Rule 7 situation has occurred or may have (おそれ, judged on the facts
known at the time: guidelines 3-5-3-1); once the investigation shows none did, no report
and no notice are owed from that day (the PPC's guidance: no final report is then
needed). The register says since when and why and keeps the first assessment in its
events. A preliminary report already made is best followed by telling the PPC so (not
tracked).
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

import attrs

from pipolicy.domain.decisions import Because, Reason

__all__ = [
    "GROUNDS",
    "MY_NUMBER_GROUNDS",
    "NOT_REPORTABLE",
    "UNDECLARED",
    "Incident",
    "IncidentKind",
    "assess",
    "people_digest",
    "undeclared_reason",
]

MANY_PEOPLE = 1000
"""More than this many people affected makes an incident reportable (PPC Rules 7(iv))."""

MANY_NUMBERS = 100
"""More than this many people's Individual Numbers affected makes an incident reportable
(My Number Act Art. 29-4; PPC Rules on specific personal information Art. 2(iv))."""


NOT_REPORTABLE = {
    "no_incident": "no leak, loss or damage took place after all",
    "protected": "the data was kept unreadable by advanced encryption or the like (PPC Rules 7)",
    "conditions_not_met": "the facts now known meet none of the conditions of PPC Rules 7",
}
"""Why a revision ended a report duty (``Incident.not_reportable_because``)."""


GROUNDS = {
    "special_care": "special care-required data is involved (PPC Rules 7(i))",
    "financial": "data whose misuse could cause financial loss is involved (7(ii))",
    "wrongful_act": "a wrongful act may be behind it (7(iii))",
    "many_people": f"more than {MANY_PEOPLE:,} people are affected (7(iv))",
    "many_numbers": (
        f"Individual Numbers of more than {MANY_NUMBERS} people are involved "
        "(My Number Act Art. 29-4; PPC Rules on specific personal information 2(iv))"
    ),
    "numbers_exposed": (
        "Individual Numbers were open to anyone online (My Number Act Art. 29-4; "
        "PPC Rules on specific personal information 2(iii))"
    ),
}
"""Each ground that makes an incident reportable, and the reason the register records
for it (``Incident.reasons``, in this order; ``Incident.why`` holds the key)."""

MY_NUMBER_GROUNDS = frozenset({"many_numbers", "numbers_exposed"})
"""The grounds of the My Number Act (Art. 29-4 and its rules on specific personal
information), whose report and notice that act requires; every other ground is one of
APPI Art. 26 (PPC Rules 7), and an incident may stand on both."""

UNDECLARED = "undeclared_items"
"""The ground of items the policy does not declare (a revision dropped them, people still
hold them): what they are cannot be checked, so they count as possibly special
care-required and open to financial misuse (PPC Rules 7(i), (ii)). Fail closed: an
incident is never found not reportable because an item is unknown."""


def undeclared_reason(items: Iterable[str]) -> Because:
    """The reason for :data:`UNDECLARED`, naming the items (policy names, no personal
    data), in English and as a :class:`~pipolicy.domain.decisions.Reason`."""
    names = tuple(sorted(items))
    text = (
        f"items the policy does not declare are involved ({', '.join(names)}): whether they "
        "are special care-required or open to financial misuse cannot be checked, so they "
        "count as both (PPC Rules 7(i), (ii))"
    )
    return text, Reason(UNDECLARED, {"items": names})


class IncidentKind(str, enum.Enum):
    LEAK = "leak"
    LOSS = "loss"
    DAMAGE = "damage"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Incident:
    """One incident in the register, as its audit events describe it."""

    id: str
    kind: IncidentKind
    discovered_at: datetime
    items: frozenset[str]
    people: int
    people_digest: str | None
    """``None``: pipolicy keeps no digest of the people. Incidents registered by earlier
    versions keep the unkeyed digest of the ids they stored."""
    suspected: bool
    wrongful_act: bool
    as_entrustee: bool
    report_due: bool
    reasons: tuple[str, ...]
    preliminary_due: datetime | None
    final_due: datetime | None
    protected: bool = False
    """The data was kept unreadable by advanced encryption or a like measure."""
    exposed: bool = False
    """The data could be viewed by anyone by electronic means (an open server or page)."""
    reportable_from: datetime | None = None
    """When the business learned of a reportable situation, the day its deadlines count
    from: discovery, or a later revision that made the incident reportable."""
    preliminary_at: datetime | None = None
    final_at: datetime | None = None
    notified_at: datetime | None = None
    alternative_measures_at: datetime | None = None
    """When, notice to the people being difficult, measures in its place were taken (a
    public announcement, a contact point): Art. 26(2) proviso."""

    occurred: bool = True
    """``False`` once the investigation found no leak, loss or damage took place."""
    not_reportable_since: datetime | None = None
    """When a revision found an incident once reportable not to be: no report or notice
    is owed from then on."""
    not_reportable_because: str | None = None
    """Why, a key of :data:`NOT_REPORTABLE`."""
    why: tuple[Reason, ...] = ()
    """``reasons`` as facts, one for one: the key of each ground (:data:`GROUNDS`,
    :data:`UNDECLARED`) and what it names, for
    :meth:`~pipolicy.incidents.IncidentRegister.explain` to word in Japanese or
    English."""

    @property
    def entruster_notified(self) -> bool:
        """An entrustee has notified the entrusting business (its ``"preliminary"``
        step): it owes no further report and no notice to the people (Art. 26(1) proviso
        and (2); My Number Act Art. 29-4(1) proviso and (2))."""
        return self.as_entrustee and self.preliminary_at is not None

    def overdue(self, now: datetime) -> tuple[str, ...]:
        """The steps past their deadline at ``now``: ``preliminary``, ``final``."""
        late = []
        reported = self.preliminary_at is not None or self.final_at is not None
        if self.preliminary_due and not reported and now >= self.preliminary_due:
            late.append("preliminary")
        if self.final_due and self.final_at is None and now >= self.final_due:
            late.append("final")
        return tuple(late)


def people_digest(subject_ids: Iterable[str]) -> str:
    """SHA-256 of the sorted, distinct ids, as incidents registered before session 18
    recorded it: checks a list against such a record. New incidents record none."""
    joined = "\n".join(sorted(set(subject_ids)))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def assess(
    *,
    special_care: bool,
    financial: bool,
    wrongful_act: bool,
    people: int,
    discovered_on: date,
    preliminary_days: int,
    day_end: Callable[[date], datetime],
    my_number: bool = False,
    protected: bool = False,
    exposed: bool = False,
    occurred: bool = True,
    undeclared: Iterable[str] = (),
) -> tuple[bool, tuple[Because, ...], datetime | None, datetime | None]:
    """Whether a report and notice are due, why, and the two deadlines: the preliminary
    report on day ``preliminary_days``, the final one on day 30 or 60, both counting
    ``discovered_on`` (the day of discovery in the policy's time zone) as day 1; each the
    first instant after its last day, given by ``day_end``. ``my_number``:
    Individual Numbers are among the items (then more than 100 people suffice, or any
    number ``exposed`` online to anyone). Data ``protected`` by advanced encryption or
    the like is never reportable (PPC Rules Art. 7(i)), nor an incident that did not
    ``occur`` after all. ``undeclared``: items the policy does not declare, counted as
    possibly special care-required and financial (:data:`UNDECLARED`). Each reason comes
    in English and as a :class:`~pipolicy.domain.decisions.Reason`. An entrustee's final deadline
    is the same: it binds until the entrustee notifies the entrusting business, which the
    register records (Art. 26(1) proviso)."""
    if protected or not occurred:
        return False, (), None, None
    found = {
        "special_care": special_care,
        "financial": financial,
        "wrongful_act": wrongful_act,
        "many_people": people > MANY_PEOPLE,
        "many_numbers": my_number and people > MANY_NUMBERS,
        "numbers_exposed": my_number and exposed,
    }
    reasons: list[Because] = [(text, Reason(key)) for key, text in GROUNDS.items() if found[key]]
    if unknown := frozenset(undeclared):
        reasons.append(undeclared_reason(unknown))
    if not reasons:
        return False, (), None, None
    final_days = 60 if wrongful_act else 30
    # Both count the day learned as day 1 (guidelines 3-5-3-4): day n ends n - 1 days on.
    preliminary = day_end(discovered_on + timedelta(days=preliminary_days - 1))
    final = day_end(discovered_on + timedelta(days=final_days - 1))
    return True, tuple(reasons), preliminary, final
