"""Invitations by e-mail: one mechanism for every kind (team roles here; jury seats and talks elsewhere).

An invitation's link carries a token signed with the app's SECRET_KEY (itsdangerous, a salt of its own);
the row keeps only its SHA-256, so a copy of the database opens nothing. The link expires
(``Invitation.expires_at``), works once (``accepted_at``; the row is locked while it is taken, so two
browsers racing with one link cannot both use it) and can be withdrawn. Accepting creates the account
(the person chooses a password; the link proved the mailbox, so the address is confirmed) or attaches to
the existing account of that address (logged in as it), grants the invitation's roles and lets the area
that sent it attach the person to its target.

Areas say what their invitations are for with ``register_purpose`` (a sentence for the mail and the
page, what to do on acceptance, where to go next).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from festival import audit, localtime
from festival.auth.services import AccountError, create_user, find_user_by_email, normalise_email
from festival.errors import InvalidInput, InvalidTransition, NotAllowed
from festival.extensions import db
from festival.labels import ROLE_LABELS
from festival.models import Invitation, User
from festival.models.enums import Role, ranked
from festival.people import mails
from festival.people.roles import set_roles

SALT = "festival.people.invitation"
VALID_FOR = timedelta(days=14)
LONGEST = timedelta(days=60)  # no invitation lives longer; the signature's own limit


class InvitationUnusable(InvalidTransition):
    """The invitation's link can no longer be used."""

    status = 410
    default = _l("This invitation can no longer be used. Ask the person who invited you for a new one.")


class InvitationNotFound(InvitationUnusable):
    status = 404
    default = _l("This invitation link is not valid. Check that the whole link was opened.")


class InvitationExpired(InvitationUnusable):
    default = _l("This invitation has expired. Ask the person who invited you for a new one.")


class InvitationUsed(InvitationUnusable):
    default = _l("This invitation has already been accepted; a link works once. Log in instead.")


class InvitationWithdrawn(InvitationUnusable):
    default = _l("This invitation was withdrawn.")


@dataclass(frozen=True)
class Purpose:
    """What the invitations of one kind are for, told by the area that sends them.

    ``describe`` says it in the current language ("to join the festival team as curator"), ``accepted``
    attaches the person to the invitation's target (a jury, a talk), ``landing`` is the address to go to
    afterwards."""

    describe: Callable[[Invitation], str]
    accepted: Callable[[Invitation, User], None] | None = None
    landing: Callable[[Invitation, User], str] | None = None


_PURPOSES: dict[str, Purpose] = {}


def register_purpose(name: str, purpose: Purpose) -> None:
    """Make invitations of kind ``name`` possible (each area registers its own, once)."""
    _PURPOSES[name] = purpose


def purpose_of(invitation: Invitation) -> Purpose:
    """The registered purpose of an invitation."""
    return _PURPOSES[invitation.purpose]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _target_ref(target) -> tuple[str | None, int | None]:
    return (None, None) if target is None else (type(target).__tablename__, target.id)


def _pending(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None), Invitation.expires_at > now
    )


def invite(
    *,
    email: str,
    purpose: str,
    actor: User,
    roles: Iterable[Role | str] = (),
    name: str | None = None,
    target=None,
    valid_for: timedelta = VALID_FOR,
) -> Invitation:
    """Invite a person by e-mail: store the invitation (a hash of its token) and mail them the link.

    A pending invitation of the same address, purpose and target is withdrawn (the new link replaces it).
    Raises InvalidInput (the address) and NotAllowed (a role the actor may not give)."""
    return _send(
        email=email,
        purpose=purpose,
        actor=actor,
        roles=roles,
        name=name,
        target_ref=_target_ref(target),
        valid_for=valid_for,
    )


def send_again(invitation: Invitation, *, actor: User) -> Invitation:
    """Send an invitation that is not accepted yet again, with a new link (the old one stops working):
    the same address, name, roles and target. Raises InvitationUsed and NotAllowed (a role above the
    actor's)."""
    if invitation.accepted_at is not None:
        raise InvitationUsed()
    return _send(
        email=invitation.email,
        purpose=invitation.purpose,
        actor=actor,
        roles=invitation.roles,
        name=invitation.name,
        target_ref=(invitation.target_type, invitation.target_id),
        valid_for=VALID_FOR,
    )


