"""The screen for personal data in the application's free text (R-SEC-3, Arts. 23, 35).

A few fields take the application's own words, and pipolicy writes them verbatim into
the audit log (an evidence reference, a revocation's reason, a complaint's topic...).
The log is an append-only hash chain: what goes in stays, and a deletion the person
asks for (Art. 35) cannot take it out without breaking verification. So such text must
hold the business's own words or a reference to where the application keeps the thing
(a ticket id, a form's version), never personal data.

pipolicy cannot tell a name from any other word, but it can refuse what is plainly a
value that reaches a person: an e-mail address, a telephone number, an Individual
Number (with its check digit, in its printed groups or after a label), a payment card
number (an issuer's prefix and length, with its Luhn digit) and a postal code marked 〒,
alone or beside other numbers. Full-width forms count (the text is read after NFKC). A refusal names the field and what
the text looks like, never the text itself; docs/reliability.md lists what is caught
and what is not.

Only new input is screened, where the application passes it: events already in the log
are read and verified as they were written.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator

from pipolicy.domain.checks import MAX_TEXT, clean_text
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
# repeated, so matching stays linear however long the text. A run is read whole and in
# its parts (see _readings).
_NUMBER = re.compile(r"\+?\(?\d[\d() ./-]*")
# The groups of a run, as spaces and slashes part them ("090 1234 5678 2", "a/b").
_GROUP = re.compile(r"[^ /]+")
_FOUR = re.compile(r"\d{4}")
_ENDS_IN_FOUR = re.compile(r"(?<!\d)\d{4}$")
_DATE = re.compile(r"(?<![\d/])(?:\d{4}/\d{1,2}/\d{1,2}|\d{1,2}/\d{1,2}(?:/\d{4})?)(?![\d/])")
_NOT_DIGIT = re.compile(r"\D")
# Most groups one number is written in: "+81 (0) 90 1234 5678", a card's 4-4-4-4-3;
# and the fewest and most digits of any (a "+" number's 8, a card's 19; without "+",
# a Japanese telephone number's 10).
_MOST_GROUPS = 5
_FEWEST_DIGITS = 8
_FEWEST_NATIONAL = 10
_MOST_DIGITS = 19
# Characters of an ASCII id: a number glued (directly, or by one of these) to a token
# holding a digit is part of that id ("a1b2-0312345678", a UUID) and not screened. A
# label of letters ("TEL03-1234-5678", "Tel.03-...") hides nothing, nor Japanese text,
# nor a slash: it parts a list or a path ("0120-123-456/090-1234-5678").
_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.+-")
_JOINED_AFTER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_MOBILE = re.compile(r"0[5789]0\d{8}")
"""An 11-digit number written without separators that is a telephone number: a mobile
or IP telephone's (050, 070, 080, 090)."""
# Dotted or slashed in its groups (03.1234.5678, 03/1234/5678). Only 03, 04 and 06 are
# two-digit area codes, so "07/2026/0001" (month, year, serial) is none.
_DOTTED = re.compile(r"(?:0[346]|0\d{2,4})([./])\d{1,4}\1\d{4}")
_PHONE_GROUPS = re.compile(
    r"(?:\+?81[ -]?(?:\(0\) ?)?[1-9]\d{0,3}|\(?(?:0[346]|0[1-9]\d{1,3})\)?)[ -]?\d{1,4}[ -]\d{4}"
)
"""A telephone number's groups, as read among other numbers: its area code (0 and 2-5
digits; of two, only 03, 04 and 06) or Japan's code 81, then its local groups, four
digits last ("090 1234 5678", "(03) 1234 5678", "+81 90 1234 5678")."""
_BUSINESS_LINES = ("0120", "0800", "0570")
"""Toll-free (0120, 0800) and navigation dial (0570) numbers: a business's lines, not a
person's, and the business's own contact is what such text may well cite."""
# How long a label may stand before the number it names ("TEL: ", "my number: ").
_LABEL_REACH = 16
_PHONE_LABELS = (
    "tel",
    "phone",
    "fax",
    "電話",
    "携帯",
    "連絡先",
    "自宅",
    "勤務先",
    "☎",
)  # NFKC: ℡ is "TEL"
# "マイナンバ": its long vowel mark is read as a dash, as in numbers.
_MY_NUMBER_LABELS = ("個人番号", "マイナンバ", "my number", "mynumber", "individual number")
# How the two numbers are written: whole, or in their printed groups (a ticket such as
# "20260401-0001" is neither, whatever its check digit says).
_MY_NUMBER = re.compile(r"\d{12}|\d{4}([ -])\d{4}\1\d{4}")
_CARD = re.compile(r"\d{14,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{2,7}|\d{4}([ -])\d{6}\2\d{4,5}")
_ISSUERS = (
    (re.compile(r"4"), (16, 19)),  # Visa
    (re.compile(r"5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720"), (16,)),  # Mastercard
    (re.compile(r"3[47]"), (15,)),  # American Express
    (re.compile(r"35(?:2[89]|[3-8]\d)"), (16, 17, 18, 19)),  # JCB
    (re.compile(r"3(?:0[0-5]|[689])"), (14, 16)),  # Diners Club
    (re.compile(r"6(?:011|4[4-9]|5|2)"), (16, 17, 18, 19)),  # Discover, UnionPay
)
"""Card issuers' number prefixes (IIN) and lengths: a number of card length passing the
Luhn check is a card's only with one of these (order numbers, JAN codes and 13-digit
corporate numbers pass the Luhn check one time in ten)."""
_CARD_FIRST = "23456"  # how the prefixes above begin


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
        raw = m.group().rstrip(" -(./")
        for offset, written, part, in_longer in _readings(raw):
            start = m.start() + offset
            end = start + len(written)
            before = plain[max(0, start - _LABEL_REACH) : start].lower()
            if in_longer and not any(label in before for label in _MY_NUMBER_LABELS):
                continue
            if _in_an_id(plain, start):
                continue
            if _joined_after(plain, end):
                continue
            found = _number_kind(written, before, part=part)
            if found is not None:
                return found
    return None


