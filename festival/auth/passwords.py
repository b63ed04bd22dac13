"""Password hashing (Argon2id) and the strength rules for new passwords."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

# OWASP's Password Storage Cheat Sheet, Argon2id: 19 MiB, 2 iterations, 1 lane (one of its equivalent
# minimum configurations). It trades some of the attacker's cost per guess for logins that a deadline rush
# can afford: argon2-cffi's default (RFC 9106's second choice, 64 MiB, t=3, 4 lanes) costs several times the
# CPU and memory per login (the measurements: docs/production.md). Hashes made with other parameters are
# re-made at the next successful login (needs_rehash).
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_LANES = 1
_hasher = PasswordHasher(time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_LANES)

MIN_LENGTH = 10
COMMON_PASSWORDS = frozenset(
    {
        "password", "password1", "password123", "passw0rd", "123456789", "1234567890",
        "12345678910", "qwertyuiop", "iloveyou", "letmein123", "welcome123", "admin12345",
        "abc1234567", "qwerty1234", "1q2w3e4r5t", "football12", "festival2021", "changeme123",
    }
)  # fmt: skip


def hash_password(password: str) -> str:
    """Return an Argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Reasons, in words, why a new password is too weak (empty when it is fine)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > 200:
        problems.append(_("Use at most 200 characters."))
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) < 4:
        problems.append(_("This password is too common or too simple."))
    local_part = email.split("@")[0].lower()
    if (local_part and len(local_part) >= 4 and local_part in lowered) or (
        name and len(name) >= 4 and name.lower() in lowered
    ):
        problems.append(_("Do not use your name or e-mail address in the password."))
    if password.isdigit():
        problems.append(_("Mix letters with the numbers."))
    return problems
