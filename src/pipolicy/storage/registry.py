"""Backends by URL scheme, found through the ``pipolicy.backends`` entry-point group.

A URL's scheme (``memory``, ``sqlite``, ``postgresql+psycopg`` -> ``postgresql``) names
an entry point; its target is a class (or callable) taking the URL. Entry points load
lazily, so ``import pipolicy`` never imports a database driver.

A URL may carry a password: every message that shows one shows it through
:func:`redact_url`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from types import MappingProxyType
from typing import Any

from pipolicy.errors import BackendNotFound, InvalidInput
from pipolicy.storage.repositories import Store

__all__ = ["available_backends", "open_store", "redact_url"]

GROUP = "pipolicy.backends"

# Extras that provide the built-in schemes, for the install hint.
_HINTS = {
    "sqlite": "pip install 'pipolicy[sql]'",
    "postgresql": "pip install 'pipolicy[postgres]'",
}


# ``user:password@`` wherever it is, so a malformed URL ("postgresql//u:pw@db") is
# covered too; greedy up to the last "@", so a password with a raw "@" is hidden whole.
_USERINFO = re.compile(r"(?P<user>[^\s:/@?#]*):(?P<password>\S*)@")
# libpq also takes the password as a query parameter (``?password=...``).
_QUERY_SECRET = re.compile(r"(?i)(?P<key>[?&](?:password|passwd|pwd|sslpassword)=)[^&#\s]*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***``, for messages, reprs and logs.

    Works on strings that are not valid URLs as well, without parsing them: the
    ``user:password@`` part and ``password=`` query parameters are masked.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    shown = scheme + sep + _USERINFO.sub(lambda m: f"{m['user']}:***@", rest)
    return _QUERY_SECRET.sub(lambda m: f"{m['key']}***", shown)


def available_backends() -> Mapping[str, str]:
    """Scheme -> entry point target, read-only."""
    return MappingProxyType({ep.name: ep.value for ep in entry_points(group=GROUP)})


def _scheme(url: str) -> str:
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if not _SCHEME.fullmatch(scheme):
        raise BackendNotFound(
            f"store URL {redact_url(url)!r} has no scheme: use e.g. 'memory://' or "
            "'sqlite:///pi.db'"
        )
    return scheme.split("+", 1)[0].lower()


def open_store(url: str | Any) -> Store:
    """Open the store a URL names, or the SQL store on an application's SQLAlchemy
    ``Engine`` (used as configured, never disposed of by pipolicy).

    Raises :class:`BackendNotFound` (an ``ImportError``) when no backend is registered for
    the scheme or when the backend's optional dependencies are missing, with the
    ``pip install`` command that fixes it.
    """
    if not isinstance(url, str) and type(url).__module__.startswith("sqlalchemy"):
        from pipolicy.backends.sql import SqlStore

        return SqlStore(url)
    if not isinstance(url, str):
        raise InvalidInput("open_store takes a store URL or a SQLAlchemy Engine")
    scheme = _scheme(url)
    matches = [ep for ep in entry_points(group=GROUP) if ep.name == scheme]
    if not matches:
        hint = _HINTS.get(scheme, "install a package that registers it")
        raise BackendNotFound(f"no pipolicy backend for scheme {scheme!r}: {hint}")
    try:
        factory: Callable[[str], Store] = matches[0].load()
    except ImportError as e:
        hint = _HINTS.get(scheme, "install the backend's dependencies")
        raise BackendNotFound(
            f"the {scheme!r} backend needs packages that are not installed ({e.name}): {hint}"
        ) from e
    return factory(url)
