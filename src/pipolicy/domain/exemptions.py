"""The exemptions of APPI Arts. 18(3), 20(2) and 27(1).

The law lists them exactly; a policy may allow fewer (seed 001 allows only the first)
but never more. Each exemption must be claimed with a justification (e.g. the reference
of a court order), which the audit log keeps.
"""

from __future__ import annotations

import enum

__all__ = ["Exemption", "exemption_citation"]


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
    """(v)-(vii) Academic research institutions, without unjust infringement."""

    def __str__(self) -> str:
        return self.value


_NUMERAL = {
    Exemption.LAWS_AND_REGULATIONS: "(i)",
    Exemption.LIFE_BODY_PROPERTY: "(ii)",
    Exemption.PUBLIC_HEALTH_CHILDREN: "(iii)",
    Exemption.STATE_COOPERATION: "(iv)",
}
_ACADEMIC = {"use": "(v)-(vi)", "acquisition": "(v)-(vi)", "provision": "(v)-(vii)"}
_ARTICLE = {"use": "18(3)", "acquisition": "20(2)", "provision": "27(1)"}


def exemption_citation(exemption: Exemption, action: str) -> str:
    """The article an exemption rests on for ``action`` (use, acquisition or provision)."""
    numeral = _NUMERAL.get(exemption) or _ACADEMIC[action]
    return f"APPI Art. {_ARTICLE[action]}{numeral}"
