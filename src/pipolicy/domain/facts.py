"""What a decision about one person rests on, read in one call (R-USE-1, R-TPP-1).

A domain type, so the rules depend on the domain and the policy only, never on storage.
"""

from __future__ import annotations

import attrs

from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.consents import Consent
from pipolicy.domain.restrictions import Restriction
from pipolicy.domain.subjects import Subject

__all__ = ["SubjectFacts"]


@attrs.frozen
class SubjectFacts:
    """The subject with its acquisitions, consents and restrictions, in the order added.

    For a decision, ``consents`` may hold only those still given: an ended consent never
    makes a decision allow, and leaving them out keeps a check's cost independent of how
    many consents a person has withdrawn (see ``UnitOfWork.facts``).
    """

    subject: Subject
    acquisitions: tuple[Acquisition, ...]
    consents: tuple[Consent, ...]
    restrictions: tuple[Restriction, ...]