def _joined_after(text: str, end: int) -> bool:
    """Does the number ending at ``end`` go on into an id ("090-1234-5678ab", "...-9",
    "...-A1")? Across a hyphen or an underscore only when what follows holds a digit, as
    an id's next part does: one ending the text, or followed by a word ("...-home",
    "...-内線12", "..._"), ends the number."""
    if end >= len(text) or text[end] not in _JOINED_AFTER:
        return False
    if text[end] not in "-_":
        return True
    following = end + 1
    while following < len(text) and text[following] in _JOINED_AFTER:
        if text[following].isdigit():
            return True
        following += 1
    return False


def _readings(raw: str) -> Iterator[tuple[int, str, bool, bool]]:
    """Where in the run ``raw`` a number may stand (its offset, how it is written): the
    whole run, then each stretch of up to five of its groups. A space parts groups of
    one number and numbers alike ("電話 090 1234 5678 2回目"), so the number is found
    in the stretch, not the run; a slash parts a list ("0120-123-456/090-...").

    The third value marks a stretch of several groups within the run: read as a
    telephone number only in a telephone number's groups (:func:`_phone_groups`), not
    as any numbers side by side. The fourth marks three 4-digit groups within a longer
    run of them (a gift code "1234 5678 9018 0000"): read as an Individual Number only
    after a label. A stretch of several groups never starts or ends inside a slashed
    date ("2026/04/06 1234 5678" holds no "06 1234 5678"), and one that could be no
    number below is not read at all: a long run is read in linear time."""
    yield 0, raw, False, False
    groups = [(g.start(), g.end()) for g in _GROUP.finditer(raw)]
    # A group as the run itself is read: without what trails it ("03-1234-5678./2").
    texts = [raw[s:e].rstrip("-(.") for s, e in groups]
    # Is each group joined to the one before by spaces only (one code's groups), not by
    # a slash, which parts a list ("1234 5678 9018 / 1234 5678")?
    spaced = [k > 0 and "/" not in raw[groups[k - 1][1] : groups[k][0]] for k in range(len(groups))]
    four = [_FOUR.fullmatch(t) is not None for t in texts]
    ends_in_four = [_ENDS_IN_FOUR.search(t) is not None for t in texts]
    digits = [len(_NOT_DIGIT.sub("", t)) for t in texts]
    dated = _in_a_date(raw, groups)
    last = len(groups) - 1
    for i, (start, _) in enumerate(groups):
        first = raw[start]
        fewest = _FEWEST_DIGITS if first == "+" else _FEWEST_NATIONAL
        n = 0
        for j in range(i, min(i + _MOST_GROUPS, last + 1)):
            n += digits[j]
            if n > _MOST_DIGITS:
                break
            if n < fewest or (i == 0 and j == last):
                continue  # too short for any number below; or the whole run, read first
            if j == i:
                yield start, texts[i], False, False
                continue
            if dated[i] or (j < last and dated[j + 1]):
                continue
            three_fours = n == 12 and j - i == 2 and all(four[i : j + 1])
            if not (
                (first == "+" and n <= 15)  # a number abroad
                or (first in "0(8" and n <= 13 and ends_in_four[j])  # a telephone's groups
                or three_fours  # an Individual Number's
                or (first in _CARD_FIRST and n >= 14)  # a card's
            ):
                continue
            in_longer = three_fours and (
                (i > 0 and four[i - 1] and spaced[i])
                or (j < last and four[j + 1] and spaced[j + 1])
            )
            yield start, raw[start : groups[j][1]].rstrip("-(."), True, in_longer


