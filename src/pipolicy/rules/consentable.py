"""What a person's yes can reach: a consent is recorded only where a decision could rest
on it (R-CON-1).

A consent nothing can lawfully rest on would still be kept, and its receipt handed to
the person as the authority for a provision (R-CON-4): an Individual Number to a third
party "on consent", data to a court "on consent". :func:`check_consentable` refuses such
a yes before it is recorded. A no is never refused: the person's refusal or withdrawal is
kept whatever it names, so that it is never lost.
"""

from __future__ import annotations

from pipolicy.domain.consents import ConsentScope
from pipolicy.errors import ConsentNotApplicable
from pipolicy.policy.model import Policy, RecipientKind

NEVER_ON_CONSENT = frozenset({RecipientKind.PUBLIC_AUTHORITY, RecipientKind.STATISTICS})
"""Recipients that receive nothing on the person's consent: a public authority only in a
case of Art. 27(1) (an order or request under the law), a recipient of statistics only
data that identifies no one (Art. 2(1))."""


def check_consentable(policy: Policy, scope: ConsentScope) -> None:
    """Raise :class:`ConsentNotApplicable` if a yes to ``scope`` (already validated
    against the policy's names) could never be what a decision rests on.

    - To a recipient, an Individual Number: the My Number Act Art. 19 lists every case a
      number may be provided in, and the person's consent is none (R-MYN-1). (A purpose
      of the Act's affairs may still ask its permission before collection, R-USE-7: that
      is asked on top of the affairs, which are the ground.)
    - To a public authority or a recipient of statistics: they receive nothing on consent.
    - To items the recipient does not receive: a provision of them is denied whatever
      the consent (:func:`pipolicy.rules.provision.decide_provision`), so the person would
      hold a receipt for a disclosure that never happens.
    """
    if scope.recipient is None:
        return
    recipient = policy.recipients[scope.recipient]
    numbers = scope.items & policy.my_number_items
    if numbers:
        raise ConsentNotApplicable(
            "individual_numbers",
            f"no consent covers Individual Numbers {sorted(numbers)}: the My Number Act "
            "Art. 19 lists every case a number may be provided in, and the person's consent "
            "is none (R-MYN-1). Leave them out; an entrustee for the affairs receives them "
            "without consent",
            numbers,
        )
    if recipient.kind in NEVER_ON_CONSENT:
        raise ConsentNotApplicable(
            "recipient_kind",
            f"recipient {scope.recipient!r} ({recipient.kind.value}) receives nothing on "
            "consent (APPI Arts. 27(1), 2(1); R-TPP-2, R-TPP-6): "
            "provide to it on an "
            "exemption, or declare it as a third party",
        )
    beyond = scope.items - recipient.items if recipient.items else frozenset()
    if beyond:
        raise ConsentNotApplicable(
            "items_not_received",
            f"recipient {scope.recipient!r} does not receive items {sorted(beyond)}: the "
            f"policy gives it only {sorted(recipient.items)}, so a consent to the others "
            "could allow nothing (R-CON-1). Add them to the recipient in the policy first",
            beyond,
        )
