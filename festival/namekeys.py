"""Matching keys for names of organisations, people and countries, so that spelling cannot dodge a
declared conflict of interest: "GIANT  FRAME Pictures, Ltd." and "Giant Frame Pictures" share a key.

A key is computed in Python, the same on every database, and stored beside the name (``Entry`` and
``Conflict`` keep theirs up to date). Steps: Unicode NFKC (full-width letters, ligatures), case folding
(ß = ss, É = é), every character that is not a letter, digit or combining mark dropped (punctuation,
symbols, spaces, zero-width and direction marks), and common legal suffixes of companies removed (Ltd,
Limited, Inc, GmbH, LLC, Co., S.A., 有限公司, 股份有限公司, ...). Words are joined without spaces, so
"Giant-Frame" and "GiantFrame" match too.

A field may name several (co-producers, directors): ``key_list`` keeps the key of the whole field and of
each part between separators ("Orbit Media / Giant Frame"), as ``|key|key|``, so that one SQL LIKE
finds a key in it (keys hold only letters, digits and marks: never ``%``, ``_`` or ``|``).
"""

from __future__ import annotations

import re
import unicodedata

# Trailing words (after punctuation is dropped: "S.A." is "s a", "Co., Ltd." is "co ltd").
LEGAL_SUFFIXES = frozenset(
    {
        "ltd", "limited", "inc", "incorporated", "corp", "corporation", "co", "company", "llc", "llp", "lp",
        "plc", "gmbh", "mbh", "ag", "kg", "ug", "ohg", "sa", "sas", "sarl", "srl", "spa", "sl", "bv", "nv",
        "ab", "oy", "as", "aps", "pty", "pte", "kk", "cie",
    }
)  # fmt: skip
# Dotted forms whose letters are single words once the dots are gone (s.a., b.v., s.r.l.).
_LETTER_FORMS = {
    ("s", "a"), ("s", "a", "s"), ("s", "r", "l"), ("s", "p", "a"), ("b", "v"), ("n", "v"), ("s", "l"),
    ("a", "g"), ("k", "k"), ("l", "l", "c"), ("p", "l", "c"), ("e", "k"),
}  # fmt: skip
# Written without spaces, so stripped from the end of the joined key (longest first).
CJK_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限責任公司", "集团有限公司", "集團有限公司", "有限公司", "株式会社",
    "有限会社", "合同会社", "公司",
)  # fmt: skip
CJK_PREFIXES = ("株式会社", "有限会社", "合同会社")
SEPARATORS = re.compile(r"[,;/&+|\n、，；／＆＋]")


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(ch if unicodedata.category(ch)[0] in "LNM" else " " for ch in folded)
    return kept.split()


def _strip_suffixes(words: list[str]) -> list[str]:
    words = list(words)
    while len(words) > 1:
        for size in (3, 2):
            if len(words) > size and tuple(words[-size:]) in _LETTER_FORMS:
                del words[-size:]
                break
        else:
            if words[-1] in LEGAL_SUFFIXES:
                words.pop()
                continue
            break
    return words


def _strip_cjk(key: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in CJK_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key, changed = key[: -len(suffix)], True
                break
        for prefix in CJK_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key, changed = key[len(prefix) :], True
                break
    return key


def name_key(text: str | None) -> str:
    """The matching key of one name ("" when it has no letter or digit)."""
    words = _words(text or "")
    if not words:
        return ""
    return _strip_cjk("".join(_strip_suffixes(words)))


def _only_suffixes(text: str) -> bool:
    """True for a part such as "Ltd." or "Co. KG" (what follows the comma in "Giant Frame, Ltd.")."""
    words = _words(text)
    return all(w in LEGAL_SUFFIXES or len(w) == 1 for w in words)


def key_list(text: str | None) -> str | None:
    """``|key|key|`` for a field and each of its parts between separators, or None when empty."""
    if not text:
        return None
    parts = [part for part in SEPARATORS.split(text) if not _only_suffixes(part)]
    keys = [name_key(text), *(name_key(part) for part in parts)]
    unique = list(dict.fromkeys(k for k in keys if k))
    return "|" + "|".join(unique) + "|" if unique else None


def key_lists(*texts: str | None) -> str | None:
    """``key_list`` over several fields at once (a company and a rights holder)."""
    keys = [k for text in texts for k in (key_list(text) or "").strip("|").split("|") if k]
    unique = list(dict.fromkeys(keys))
    return "|" + "|".join(unique) + "|" if unique else None
