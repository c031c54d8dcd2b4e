"""The exemptions of APPI Arts. 18(3), 20(2) and 27(1).

The law lists them exactly; a policy may allow fewer (seed 001 allows only the first)
but never more. Each exemption must be claimed with a justification (e.g. the reference
of a court order), which the audit log keeps. Not every exemption exists for every
action: the academic research items differ between use, acquisition and provision, and
information made public or observed is an exemption for acquiring special care-required
data only (Art. 20(2)(vii)-(viii)). :data:`ARTICLES` says which item of which article
each one is, and so where it applies.

One value, one meaning, wherever the law gives it. Since the 2021 amendment each
academic item of Art. 27(1) has a twin where the same situation calls for it: the data
going to an academic research institution for its research is Art. 27(1)(vii) for the
provision and Art. 18(3)(vi) for the use that provision is (``academic_recipient``); the
data passing, for research conducted jointly, from an academic research institution to
its partner is Art. 27(1)(vi) for the institution giving it and Art. 20(2)(vi) for the
partner acquiring it (``academic_joint_research``). Which party must be the institution
follows from that meaning and the action (:meth:`Policy.academic_shortfall`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["ACADEMIC", "ARTICLES", "Exemption", "applies", "exemption_citation"]


class Exemption(str, enum.Enum):
    """Why the law lets a business act without the person's consent."""

    LAWS_AND_REGULATIONS = "laws_and_regulations"
    """(i) Based on laws and regulations; court, prosecutor, police and regulator orders."""
    LIFE_BODY_PROPERTY = "life_body_property"
    """(ii) Protecting life, body or property when consent is difficult to obtain."""
    PUBLIC_HEALTH_CHILDREN = "public_health_children"
    """(iii) Public health or the healthy growth of children, consent being difficult."""
    STATE_COOPERATION = "state_cooperation"
    """(iv) Cooperating with a state organ performing legal duties."""
    ACADEMIC_RESEARCH = "academic_research"
    """The business is an academic research institution and handles the data for its
    research: use (18(3)(v)) and acquisition (20(2)(v))."""
    ACADEMIC_PUBLICATION = "academic_publication"
    """The business is an academic research institution and the provision is unavoidable
    to publish or teach research results (27(1)(v))."""
    ACADEMIC_JOINT_RESEARCH = "academic_joint_research"
    """For academic research the business and a declared partner conduct jointly, the data
    passes from an academic research institution to its partner: provision by the
    business, an institution, to the partner (27(1)(vi)); acquisition of special
    care-required data by the business from the partner, an institution (20(2)(vi))."""
    ACADEMIC_RECIPIENT = "academic_recipient"
    """The data goes to an academic research institution needing it for its research:
    provision to it (27(1)(vii)), and use beyond the purposes to provide it (18(3)(vi)).
    The business need not be an institution."""
    MADE_PUBLIC = "made_public"
    """Special care-required data made public by the person, a state organ, a local
    government, an academic research institution or the press (20(2)(vii))."""
    OBSERVED = "observed"
    """Special care-required data acquired by seeing or photographing the person's
    appearance (20(2)(viii), Cabinet Order Art. 9(i))."""
    RECEIVED_UNDER_ARRANGEMENT = "received_under_arrangement"
    """Special care-required data received under entrustment, business succession or joint
    use (20(2)(viii), Cabinet Order Art. 9(ii), with Art. 27(5))."""

    def __str__(self) -> str:
        return self.value


_E = Exemption
_COMMON = {"use": "18(3)", "acquisition": "20(2)", "provision": "27(1)"}


def _each(numeral: str) -> dict[str, str]:
    return {action: f"{article}{numeral}" for action, article in _COMMON.items()}


ARTICLES: Mapping[Exemption, Mapping[str, str]] = MappingProxyType(
    {
        _E.LAWS_AND_REGULATIONS: _each("(i)"),
        _E.LIFE_BODY_PROPERTY: _each("(ii)"),
        _E.PUBLIC_HEALTH_CHILDREN: _each("(iii)"),
        _E.STATE_COOPERATION: _each("(iv)"),
        _E.ACADEMIC_RESEARCH: {"use": "18(3)(v)", "acquisition": "20(2)(v)"},
        _E.ACADEMIC_PUBLICATION: {"provision": "27(1)(v)"},
        # Provision first: the item each was first made for, which a claim for an action
        # the law gives it for none of cites (exemption_citation).
        _E.ACADEMIC_JOINT_RESEARCH: {"provision": "27(1)(vi)", "acquisition": "20(2)(vi)"},
        _E.ACADEMIC_RECIPIENT: {"provision": "27(1)(vii)", "use": "18(3)(vi)"},
        _E.MADE_PUBLIC: {"acquisition": "20(2)(vii)"},
        _E.OBSERVED: {"acquisition": "20(2)(viii)"},
        _E.RECEIVED_UNDER_ARRANGEMENT: {"acquisition": "20(2)(viii)"},
    }
)
"""For each exemption, the actions it exists for and the item of the article it is."""

ACADEMIC = frozenset(
    {
        _E.ACADEMIC_RESEARCH,
        _E.ACADEMIC_PUBLICATION,
        _E.ACADEMIC_JOINT_RESEARCH,
        _E.ACADEMIC_RECIPIENT,
    }
)
"""The academic research items: each needs an academic research institution on one side,
so they are off unless a policy enables them."""


def applies(exemption: Exemption, action: str) -> bool:
    """Does the law give ``exemption`` for ``action`` (use, acquisition or provision)?"""
    return action in ARTICLES[exemption]


def exemption_citation(exemption: Exemption, action: str) -> str:
    """The article an exemption rests on for ``action``; the exemption's own article (the
    first :data:`ARTICLES` lists) when it does not exist for that action."""
    articles = ARTICLES[exemption]
    return f"APPI Art. {articles.get(action) or next(iter(articles.values()))}"
