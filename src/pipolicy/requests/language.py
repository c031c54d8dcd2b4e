"""The language the request workflow writes in.

Statements and reports are written in English for now, and quote the policy's texts in
English where the policy has them, so no sentence mixes languages. Japanese statements
and letters are to come from templates, as the privacy notice already does
(:mod:`pipolicy.publishing`).
"""

LANG = "en"
