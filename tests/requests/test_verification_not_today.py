"""R-REQ-3: a verification problem is read after the day it was found (it is kept with
the request, shown to staff later). Its English wording names the day the documents were
checked, as the Japanese says 確認日, never "today", which would be another day by the
time it is read (h63 #9)."""

from __future__ import annotations

from datetime import timedelta

import pipolicy as pp
from pipolicy.requests import verify_documents

from .support import TODAY, license_, passport, power_of_attorney, seal_certificate

D, K = pp.Document, pp.DocumentKind


def test_r_req_3_problems_found_without_the_day_received_say_the_day_we_checked() -> None:
    docs = [
        D(K.PASSPORT, TODAY + timedelta(days=3), TODAY + timedelta(days=3650)),
        power_of_attorney(TODAY + timedelta(days=1)),
        D(K.SEAL_CERTIFICATE, TODAY + timedelta(days=2)),
        license_("agent"),
    ]
    found = verify_documents(pp.Applicant.voluntary_agent(), docs, pp.RequestSettings(), TODAY)
    messages = [p.message for p in found.problems]
    assert {p.note for p in found.problems} >= {
        "id_dated_after_today",
        "power_of_attorney_dated_after_today",
        "certificate_dated_after_today",
    }
    for message in messages:
        assert "today" not in message, message
    assert sum("after the day we checked your documents" in m for m in messages) == 3


def test_r_req_3_an_old_certificate_is_measured_from_the_day_we_checked() -> None:
    docs = [passport(), power_of_attorney(), seal_certificate(days_old=200), license_("agent")]
    found = verify_documents(pp.Applicant.voluntary_agent(), docs, pp.RequestSettings(), TODAY)
    [old] = [p for p in found.problems if p.note == "certificate_too_old"]
    assert "before the day we checked your documents" in old.message
    assert "today" not in old.message
