"""What a policy publishes, in each of its languages.

A policy names its languages (``[policy] languages = ["ja", "en"]``, the first the
default). Any text a notice or a letter shows may be given once (in the default language)
or per language, as a table: ``title = { ja = "氏名", en = "Name" }``. The entity keeps the
default language's text in its field (``item.title``), and the others in
``translations`` (``{"en": {"title": "Name"}}``); :func:`text_in` picks the one asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipolicy.domain.acquisitions import EntityKind

__all__ = ["LANGUAGES", "LOCALIZED", "Translations", "self_reference", "text_in"]

LANGUAGES = ("ja", "en")
"""The languages pipolicy writes to a person in (one template set each)."""

Translations = Mapping[str, Mapping[str, Any]]
"""Language -> field -> text (a tuple of texts for lists such as security measures)."""

LOCALIZED: Mapping[str, tuple[str, ...]] = {
    "Controller": (
        "name",
        "address",
        "representative",
        "contact",
        "complaints",
        "security_measures",
        "self_reference",
        "accredited_organisation",
        "accredited_complaints",
    ),
    "DataItem": ("title", "legal_retention"),
    "Purpose": ("title", "legal_retention"),
    "Recipient": ("title", "address", "representative"),
    "OptOut": ("method", "acquired_by", "provided_by", "updated_by"),
    "Service": ("title", "window", "responsible"),
    "JointUse": ("users", "manager_name", "manager_address", "manager_representative"),
    "RequestSettings": ("window", "fee_payment"),
}
"""Per entity type, the fields a person reads (so each language must have them)."""


def text_in(entity: object, field: str, lang: str) -> Any:
    """``entity.field`` in ``lang``: its translation if there is one, else the field (the
    policy's default language, which the validator makes sure is ``lang`` when no
    translation exists for a language the policy publishes)."""
    translations: Translations = getattr(entity, "translations", {})
    found = translations.get(lang, {}).get(field)
    return getattr(entity, field) if found is None else found


INDIVIDUAL_SELF_REFERENCE: Mapping[str, str] = {"ja": "当方"}
"""How a business run by an individual calls itself where its policy says no other word:
当社 ("this company"), the Japanese templates' default, is a company's word."""


def self_reference(controller: object, lang: str) -> str:
    """How the business calls itself in ``lang``: its ``self_reference`` (本会, "the
    Society"); else, for a business run by an individual (``kind = "individual"``), the
    word :data:`INDIVIDUAL_SELF_REFERENCE` gives (当方); else ``""``, and the templates
    say their default (当社, "we")."""
    own = text_in(controller, "self_reference", lang)
    if own:
        return str(own)
    if getattr(controller, "kind", None) is EntityKind.INDIVIDUAL:
        return INDIVIDUAL_SELF_REFERENCE.get(lang, "")
    return ""
