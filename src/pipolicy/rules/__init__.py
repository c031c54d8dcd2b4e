"""Pure decision rules: (policy, facts, query, now) -> Decision. No I/O, no clock."""

from pipolicy.rules.acquisition import AcquisitionQuery, decide_acquisition
from pipolicy.rules.provision import ProvisionQuery, decide_provision
from pipolicy.rules.use import UseQuery, decide_use

__all__ = [
    "AcquisitionQuery",
    "ProvisionQuery",
    "UseQuery",
    "decide_acquisition",
    "decide_provision",
    "decide_use",
]
