"""The audit log's Merkle tree and checkpoints (R-SEC-3, Art. 23; RFC 6962 hashing).

The reference roots below are those of RFC 6962's reference implementation for its eight
test leaves (Certificate Transparency's ``merkle_tree_test``), so the hashing is checked
against the standard, not against this implementation.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import attrs
import pytest

import pipolicy as pp
from pipolicy.domain.audit import checkpoint_of, prove_inclusion, verify_log
from pipolicy.domain.merkle import (
    Checkpoint,
    InclusionProof,
    inclusion_path,
    leaf_hash,
    tree_root,
    verify_inclusion,
)
from pipolicy.testing.contract import audit_chain

AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
RFC_6962_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
RFC_6962_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


@pytest.mark.parametrize("size", range(1, 9))
def test_r_sec_3_tree_roots_match_rfc_6962(size: int) -> None:
    leaves = [leaf_hash(d) for d in RFC_6962_LEAVES[:size]]
    assert tree_root(leaves) == RFC_6962_ROOTS[size - 1]


def test_r_sec_3_the_empty_tree_is_the_hash_of_nothing() -> None:
    assert tree_root([]) == hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13])
def test_r_sec_3_every_leaf_has_an_inclusion_proof_that_verifies(size: int) -> None:
    data = [bytes([i]) * 32 for i in range(size)]
    leaves = [leaf_hash(d) for d in data]
    cp = Checkpoint(size, tree_root(leaves), AT)
    for i, d in enumerate(data):
        path = tuple(h.hex() for h in inclusion_path(leaves, i))
        assert verify_inclusion(InclusionProof(i + 1, size, d.hex(), path), cp)
        other = bytes([i + 1]) * 32
        assert not verify_inclusion(InclusionProof(i + 1, size, other.hex(), path), cp)
        if size > 1:
            moved = (i + 1) % size + 1
            assert not verify_inclusion(InclusionProof(moved, size, d.hex(), path), cp)
    assert not verify_inclusion(InclusionProof(1, size + 1, data[0].hex(), ()), cp)  # another tree


def test_r_sec_3_a_checkpoint_round_trips_through_its_one_line_text() -> None:
    cp = Checkpoint(12, "ab" * 32, AT)
    text = str(cp)
    assert "\n" not in text and text.startswith("pipolicy-checkpoint size=12 root=")
    assert Checkpoint.parse(text) == cp


@pytest.mark.parametrize(
    "text",
    [
        "",
        "size=1 root=" + "a" * 64 + " at=2026-01-01T00:00:00+00:00",
        "pipolicy-checkpoint size=-1 root=" + "a" * 64 + " at=2026-01-01T00:00:00+00:00",
        "pipolicy-checkpoint size=1 root=xyz at=2026-01-01T00:00:00+00:00",
        "pipolicy-checkpoint size=1 root=" + "a" * 64 + " at=2026-01-01T00:00:00",
        "pipolicy-checkpoint size=1 root=" + "a" * 64,
    ],
)
def test_r_sec_3_a_malformed_checkpoint_is_refused(text: str) -> None:
    with pytest.raises(pp.InvalidInput):
        Checkpoint.parse(text)


def test_r_sec_3_truncation_is_detected_against_a_trusted_checkpoint() -> None:
    events = audit_chain(6)
    cp = checkpoint_of(events, AT)
    assert verify_log(events, cp).ok
    assert verify_log(events + audit_chain(2, after=events[-1]), cp).ok  # grew: fine
    truncated = events[:4]
    assert verify_log(truncated).ok  # the chain alone cannot tell
    report = verify_log(truncated, cp)
    assert not report.ok and report.first_bad_seq == 5 and "removed" in (report.problem or "")
    assert not verify_log([], cp).ok  # ok=True, events=0 is no longer the answer


def test_r_sec_3_a_rewritten_and_rehashed_log_is_detected() -> None:
    events = audit_chain(5)
    cp = checkpoint_of(events, AT)
    forged = audit_chain(5, subject_id="s-forged")  # a well-formed chain of other events
    assert verify_log(forged).ok
    report = verify_log(forged, cp)
    assert not report.ok and "rewritten" in (report.problem or "")


def test_r_sec_3_an_event_is_shown_in_the_log_with_only_the_checkpoint() -> None:
    events = audit_chain(7)
    cp = checkpoint_of(events, AT)
    for seq in range(1, 8):
        proof = prove_inclusion(events, seq, cp)
        assert proof.leaf == events[seq - 1].hash
        assert verify_inclusion(proof, cp)
    with pytest.raises(pp.InvalidInput):
        prove_inclusion(events, 8, cp)


def test_r_sec_3_no_checkpoint_or_proof_of_a_broken_log() -> None:
    events = audit_chain(3)
    broken = [events[0], attrs.evolve(events[1], kind="edited"), events[2]]
    with pytest.raises(pp.AuditLogBroken) as info:
        checkpoint_of(broken, AT)
    assert "event 2" in str(info.value)
    cp = checkpoint_of(events, AT)
    with pytest.raises(pp.AuditLogBroken):
        prove_inclusion(audit_chain(3, subject_id="other"), 1, cp)


@pytest.mark.parametrize("url", ["memory://", "sqlite:///:memory:"])
def test_r_sec_3_engine_checkpoint_verify_and_prove_a_withdrawal(url: str) -> None:
    """A person can be shown that their withdrawal is in the log, with only the checkpoint
    (R-CON-2, R-SEC-3); the log keeps extending a checkpoint as it grows."""
    engine = pp.Engine(pp.example_policy("indigo_blue"), store=url)
    s = engine.register_subject("user-1", category="customer")
    engine.grant_consent(s, purpose="service")
    engine.withdraw_consent(s, purpose="service")
    cp = engine.checkpoint()
    assert cp.size == 3 and Checkpoint.parse(str(cp)) == cp
    [withdrawal] = [e for e in engine.audit_events() if e.kind == "consent.withdrawn"]
    proof = engine.inclusion_proof(withdrawal.seq, cp)
    assert pp.verify_inclusion(proof, cp) and proof.leaf == withdrawal.hash
    engine.register_subject("user-2", category="customer")
    assert engine.verify_audit(trusted=cp).ok
    with pytest.raises(pp.InvalidInput):
        engine.verify_audit(trusted=str(cp))  # type: ignore[arg-type]
    with pytest.raises(pp.InvalidInput):
        engine.inclusion_proof(4, cp)  # written after the checkpoint
