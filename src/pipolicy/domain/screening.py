"""The screen for personal data in the application's free text (R-SEC-3, Arts. 23, 35).

A few fields take the application's own words, and pipolicy writes them verbatim into
the audit log (an evidence reference, a revocation's reason, a complaint's topic...).
The log is an append-only hash chain: what goes in stays, and a deletion the person
asks for (Art. 35) cannot take it out without breaking verification. So such text must
hold the business's own words or a reference to where the application keeps the thing
(a ticket id, a form's version), never personal data.

pipolicy cannot tell a name from any other word, but it can refuse what is plainly a
value that reaches a person: an e-mail address, a telephone number, an Individual
Number (with its check digit), a payment card number (with its Luhn digit) and a postal
code marked 〒. Full-width forms count (the text is read after NFKC). A refusal names
the field and what the text looks like, never the text itself.

Only new input is screened, where the application passes it: events already in the log
are read and verified as they were written.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable

from pipolicy.errors import InvalidInput

__all__ = ["PersonalDataWithheld", "personal_data_in", "screened", "warn_withheld", "withheld"]

# Cheap first look: without a digit or an at sign nothing below can match.
_MAYBE = re.compile(r"[0-9@\uff10-\uff19\uff20]")
# Dashes people write in numbers, read as "-" (NFKC keeps these apart).
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc", "-"))
# A domain's last label has letters: "form@2026.04" is not an address.
# Parts bounded (as RFC 5321 bounds them), so a long text is searched in linear time.
_EMAIL = re.compile(r"[\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})*\.[^\W\d_]{2,63}")
_POSTAL = re.compile(r"〒\s*\d{3}-?\d{4}")
# A run of digits with the separators numbers are written with: one character class
# repeated, so matching stays linear however long the text.
_NUMBER = re.compile(r"\+?\(?\d[\d() -]*")
# ASCII only: Japanese text may touch a number ("電話090-1234-5678です"); a letter, a
# digit or a joiner may not (an id such as "a1b2-0312345678" is one token).
_JOINED_BEFORE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.+-")
_MOBILE = re.compile(r"0[5789]0\d{8}")
"""An 11-digit number written without separators that is a telephone number: a mobile
or IP telephone's (050, 070, 080, 090); any 10 digits from 0 (then 1-9) are one too."""
# How the two numbers are written: whole, or in their printed groups (a ticket such as
# "20260401-0001" is neither, whatever its check digit says).
_MY_NUMBER = re.compile(r"\d{12}|\d{4}([ -])\d{4}\1\d{4}")
_CARD = re.compile(r"\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{4,5}")
_JOINED_AFTER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def personal_data_in(text: str) -> str | None:
    """What ``text`` holds that is plainly personal data ("an e-mail address"...), or None."""
    if not _MAYBE.search(text):
        return None
    plain = text if text.isascii() else unicodedata.normalize("NFKC", text).translate(_DASHES)
    if "@" in plain and _EMAIL.search(plain):
        return "an e-mail address"
    if _POSTAL.search(plain):
        return "a postal code"
    for m in _NUMBER.finditer(plain):
        raw = m.group().rstrip(" -(")
        start, end = m.start(), m.start() + len(raw)
        if start and plain[start - 1] in _JOINED_BEFORE:
            continue
        if end < len(plain) and plain[end] in _JOINED_AFTER:
            continue
        for candidate in (raw, *raw.split()):
            found = _number_kind(candidate)
            if found is not None:
                return found
    return None


def screened(value: str, what: str) -> str:
    """``value``, unless it holds plainly personal data (see the module's note): then
    :class:`InvalidInput` naming ``what`` and what it looks like, never the value."""
    found = personal_data_in(value)
    if found is not None:
        raise InvalidInput(
            f"{what} looks like it holds {found} (not repeated here): pipolicy keeps it in "
            "the append-only audit log, which a deletion cannot erase; give the business's "
            "own words or a reference to where the application keeps it (a ticket id), "
            "never personal data"
        )
    return value


class PersonalDataWithheld(UserWarning):
    """A person's no (a withdrawal, a refusal) or a revocation was recorded, but a text
    given with it looked like personal data and was withheld: the log holds a marker in
    its place. The message names the field and what the text looked like, never the
    text. Turning it into an error (``warnings.filterwarnings("error", ...)``) raises
    after the no is recorded."""


def withheld(value: str) -> tuple[str, str | None]:
    """``value`` and None; or, where it plainly holds personal data, a fixed marker in
    its place and what it looked like. For the text of a no (R-CON-2): a no is recorded
    whatever came with it, so its text is withheld where a yes's would be refused."""
    found = personal_data_in(value)
    if found is None:
        return value, None
    return f"[withheld: looked like {found}]", found


def warn_withheld(fields: Iterable[tuple[str, str]], recorded: str) -> None:
    """Tell the caller, after ``recorded`` ("the withdrawal") is written, which fields'
    text was withheld (each a field and what it looked like), as a
    :class:`PersonalDataWithheld` warning pointing at the caller's call."""
    for what, found in fields:
        warnings.warn(
            PersonalDataWithheld(
                f"{what} looked like it held {found} (not repeated here): {recorded} is "
                "recorded with that text withheld, a marker in its place in the audit log; "
                "give the business's own words or a reference (a ticket id)"
            ),
            stacklevel=3,
        )


def _number_kind(written: str) -> str | None:
    digits = "".join(c for c in written if c.isdigit())
    n = len(digits)
    separated = any(c in written for c in " -()")
    if written.startswith("+") and 8 <= n <= 15:
        return "a telephone number"
    if (
        n in (10, 11)
        and digits[0] == "0"
        and digits[1] != "0"
        and (separated or n == 10 or _MOBILE.fullmatch(digits))
    ):
        return "a telephone number"
    if n == 12 and _MY_NUMBER.fullmatch(written) and _my_number_check(digits):
        return "an Individual Number"
    if 13 <= n <= 19 and digits[0] != "0" and _CARD.fullmatch(written) and _luhn(digits):
        return "a payment card number"
    return None


def _my_number_check(digits: str) -> bool:
    """The Individual Number's check digit (Ordinance on the Individual Number, Art. 5)."""
    body = [int(c) for c in reversed(digits[:11])]  # P1 is the digit left of the check
    total = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(body, start=1))
    remainder = total % 11
    return int(digits[11]) == (0 if remainder <= 1 else 11 - remainder)


def _luhn(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0