def _in_a_date(raw: str, groups: list[tuple[int, int]]) -> list[bool]:
    """For each group of ``raw``, is it bound to the one before by a slashed date?"""
    bound = [False] * len(groups)
    k = 0
    for date in _DATE.finditer(raw) if "/" in raw else ():
        while k < len(groups) and groups[k][0] <= date.start():
            k += 1
        while k < len(groups) and groups[k][0] < date.end():
            bound[k] = True
            k += 1
    return bound


def _in_an_id(text: str, start: int) -> bool:
    """Is the number at ``start`` glued to an ASCII token holding a digit (an id)? Looks
    back 64 characters at most, so a long text is still read in linear time."""
    i = start
    while i > start - 64 and i and text[i - 1] in _ID_CHARS:
        i -= 1
        if text[i].isdigit():
            return True
    return False


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
    given with it looked like personal data (or could not be stored as given) and was
    withheld: the log holds a marker in its place. The message names the field and what the text looked like, never the
    text. Turning it into an error (``warnings.filterwarnings("error", ...)``) raises
    after the no is recorded."""


_UNKEPT = (f"more than {MAX_TEXT:,} characters", "a character that cannot be stored")
"""Why a text no store can keep as given is withheld (see :func:`withheld`)."""


def withheld(value: str) -> tuple[str, str | None]:
    """``value`` and None; or, where it plainly holds personal data, a fixed marker in
    its place and what it looked like. For the text of a no (R-CON-2): a no is recorded
    whatever came with it, so its text is withheld where a yes's would be refused. So is
    text no store can keep as given (longer than :data:`~pipolicy.domain.checks.MAX_TEXT`,
    with a NUL or a lone surrogate), which a yes's would be refused for too."""
    unkept = _unkept(value)
    if unkept is not None:
        return f"[withheld: {unkept}]", unkept
    found = personal_data_in(value)
    if found is None:
        return value, None
    return f"[withheld: looked like {found}]", found