def _send(
    *,
    email: str,
    purpose: str,
    actor: User,
    roles: Iterable[Role | str],
    name: str | None,
    target_ref: tuple[str | None, int | None],
    valid_for: timedelta,
) -> Invitation:
    spec = _PURPOSES[purpose]
    try:
        address = normalise_email(email)
    except AccountError as exc:
        raise InvalidInput(errors=exc.errors) from exc
    wanted = ranked(roles)
    above = [r for r in wanted if not actor.can_grant(r)]
    if above:
        raise NotAllowed(errors={"roles": [above_own(r) for r in above]})
    if not timedelta(days=1) <= valid_for <= LONGEST:
        raise InvalidInput(errors={"valid_for": [_l("An invitation lasts between a day and 60 days.")]})
    now = localtime.now()
    target_type, target_id = target_ref
    for old in db.session.scalars(
        sa.select(Invitation).where(
            Invitation.email == address,
            Invitation.purpose == purpose,
            Invitation.target_type.is_not_distinct_from(target_type),
            Invitation.target_id.is_not_distinct_from(target_id),
            _pending(now),
        )
    ):
        old.revoked_at = now
        audit.record(old, actor=actor, action="invitation.replace")
    token = _serializer().dumps(secrets.token_urlsafe(24))
    invitation = Invitation(
        email=address,
        name=(name or "").strip() or None,
        purpose=purpose,
        target_type=target_type,
        target_id=target_id,
        roles=[r.value for r in wanted],
        token_hash=_hash(token),
        expires_at=now + valid_for,
        invited_by_id=actor.id,
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        invitation, actor=actor, action="invitation.send", new={"email": address, "roles": invitation.roles}
    )
    mails.send_invitation(invitation, token, inviter=actor, describe=spec.describe)
    return invitation


def account_of(email: str) -> User | None:
    """The account of an address about to be invited (None when it has none); raises InvalidInput (not
    an address)."""
    try:
        return find_user_by_email(normalise_email(email))
    except AccountError as exc:
        raise InvalidInput(errors=exc.errors) from exc


def above_own(role: Role) -> object:
    """Why a role cannot be given by this person: it ranks above their own."""
    return _l("You cannot give the role “%(role)s”: it is above your own.", role=ROLE_LABELS[role])


def invitation_for(token: str) -> Invitation:
    """The invitation a link's token opens; raises InvitationNotFound, InvitationExpired, InvitationUsed or
    InvitationWithdrawn."""
    try:
        _serializer().loads(token, max_age=int(LONGEST.total_seconds()))
    except SignatureExpired as exc:
        raise InvitationExpired() from exc
    except BadSignature as exc:
        raise InvitationNotFound() from exc
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == _hash(token)))
    if invitation is None:
        raise InvitationNotFound()
    _check_usable(invitation)
    return invitation


