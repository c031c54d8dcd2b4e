"""The customers table as a pipolicy data source: what a disclosure reads, what a
correction, deletion or suspension changes (``docs/requests.md``). Results name items
and what was done, never values: pipolicy stores them with the request.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

import pipolicy as pp
from django_app.accounts.models import Customer


def _customer(subject_ref: str) -> Customer | None:
    if not subject_ref.isdigit():
        return None
    return Customer.objects.filter(pk=int(subject_ref)).first()


class CustomersSource:
    """The shop's customers, found by the ref pipolicy knows them by (``str(pk)``)."""

    def export(self, subject_ref: str) -> Mapping[str, object]:
        customer = _customer(subject_ref)
        return {} if customer is None else {"name": customer.name, "email": customer.email}

    def correct(self, subject_ref: str, changes: Mapping[str, object]) -> Mapping[str, str]:
        with transaction.atomic():
            customer = _customer(subject_ref)
            done: dict[str, str] = {}
            for item, value in changes.items():
                if customer is None or item not in ("name", "email") or value is None:
                    done[item] = "not_held"  # both are required: the account holds them
                    continue
                setattr(customer, item, str(value))
                done[item] = "corrected"
            if customer is not None:
                customer.save()
            return done

    def erase(self, subject_ref: str, items: frozenset[str]) -> Mapping[str, str]:
        # The account cannot exist without its name and address: erasing either closes it.
        deleted, _ = Customer.objects.filter(
            pk=int(subject_ref) if subject_ref.isdigit() else -1
        ).delete()
        return dict.fromkeys(sorted(items), "erased" if deleted else "not_held")

    def restrict(
        self,
        subject_ref: str,
        kind: pp.RestrictionKind,
        items: frozenset[str],
        purposes: frozenset[str],
    ) -> Mapping[str, str]:
        # pipolicy's restriction already stops every use it decides; the shop's own
        # newsletter flag follows, so its lists agree.
        customer = _customer(subject_ref)
        if customer is not None and (not purposes or "newsletter" in purposes):
            customer.newsletter = False
            customer.save(update_fields=["newsletter"])
        return dict.fromkeys(sorted(items), "not_held" if customer is None else "suspended")
