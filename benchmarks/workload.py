"""The seeded workload of the performance issue, shared by the benchmark scripts.

One policy (:data:`POLICY_TOML`): four items, ten purposes (two notified, used within
the purposes notified at acquisition without consent; eight needing the person's
consent) and five third-party recipients (provision needs consent to the recipient,
for a purpose the data may be used for). Then, for a size and a seed:

* :func:`people`: each person's facts, as plain data any engine can be built from:
  items acquired for one or both notified purposes, and three consents drawn at random
  among the eight consent purposes and the five recipients;
* :func:`populate`: the same facts recorded in a pipolicy engine (``acquire`` one by one,
  the consents through ``import_consents``);
* :class:`Questions`: fresh random questions (who, which purpose or recipient, which
  items), a new draw at every call, so no engine can learn a repeated stream.

Everything is deterministic by seed.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import attrs

import pipolicy as pp

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)

POLICY_TOML = """\
[policy]
version = "bench-engines-1"
revised = 2026-03-01

[controller]
name = "Benchmark Co., Ltd."
address = "1-1 Chiyoda, Chiyoda-ku, Tokyo"
representative = "Taro Bench, Representative Director"
contact = "privacy@example.invalid"
security_measures = ["Access to personal data is limited to the staff who need it"]

[items.name]
title = "Name"
[items.email]
title = "E-mail address"
[items.address]
title = "Postal address"
[items.phone]
title = "Telephone number"

# Notified purposes: used within the purposes notified at acquisition, no consent needed.
[purposes.service]
title = "To provide the service"
items = ["name", "email", "address", "phone"]
[purposes.support]
title = "To answer enquiries"
items = ["name", "email", "phone"]

# Purposes needing the person's consent.
[purposes.newsletter]
title = "To send the newsletter"
items = ["email"]
consent = "at_collection"
[purposes.marketing]
title = "To tell the person about offers"
items = ["email", "phone"]
consent = "at_collection"
[purposes.analytics]
title = "To analyse how the service is used"
items = ["name", "email"]
consent = "at_collection"
[purposes.profiling]
title = "To recommend products"
items = ["name", "email", "address"]
consent = "at_collection"
[purposes.research]
title = "To research new products"
items = ["name", "address"]
consent = "at_collection"
[purposes.events]
title = "To invite the person to events"
items = ["name", "email", "phone"]
consent = "at_collection"
[purposes.surveys]
title = "To ask the person for feedback"
items = ["email"]
consent = "at_collection"
[purposes.partner_offers]
title = "To pass on partners' offers"
items = ["name", "email", "address", "phone"]
consent = "at_collection"

# Third parties: provision needs the person's consent to the recipient.
[recipients.ad_network]
title = "Advertising network"
purposes = ["marketing", "partner_offers"]
items = ["email", "phone"]
[recipients.analytics_firm]
title = "Analytics firm"
purposes = ["analytics", "service"]
items = ["name", "email"]
[recipients.research_lab]
title = "Research laboratory"
purposes = ["research", "profiling"]
items = ["name", "address"]
[recipients.event_partner]
title = "Event co-organiser"
purposes = ["events", "support"]
items = ["name", "email", "phone"]
[recipients.retail_partner]
title = "Retail partner"
purposes = ["partner_offers", "service", "newsletter"]
items = ["name", "email", "address"]
"""


def policy() -> pp.Policy:
    """:data:`POLICY_TOML`, loaded as any policy file is (``pp.load_policy``)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "policy.toml"
        path.write_text(POLICY_TOML, encoding="utf-8")
        return pp.load_policy(path)


@attrs.frozen
class Shape:
    """The names the workload draws from, read from the policy."""

    items: tuple[str, ...]
    notified: tuple[str, ...]
    consented: tuple[str, ...]
    recipients: tuple[str, ...]
    declared: dict[str, frozenset[str]]
    """Each purpose's items, and each recipient's."""
    recipient_purposes: dict[str, frozenset[str]]

    @classmethod
    def of(cls, p: pp.Policy) -> Shape:
        notified = tuple(n for n, x in p.purposes.items() if x.consent.value == "none")
        consented = tuple(n for n in p.purposes if n not in notified)
        declared = {n: frozenset(x.all_items) for n, x in p.purposes.items()}
        declared.update({n: frozenset(r.items) for n, r in p.recipients.items()})
        return cls(
            items=tuple(p.items),
            notified=notified,
            consented=consented,
            recipients=tuple(p.recipients),
            declared=declared,
            recipient_purposes={n: frozenset(r.purposes) for n, r in p.recipients.items()},
        )


