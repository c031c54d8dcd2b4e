"""pipolicy: a personal-information handling policy (Japan's APPI) as code.

Load a policy, record what happens to personal information, ask before using or
providing it, and get a typed decision with its legal basis::

    import pipolicy as pp

    engine = pp.Engine(pp.load_policy("policy.toml"))
    s = engine.register_subject(ref="user-42")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    engine.check_use(s, purpose="service", items={"email"}).allowed
"""

from pipolicy.clock import Clock, FixedClock, SystemClock
from pipolicy.domain.acquisitions import Acquisition, Channel, EntityKind, ReceiptBasis
from pipolicy.domain.audit import AuditEvent, AuditReport
from pipolicy.domain.consents import Consent, ConsentScope, ConsentStatus, Evidence
from pipolicy.domain.decisions import Basis, Decision, Reason
from pipolicy.domain.exemptions import Exemption
from pipolicy.domain.merkle import Checkpoint, InclusionProof, verify_inclusion
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import (
    Applicant,
    ApplicantKind,
    Art35Ground,
    Document,
    DocumentKind,
    RefusalGround,
    Representation,
    Request,
    RequestKind,
    RequestState,
)
from pipolicy.domain.restrictions import Restriction, RestrictionKind
from pipolicy.domain.screening import PersonalDataWithheld
from pipolicy.domain.subjects import Ref, Subject
from pipolicy.engine import Engine, RetentionEntry
from pipolicy.errors import (
    AcquisitionDenied,
    AuditLogBroken,
    BackendNotFound,
    CommitOutcomeUnknown,
    ConcurrencyConflict,
    ConsentNotApplicable,
    Denied,
    InvalidInput,
    InvalidTransition,
    PipolicyError,
    PolicyError,
    PolicyProblem,
    ProvisionDenied,
    RequestNotFound,
    StorageError,
    SubjectNotFound,
    UnknownCategory,
    UnknownItem,
    UnknownPurpose,
    UnknownRecipient,
    UnreadableAuditEvent,
    UseDenied,
)
from pipolicy.examples import example_policy, example_policy_names, example_policy_path
from pipolicy.ids import ordered_ids
from pipolicy.importing import ConsentImport, ImportReport
from pipolicy.policy.loading import load_policy, policy_from_dict
from pipolicy.policy.model import (
    ConsentRule,
    Contract,
    Controller,
    DataItem,
    JointUse,
    JointUseChange,
    JointUseChangeKind,
    OptOut,
    OptOutChange,
    OptOutEnd,
    Policy,
    Purpose,
    PurposeChange,
    Recipient,
    RecipientKind,
    RequestSettings,
    Service,
)
from pipolicy.policy.schema import policy_schema
from pipolicy.policy.texts import text_in
from pipolicy.publishing import explain, format_date, opt_out_filings, render_notice
from pipolicy.queries import ProvisionCheck, UseCheck
from pipolicy.receipts import consent_receipt
from pipolicy.requests import Answer, DataSource, MemorySource, SourceFailed
from pipolicy.rules.common import Actor
from pipolicy.rules.statistics import Aggregate, aggregate
from pipolicy.schemas import json_schema
from pipolicy.serialization import from_dict, to_dict
from pipolicy.storage.registry import available_backends, open_store
from pipolicy.storage.repositories import Capabilities, Store, UnitOfWork

__version__ = "0.1.0"

__all__ = [
    "Acquisition",
    "AcquisitionDenied",
    "Actor",
    "Aggregate",
    "Answer",
    "Applicant",
    "ApplicantKind",
    "Art35Ground",
    "AuditEvent",
    "AuditLogBroken",
    "AuditReport",
    "BackendNotFound",
    "Basis",
    "Capabilities",
    "Channel",
    "Checkpoint",
    "Clock",
    "CommitOutcomeUnknown",
    "ConcurrencyConflict",
    "Consent",
    "ConsentImport",
    "ConsentNotApplicable",
    "ConsentRule",
    "ConsentScope",
    "ConsentStatus",
    "Contract",
    "Controller",
    "DataItem",
    "DataSource",
    "Decision",
    "Denied",
    "Document",
    "DocumentKind",
    "Engine",
    "EntityKind",
    "Evidence",
    "Exemption",
    "FixedClock",
    "ImportReport",
    "InclusionProof",
    "InvalidInput",
    "InvalidTransition",
    "JointUse",
    "JointUseChange",
    "JointUseChangeKind",
    "MemorySource",
    "OptOut",
    "OptOutChange",
    "OptOutEnd",
    "PersonalDataWithheld",
    "PipolicyError",
    "Policy",
    "PolicyError",
    "PolicyProblem",
    "ProvisionCheck",
    "ProvisionDenied",
    "ProvisionRecord",
    "Purpose",
    "PurposeChange",
    "Reason",
    "ReceiptBasis",
    "Recipient",
    "RecipientKind",
    "Ref",
    "RefusalGround",
    "Representation",
    "Request",
    "RequestKind",
    "RequestNotFound",
    "RequestSettings",
    "RequestState",
    "Restriction",
    "RestrictionKind",
    "RetentionEntry",
    "Service",
    "SourceFailed",
    "StorageError",
    "Store",
    "Subject",
    "SubjectNotFound",
    "SystemClock",
    "UnitOfWork",
    "UnknownCategory",
    "UnknownItem",
    "UnknownPurpose",
    "UnknownRecipient",
    "UnreadableAuditEvent",
    "UseCheck",
    "UseDenied",
    "__version__",
    "aggregate",
    "available_backends",
    "consent_receipt",
    "example_policy",
    "example_policy_names",
    "example_policy_path",
    "explain",
    "format_date",
    "from_dict",
    "json_schema",
    "load_policy",
    "open_store",
    "opt_out_filings",
    "ordered_ids",
    "policy_from_dict",
    "policy_schema",
    "render_notice",
    "text_in",
    "to_dict",
    "verify_inclusion",
]