def _check_usable(invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise InvitationUsed()
    if invitation.revoked_at is not None:
        raise InvitationWithdrawn()
    if localtime.now() >= invitation.expires_at:
        raise InvitationExpired()


def _claim(token: str) -> Invitation:
    """The token's invitation, locked until the end of the transaction and checked again once locked: of
    two requests racing with one link, the second waits for the first and then finds it used."""
    found = invitation_for(token)
    invitation = db.session.scalars(
        sa.select(Invitation)
        .where(Invitation.id == found.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    _check_usable(invitation)
    return invitation


def _accept(invitation: Invitation, user: User) -> None:
    """Take the (claimed) invitation for ``user``, grant its roles and let its area attach the person to
    the target."""
    invitation.accepted_at = localtime.now()
    invitation.accepted_by_id = user.id
    db.session.flush()
    set_roles(user, user.roles | {Role(r) for r in invitation.roles}, actor=user)
    spec = purpose_of(invitation)
    if spec.accepted is not None:
        spec.accepted(invitation, user)
    audit.record(invitation, actor=user, action="invitation.accept")
    db.session.flush()


def accept_with_new_account(token: str, *, name: str, password: str, locale: str) -> User:
    """Accept an invitation by creating the invited address's account with this password (its address
    counts as confirmed: the link came to it). Raises the InvitationUnusable errors, InvalidTransition
    (the address has an account: log in first) and InvalidInput (name, password)."""
    invitation = _claim(token)
    if find_user_by_email(invitation.email) is not None:
        raise InvalidTransition(
            _l(
                "%(email)s has an account already: log in with it, then open the link again.",
                email=invitation.email,
            )
        )
    try:
        user = create_user(
            email=invitation.email, name=name, password=password, roles=(), locale=locale, confirmed=True
        )
    except AccountError as exc:
        raise InvalidInput(errors=exc.errors) from exc
    _accept(invitation, user)
    return user


def accept_as(token: str, user: User) -> Invitation:
    """Accept an invitation for the logged-in account of the invited address. Raises the
    InvitationUnusable errors and NotAllowed (logged in as another address)."""
    invitation = _claim(token)
    if not may_accept(invitation, user):
        raise NotAllowed(wrong_account_message(invitation, user))
    _accept(invitation, user)
    return invitation


def may_accept(invitation: Invitation, user: User) -> bool:
    """Whether ``user`` is the invited address's account (the only one that may accept it)."""
    try:
        return normalise_email(user.email) == invitation.email
    except AccountError:
        return False


def wrong_account_message(invitation: Invitation, user: User) -> object:
    """Why ``user`` may not accept: the invitation is for another address."""
    return _l(
        "This invitation is for %(email)s, but you are logged in as %(you)s. "
        "Log out, then open the link again.",
        email=invitation.email,
        you=user.email,
    )


def landing(invitation: Invitation, user: User) -> str | None:
    """Where to go after accepting (the purpose's page), or None for the person's home page."""
    spec = purpose_of(invitation)
    return spec.landing(invitation, user) if spec.landing else None


def withdraw(invitation: Invitation, *, actor: User) -> None:
    """Withdraw a pending invitation: its link stops working. Raises NotAllowed (it grants a role above
    the actor's) and InvalidTransition (no longer pending)."""
    if not all(actor.can_grant(r) for r in invitation.roles):
        raise NotAllowed(_l("Only an admin can withdraw an invitation that makes someone an admin."))
    _check_usable(invitation)
    invitation.revoked_at = localtime.now()
    audit.record(invitation, actor=actor, action="invitation.withdraw")
    db.session.flush()


def pending_invitations(purpose: str, target=None) -> list[Invitation]:
    """Invitations of a kind (to ``target``, when given) still waiting for an answer, the newest first."""
    stmt = (
        sa.select(Invitation)
        .where(Invitation.purpose == purpose, _pending(localtime.now()))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    if target is not None:
        target_type, target_id = _target_ref(target)
        stmt = stmt.where(Invitation.target_type == target_type, Invitation.target_id == target_id)
    return list(db.session.scalars(stmt))


def latest(purpose: str, target, email: str) -> Invitation | None:
    """The newest invitation of kind ``purpose`` to ``target`` sent to ``email``, whatever its state."""
    target_type, target_id = _target_ref(target)
    stmt = sa.select(Invitation).where(
        Invitation.purpose == purpose,
        Invitation.target_type == target_type,
        Invitation.target_id == target_id,
        Invitation.email == email.strip().lower(),
    )
    return db.session.scalars(stmt.order_by(Invitation.id.desc()).limit(1)).first()


def is_for(invitation: Invitation, purpose: str, target) -> bool:
    """Whether the invitation is of kind ``purpose`` and to ``target`` (routes check it before acting)."""
    return invitation.purpose == purpose and (invitation.target_type, invitation.target_id) == _target_ref(
        target
    )


def target_id(invitation: Invitation, model) -> int | None:
    """The id of the invitation's target when it is a row of ``model``'s table, else None."""
    return invitation.target_id if invitation.target_type == model.__tablename__ else None
