"""The Simplified Chinese catalogue covers every string in the code and templates.

The strings are extracted from the source exactly as `scripts/i18n` does (babel.cfg, same keywords), so a
string added without a translation fails here: run `scripts/i18n` and translate the empty entries.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "festival" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
# scripts/i18n: pybabel's default keywords (_, gettext, ngettext, ...) plus -k _l -k lazy_gettext
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
# %(name)s, %(n)d, %s, %% ...
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxX%]")


@cache
def extracted() -> dict:
    """msgid (a string, or a (singular, plural) tuple) -> where it occurs."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj)
    # Only walk the top-level folders babel.cfg maps (festival/, templates/): same strings, less walking.
    tops = {pattern.split("/")[0] for pattern, _method in method_map}

    def wanted(dirpath: str) -> bool:
        # lexically, not resolved: .venv may be a link out of the tree (a git worktree shares one)
        parts = Path(dirpath).relative_to(ROOT).parts
        return not parts or (parts[0] in tops and not any(p.startswith((".", "_")) for p in parts))

    found: dict = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=wanted
    ):
        msgid = message if isinstance(message, str) else tuple(message[:2])
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


@cache
def catalogue():
    with open(CATALOGUE, "rb") as fileobj:
        return read_po(fileobj, locale="zh")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_extraction_finds_the_strings():
    assert "Log in" in extracted()
    assert len(extracted()) > 100


def test_catalogue_has_one_plural_form():
    assert catalogue().num_plurals == 1


def test_every_string_has_a_chinese_translation():
    missing = []
    for msgid, where in extracted().items():
        message = catalogue().get(msgid)
        strings = () if message is None else message.string
        strings = (strings,) if isinstance(strings, str) else strings
        if message is None or message.fuzzy or not strings or not all(s.strip() for s in strings):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "untranslated (run scripts/i18n, then translate):\n" + "\n".join(missing)


def test_placeholders_are_kept():
    wrong = []
    for msgid, where in extracted().items():
        message = catalogue().get(msgid)
        if message is None or not message.string:
            continue
        expected = placeholders(msgid) if isinstance(msgid, str) else placeholders(" ".join(msgid))
        strings = (message.string,) if isinstance(message.string, str) else message.string
        for text in strings:
            got = placeholders(text)
            stray = "%" in PLACEHOLDER.sub("", text)
            if got != expected or stray:
                wrong.append(f"{where}: {msgid!r} -> {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_catalogue_passes_babels_checks():
    problems = [
        f"{message.id!r}: {'; '.join(str(e) for e in errors)}" for message, errors in catalogue().check()
    ]
    assert not problems, "\n".join(problems)
