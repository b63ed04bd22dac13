"""Venue managers: inviting them for chosen venues, and their scope (the venues they look after).

Staff invite a person through the generic invitations (purpose ``venue_manager``; the target is the first
venue and ``invitation_venue`` holds every venue it gives). Accepting grants the venue manager role (their
other sessions end: ``people.roles.set_roles``) and a ``venue_manager_venue`` row per venue. Staff see and
remove a manager's venues; removing the last one takes the role away too (their sessions end).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from festival import audit
from festival.errors import InvalidInput, NotAllowed
from festival.extensions import db
from festival.models import Invitation, User, Venue
from festival.models.enums import Role
from festival.models.venue import InvitationVenue, VenueManagerVenue
from festival.navigation import localized
from festival.people import invitations
from festival.people.roles import set_roles

VENUE_MANAGER = "venue_manager"


def invitation_venues(invitation: Invitation) -> list[Venue]:
    """The venues a venue manager's invitation gives, by code."""
    stmt = (
        sa.select(Venue)
        .join(InvitationVenue, InvitationVenue.venue_id == Venue.id)
        .where(InvitationVenue.invitation_id == invitation.id)
        .order_by(Venue.code)
    )
    return list(db.session.scalars(stmt))


def _describe(invitation: Invitation) -> str:
    names = ", ".join(localized(v, "name") for v in invitation_venues(invitation))
    return _("to look after %(venues)s as venue manager", venues=names)


def _accepted(invitation: Invitation, user: User) -> None:
    grant_scope(user, invitation_venues(invitation), actor=user)


def _landing(invitation: Invitation, user: User) -> str:
    return url_for("venues.index")


def _give_venues(invitation: Invitation, venues: Iterable[Venue]) -> None:
    db.session.add_all(InvitationVenue(invitation_id=invitation.id, venue_id=v.id) for v in venues)
    db.session.flush()


def _resent(old: Invitation, new: Invitation) -> None:
    _give_venues(new, invitation_venues(old))


invitations.register_purpose(
    VENUE_MANAGER,
    invitations.Purpose(describe=_describe, accepted=_accepted, landing=_landing, resent=_resent),
)


def invite_manager(*, email: str, name: str | None, venues: Iterable[Venue], actor: User) -> Invitation:
    """Invite a person to manage ``venues`` (of one edition). Raises InvalidInput (no venue, venues of
    several editions, the address) and NotAllowed (the actor is not staff)."""
    chosen = list({v.id: v for v in venues}.values())
    if not actor.has_role(Role.STAFF):
        raise NotAllowed()
    if not chosen:
        raise InvalidInput(errors={"venues": [_l("Choose at least one venue.")]})
    if len({v.edition_id for v in chosen}) > 1:
        raise InvalidInput(errors={"venues": [_l("Choose venues of one edition.")]})

    return invitations.invite(
        email=email,
        purpose=VENUE_MANAGER,
        roles=[Role.VENUE_MANAGER],
        name=name,
        target=chosen[0],
        actor=actor,
        attach=lambda invitation: _give_venues(invitation, chosen),
    )


def grant_scope(user: User, venues: Iterable[Venue], *, actor: User | None) -> list[Venue]:
    """Add ``venues`` to the user's scope (those not in it yet); returns the venues added."""
    have = set(
        db.session.scalars(sa.select(VenueManagerVenue.venue_id).where(VenueManagerVenue.user_id == user.id))
    )
    added = [v for v in venues if v.id not in have]
    for venue in added:
        db.session.add(VenueManagerVenue(user_id=user.id, venue_id=venue.id))
        audit.record(venue, actor=actor, action="venue.manager_add", field="manager", new=user.email)
    db.session.flush()
    return added


def remove_from_scope(user: User, venue: Venue, *, actor: User) -> bool:
    """Take ``venue`` out of the user's scope; when it was their last venue, the venue manager role goes
    too (their sessions end). Returns whether the role went. Raises NotAllowed (the actor is not staff)
    and InvalidInput (the venue is not in the user's scope)."""
    if not actor.has_role(Role.STAFF):
        raise NotAllowed()
    row = db.session.get(VenueManagerVenue, (user.id, venue.id))
    if row is None:
        raise InvalidInput(_l("%(name)s does not manage this venue.", name=user.name))
    db.session.delete(row)
    audit.record(venue, actor=actor, action="venue.manager_remove", field="manager", old=user.email)
    db.session.flush()
    remaining = db.session.scalar(
        sa.select(sa.func.count()).select_from(VenueManagerVenue).where(VenueManagerVenue.user_id == user.id)
    )
    if remaining == 0 and Role.VENUE_MANAGER in user.roles:
        return set_roles(user, user.roles - {Role.VENUE_MANAGER}, actor=actor)
    return False


def pending_manager_invitations(venues: Iterable[Venue]) -> dict[int, list[Invitation]]:
    """The pending venue manager invitations by venue id (of ``venues``)."""
    by_venue: dict[int, list[Invitation]] = {}
    wanted = {v.id for v in venues}
    for invitation in invitations.pending_invitations(VENUE_MANAGER):
        for venue in invitation_venues(invitation):
            if venue.id in wanted:
                by_venue.setdefault(venue.id, []).append(invitation)
    return by_venue
