"""What pipolicy publishes for a person to read: the privacy notice, and the reasons of
decisions (:func:`explain`), in each language.

Wording lives in Jinja2 templates shipped in ``pipolicy/templates/<lang>/``; Python only
gathers the facts a template shows (:mod:`pipolicy.publishing.notice`). An application
overrides a template by name by passing a directory holding its own
``<lang>/<name>`` (see :func:`pipolicy.publishing.templates.environment`).
"""

from pipolicy.publishing.dates import format_date
from pipolicy.publishing.explain import explain
from pipolicy.publishing.filings import opt_out_filings
from pipolicy.publishing.notice import render_notice

__all__ = ["explain", "format_date", "opt_out_filings", "render_notice"]
