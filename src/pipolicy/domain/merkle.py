"""A Merkle tree over the audit log, hashed as RFC 6962 (Certificate Transparency) does.

The hash chain proves that events follow one another; it cannot prove that the log was
not truncated or rewritten and re-hashed by someone with write access to the database.
A :class:`Checkpoint` (the tree's size and root at a moment), kept *outside* the
database, can: any later log that still contains those events in that order has the same
root over its first ``size`` leaves, and a single event can be shown to be in the log
with an inclusion proof of ``log2(size)`` hashes, checked against the checkpoint alone.

Hashing, RFC 6962 section 2.1, with SHA-256: a leaf is ``H(0x00 || data)``, an inner
node ``H(0x01 || left || right)``, the empty tree ``H()``; a tree of ``n`` leaves splits
at the largest power of two below ``n``. A leaf's data is the event's chain hash (which
covers its canonical form and the hash before it).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime

import attrs

from pipolicy.errors import InvalidInput

__all__ = [
    "Checkpoint",
    "InclusionProof",
    "inclusion_path",
    "leaf_hash",
    "tree_root",
    "verify_inclusion",
]

_HEX64 = re.compile(r"[0-9a-f]{64}")


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _root(leaves: Sequence[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = _split(n)
    return _node(_root(leaves[:k]), _root(leaves[k:]))


def tree_root(leaves: Sequence[bytes]) -> str:
    """The hex root of the tree over already-hashed ``leaves`` (see :func:`leaf_hash`)."""
    return _root(leaves).hex()


def inclusion_path(leaves: Sequence[bytes], index: int) -> tuple[bytes, ...]:
    """The audit path of leaf ``index`` in the tree over ``leaves`` (RFC 6962 2.1.1)."""
    n = len(leaves)
    if not 0 <= index < n:
        raise InvalidInput(f"no leaf {index} in a tree of {n}")
    if n == 1:
        return ()
    k = _split(n)
    if index < k:
        return (*inclusion_path(leaves[:k], index), _root(leaves[k:]))
    return (*inclusion_path(leaves[k:], index - k), _root(leaves[:k]))


@attrs.frozen
class Checkpoint:
    """The audit log's size and Merkle root at a moment, to keep outside the database.

    ``str(cp)`` is one line (``pipolicy-checkpoint size=12 root=<hex> at=<ISO time>``) for
    a ticket, a mail or a printout; :meth:`parse` reads it back.
    """

    size: int
    root: str
    at: datetime

    def __str__(self) -> str:
        return f"pipolicy-checkpoint size={self.size} root={self.root} at={self.at.isoformat()}"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint written by ``str()``; raise :class:`InvalidInput` otherwise."""
        if not isinstance(text, str):
            raise InvalidInput("a checkpoint is read from its one-line text form")
        fields = dict(part.partition("=")[::2] for part in text.split()[1:])
        prefix = text.split()[0] if text.split() else ""
        try:
            size = int(fields["size"])
            root = fields["root"]
            at = datetime.fromisoformat(fields["at"])
        except (KeyError, ValueError):
            size, root, at = -1, "", datetime.min
        if prefix != "pipolicy-checkpoint" or size < 0 or not _HEX64.fullmatch(root):
            raise InvalidInput(
                "not a pipolicy checkpoint: expected "
                "'pipolicy-checkpoint size=<n> root=<64 hex digits> at=<ISO time>'"
            )
        if at.tzinfo is None:
            raise InvalidInput("a checkpoint's time must carry its UTC offset")
        return cls(size, root, at)


@attrs.frozen
class InclusionProof:
    """That the event at ``seq`` (1-based) is leaf ``seq - 1`` of the tree of ``size``.

    ``leaf`` is the event's chain hash (hex), ``path`` the sibling hashes from the leaf up.
    """

    seq: int
    size: int
    leaf: str
    path: tuple[str, ...]


def verify_inclusion(proof: InclusionProof, checkpoint: Checkpoint) -> bool:
    """Does ``proof`` show its event is in the log ``checkpoint`` describes? (RFC 9162
    2.1.3.2). Needs nothing but the two: no access to the log."""
    index, size = proof.seq - 1, proof.size
    if size != checkpoint.size or not 0 <= index < size:
        return False
    try:
        node = leaf_hash(bytes.fromhex(proof.leaf))
        path = [bytes.fromhex(h) for h in proof.path]
    except ValueError:
        return False
    fn, sn = index, size - 1
    for sibling in path:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            node = _node(sibling, node)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            node = _node(node, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and node.hex() == checkpoint.root