@attrs.frozen
class Person:
    """One person's facts: ``acquired`` items for the ``notified`` purposes, and the
    purposes and recipients they consented to (a recipient consent covers its items)."""

    ref: str
    notified: frozenset[str]
    acquired: frozenset[str]
    purpose_consents: frozenset[str]
    recipient_consents: frozenset[str]


@attrs.frozen
class Question:
    """``subject`` (an index into the people) asks to use ``items`` for ``purpose`` or,
    with a ``recipient``, to give them to it for ``purpose``."""

    subject: int
    purpose: str
    items: frozenset[str]
    recipient: str | None = None


def _some(rng: random.Random, names: Sequence[str], most: int) -> frozenset[str]:
    """A random non-empty subset of ``names``, of at most ``most`` names."""
    return frozenset(rng.sample(names, rng.randint(1, min(most, len(names)))))


def people(shape: Shape, n: int, seed: int) -> list[Person]:
    """``n`` people's facts, the same for the same seed."""
    rng = random.Random(seed)
    scopes = [*shape.consented, *shape.recipients]
    choices = [frozenset({p}) for p in shape.notified] + [frozenset(shape.notified)]
    found = []
    for k in range(n):
        notified = rng.choice(choices)
        declared = sorted(frozenset().union(*(shape.declared[p] for p in notified)))
        acquired = _some(rng, declared, len(declared))
        consents = rng.sample(scopes, 3)
        found.append(
            Person(
                ref=f"s{k}",
                notified=notified,
                acquired=acquired,
                purpose_consents=frozenset(c for c in consents if c in shape.consented),
                recipient_consents=frozenset(c for c in consents if c in shape.recipients),
            )
        )
    return found


def populate(engine: pp.Engine, shape: Shape, everyone: Sequence[Person]) -> list[pp.Subject]:
    """Record ``everyone`` in ``engine``; the subjects, in the same order."""
    subjects = []
    for person in everyone:
        s = engine.register_subject(person.ref)
        engine.acquire(s, items=person.acquired, purposes=person.notified, channel="web")
        subjects.append(s)
    rows = []
    for person in everyone:
        rows += [pp.ConsentImport(person.ref, purpose=p) for p in sorted(person.purpose_consents)]
        rows += [
            pp.ConsentImport(person.ref, recipient=r, items=shape.declared[r])
            for r in sorted(person.recipient_consents)
        ]
    report = engine.import_consents(rows, batch_size=5000, source="bench-engines")
    assert report.recorded == 3 * len(everyone), report
    return subjects


class Questions:
    """Fresh random questions about ``people`` people, drawn from ``seed``: every call
    draws new ones. Items are one or two of what the purpose (or recipient) declares,
    and one time in ten an item drawn from all the items besides (maybe undeclared)."""

    def __init__(self, shape: Shape, people: int, seed: int) -> None:
        self.shape = shape
        self.people = people
        self.rng = random.Random(seed)
        self.purposes = (*shape.notified, *shape.consented)

    def _items(self, declared: frozenset[str]) -> frozenset[str]:
        items = _some(self.rng, sorted(declared), 2)
        if self.rng.random() < 0.1:
            items |= {self.rng.choice(self.shape.items)}
        return items

    def uses(self, n: int) -> list[Question]:
        found = []
        for _ in range(n):
            purpose = self.rng.choice(self.purposes)
            items = self._items(self.shape.declared[purpose])
            found.append(Question(self.rng.randrange(self.people), purpose, items))
        return found

    def provisions(self, n: int) -> list[Question]:
        """To a recipient; for one of its purposes four times in five, else any purpose."""
        found = []
        for _ in range(n):
            recipient = self.rng.choice(self.shape.recipients)
            if self.rng.random() < 0.8:
                purpose = self.rng.choice(sorted(self.shape.recipient_purposes[recipient]))
            else:
                purpose = self.rng.choice(self.purposes)
            items = self._items(self.shape.declared[recipient])
            found.append(Question(self.rng.randrange(self.people), purpose, items, recipient))
        return found