def _unkept(value: str) -> str | None:
    """Why ``value`` cannot be stored as given (as :func:`~pipolicy.domain.checks.clean_text`
    refuses it), or None. The length first: a longer text is not read at all."""
    if len(value) > MAX_TEXT:
        return _UNKEPT[0]
    try:
        clean_text(value, "text")
    except InvalidInput:
        return _UNKEPT[1]
    return None


def warn_withheld(fields: Iterable[tuple[str, str]], recorded: str) -> None:
    """Tell the caller, after ``recorded`` ("the withdrawal") is written, which fields'
    text was withheld (each a field and what it looked like), as a
    :class:`PersonalDataWithheld` warning pointing at the caller's call."""
    for what, found in fields:
        held = f"held {found}" if found in _UNKEPT else f"looked like it held {found}"
        warnings.warn(
            PersonalDataWithheld(
                f"{what} {held} (not repeated here): {recorded} is "
                "recorded with that text withheld, a marker in its place in the audit log; "
                "give the business's own words or a reference (a ticket id)"
            ),
            stacklevel=3,
        )


def _number_kind(written: str, before: str, *, part: bool = False) -> str | None:
    """What the number ``written`` is, read with the ``before`` text (lower case) where a
    label would stand; ``part`` for several groups of a longer run (see :func:`_readings`)."""
    digits = _NOT_DIGIT.sub("", written)
    n = len(digits)
    if _telephone(written, digits, before) and (
        not part or written[0] == "+" or _phone_groups(written, digits)
    ):
        return "a telephone number"
    grouped = any(c in written for c in " -")
    if (
        n == 12
        and (grouped or any(label in before for label in _MY_NUMBER_LABELS))
        and _MY_NUMBER.fullmatch(written)
        and _my_number_check(digits)
    ):
        return "an Individual Number"
    if 14 <= n <= 19 and _CARD.fullmatch(written) and _issued(digits) and _luhn(digits):
        return "a payment card number"
    return None


def _telephone(written: str, digits: str, before: str) -> bool:
    """A Japanese number (0 then 1-9, 10 or 11 digits), or one with a country code:
    ``+`` then 8-15 digits, or 81 then a separator (``81-90-1234-5678``). Written with
    separators, or dotted or slashed in its groups; without separators, a mobile's 11
    digits, or 10 digits after a label such as ``TEL``. Not the business lines (0120,
    0800, 0570)."""
    n = len(digits)
    national = digits
    abroad = digits.startswith("81") and (written.startswith("+") or written[2:3] in (" ", "-"))
    if abroad:  # Japan's code: the number as written at home ("+81 (0)90..." too)
        national = digits[2:] if digits[2:3] == "0" else "0" + digits[2:]
    elif written.startswith("+"):
        return 8 <= n <= 15
    if national.startswith(_BUSINESS_LINES) or len(national) not in (10, 11):
        return False
    if national[0] != "0" or national[1] == "0":
        return False
    if abroad:  # after a country code: its own form
        return True
    if "." in written or "/" in written:
        return _DOTTED.fullmatch(written) is not None
    if any(c in written for c in " -()"):
        return True
    if n == 11:
        return _MOBILE.fullmatch(digits) is not None
    return any(label in before for label in _PHONE_LABELS)


def _phone_groups(written: str, digits: str) -> bool:
    """Are several groups read among other numbers a telephone number's groups? Its
    shape (:data:`_PHONE_GROUPS`), and 11 digits only for the numbers that have them
    (050, 070, 080, 090): a landline has 10."""
    if _PHONE_GROUPS.fullmatch(written) is None and _DOTTED.fullmatch(written) is None:
        return False
    national = digits if digits[0] == "0" else "0" + digits[2:].removeprefix("0")
    return len(national) == 10 or _MOBILE.fullmatch(national) is not None


def _issued(digits: str) -> bool:
    """Does ``digits`` start as a card issuer's numbers do, with one of its lengths?"""
    return any(p.match(digits) and len(digits) in lengths for p, lengths in _ISSUERS)


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
