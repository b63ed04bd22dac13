"""The jury's awards ("excellent works selection"): staff define an edition's award categories
(bilingual), its jury and the nominations among the accepted films; each juror casts one secret ballot
per category; once a category has its quorum of ballots staff approve the winner (one of the nominees
with the most votes), then publish it on the awards page and the film's page.

The secret ballot: a ballot row records only that a juror voted in a category (one each: its primary
key); the choice adds one to the chosen nomination's tally in the same transaction, so no row links a
juror to a film. Conflicts of interest are curation's: a juror declares them like a curator
(festival.review.services.declare_conflict), and one conflicted with a nominee of a category
(festival.review.queries.conflicted, the same predicate) does not vote in it and does not count for its
quorum. Every write flushes, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from festival import audit
from festival.audience.services import selected_film
from festival.errors import InvalidInput, InvalidTransition, NotAllowed
from festival.extensions import db
from festival.models import (
    AwardCategory,
    Edition,
    Entry,
    Invitation,
    JuryBallot,
    JuryMember,
    Nomination,
    User,
)
from festival.models.enums import Role
from festival.models.types import utcnow
from festival.navigation import localized
from festival.people import invitations
from festival.review.queries import conflicted

JURY = "jury"  # the invitations' purpose (festival.people.invitations)


class NotOnJury(NotAllowed):
    default = _l("You are not on this edition's jury.")


class BallotCast(InvalidTransition):
    default = _l("You have cast your ballot in this category already.")


def _category(edition: Edition, category_id: int) -> AwardCategory:
    category = db.session.get(AwardCategory, category_id)
    if category is None or category.edition_id != edition.id:
        raise InvalidInput(_l("This award is not one of the edition's."))
    return category


def categories(edition: Edition) -> list[AwardCategory]:
    stmt = sa.select(AwardCategory).where(AwardCategory.edition_id == edition.id)
    return list(db.session.scalars(stmt.order_by(AwardCategory.position, AwardCategory.id)))


def save_category(
    edition: Edition, *, actor: User, category: AwardCategory | None = None, **values
) -> AwardCategory:
    """Create or change an award category (name in English required; Chinese and descriptions optional)."""
    name = (values.get("name") or "").strip()
    if not name:
        raise InvalidInput(errors={"name": [_l("Give the award a name.")]})
    if values.get("quorum", 0) < 0:
        raise InvalidInput(errors={"quorum": [_l("The quorum cannot be negative.")]})
    if category is None:
        category = AwardCategory(edition_id=edition.id, position=len(categories(edition)))
        db.session.add(category)
    elif category.published_at is not None:
        raise InvalidTransition(_l("This award is published; it can no longer change."))
    category.name = name
    for key in ("name_zh", "description", "description_zh"):
        setattr(category, key, (values.get(key) or "").strip() or None)
    category.quorum = values.get("quorum", 0)
    db.session.flush()
    audit.record(category, actor=actor, action="award.save", new={"name": name})
    return category


# ---------------------------------------------------------------- the jury


def is_juror(user: User, edition: Edition) -> bool:
    if not user.is_authenticated:
        return False
    return db.session.get(JuryMember, (edition.id, user.id)) is not None


def jurors(edition: Edition) -> list[User]:
    stmt = (
        sa.select(User)
        .join(JuryMember, JuryMember.user_id == User.id)
        .where(JuryMember.edition_id == edition.id)
    )
    return list(db.session.scalars(stmt.order_by(User.name)))


def add_juror(edition: Edition, user: User, *, actor: User) -> JuryMember:
    """Put an account on the edition's jury (idempotent); the invitation's acceptance calls this."""
    member = db.session.get(JuryMember, (edition.id, user.id))
    if member is None:
        member = JuryMember(edition_id=edition.id, user_id=user.id)
        db.session.add(member)
        db.session.flush()
        audit.record(edition, actor=actor, action="jury.add", new={"user": user.email})
    return member


def _jury_edition(invitation: Invitation) -> Edition:
    edition = db.session.get(Edition, invitations.target_id(invitation, Edition))
    if edition is None:  # the edition was deleted after the invitation went out
        raise invitations.InvitationWithdrawn()
    return edition


def _describe_jury(invitation: Invitation) -> str:
    edition = db.session.get(Edition, invitations.target_id(invitation, Edition))
    return _("to sit on the jury of %(edition)s", edition=edition.name if edition else "")


def _seat_juror(invitation: Invitation, user: User) -> None:
    add_juror(_jury_edition(invitation), user, actor=user)


def _jury_page(invitation: Invitation, user: User) -> str:
    return url_for("audience.jury", slug=_jury_edition(invitation).slug)


invitations.register_purpose(
    JURY, invitations.Purpose(describe=_describe_jury, accepted=_seat_juror, landing=_jury_page)
)


def invite_juror(edition: Edition, *, email: str, name: str | None, actor: User) -> Invitation:
    """Invite a person by e-mail to the edition's jury (festival.people.invitations): accepting creates
    their account or attaches the existing one, makes it a visitor's and gives it the jury seat. Raises
    NotAllowed (not staff) and InvalidInput (the address; a person on the jury already)."""
    if not actor.has_role(Role.STAFF):
        raise NotAllowed()
    existing = invitations.account_of(email)
    if existing is not None and is_juror(existing, edition):
        raise InvalidInput(errors={"email": [_l("%(email)s is on the jury already.", email=existing.email)]})
    return invitations.invite(
        email=email, purpose=JURY, actor=actor, roles=(Role.VISITOR,), name=name, target=edition
    )


def pending_jury_invitations(edition: Edition) -> list[Invitation]:
    """The jury invitations of the edition still waiting for an answer."""
    return invitations.pending_invitations(JURY, edition)


def jury_invitation(edition: Edition, invitation_id: int) -> Invitation | None:
    """One of the edition's jury invitations (None for any other invitation)."""
    invitation = db.session.get(Invitation, invitation_id)
    return invitation if invitation and invitations.is_for(invitation, JURY, edition) else None


def remove_juror(edition: Edition, user: User, *, actor: User) -> None:
    """Take a person off the jury; their ballots already cast stay counted (they cannot be told apart)."""
    member = db.session.get(JuryMember, (edition.id, user.id))
    if member is not None:
        db.session.delete(member)
        db.session.flush()
        audit.record(edition, actor=actor, action="jury.remove", old={"user": user.email})


# ---------------------------------------------------------------- nominations


def nominees(category: AwardCategory) -> list[tuple[Entry, int]]:
    """The category's nominated films with their tallies, the most voted first."""
    stmt = (
        sa.select(Entry, Nomination.votes)
        .join(Nomination, Nomination.entry_id == Entry.id)
        .where(Nomination.category_id == category.id)
    )
    return sorted(db.session.execute(stmt).all(), key=lambda r: (-r[1], r[0].display_title.casefold()))


def ballots(category: AwardCategory) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(JuryBallot.category_id == category.id)) or 0


def nominate(edition: Edition, category_id: int, entry_id: int, *, actor: User, on: bool = True) -> None:
    """Nominate (or withdraw the nomination of) an accepted film; nominations close with the first ballot."""
    category = _category(edition, category_id)
    if ballots(category):
        raise InvalidTransition(_l("The jury has started voting; the nominations can no longer change."))
    if selected_film(edition, entry_id) is None:
        raise InvalidInput(errors={"entry": [_l("Choose one of the edition's accepted films.")]})
    row = db.session.get(Nomination, (category.id, entry_id))
    if on and row is None:
        db.session.add(Nomination(category_id=category.id, entry_id=entry_id))
    elif not on and row is not None:
        db.session.delete(row)
    db.session.flush()
    audit.record(
        category, actor=actor, action="award.nominate" if on else "award.unnominate", new={"entry": entry_id}
    )


def nominated_film(edition: Edition, entry_id: int | None) -> Entry:
    """A film nominated for one of the edition's awards; raises InvalidInput."""
    stmt = (
        sa.select(Entry)
        .join(Nomination, Nomination.entry_id == Entry.id)
        .join(AwardCategory, AwardCategory.id == Nomination.category_id)
        .where(AwardCategory.edition_id == edition.id, Entry.id == entry_id)
    )
    found = db.session.scalars(stmt.limit(1)).first()
    if found is None:
        raise InvalidInput(errors={"entry": [_l("Choose one of the nominated films.")]})
    return found


# ---------------------------------------------------------------- ballots and quorum


def _conflicted_nominees(category: AwardCategory, user_id) -> sa.Select:
    return (
        sa.select(Nomination.entry_id)
        .join(Entry, Entry.id == Nomination.entry_id)
        .where(Nomination.category_id == category.id, conflicted(user_id))
    )


def may_vote_in(user: User, category: AwardCategory) -> bool:
    """A juror votes in a category unless they declared a conflict with one of its nominees."""
    return db.session.scalar(_conflicted_nominees(category, user.id).limit(1)) is None


def eligible_jurors(category: AwardCategory) -> int:
    """The jurors who may vote in the category (the conflicted ones abstain)."""
    members = sa.select(JuryMember.user_id).where(JuryMember.edition_id == category.edition_id)
    count = 0
    for user_id in db.session.scalars(members):
        count += db.session.scalar(_conflicted_nominees(category, user_id).limit(1)) is None
    return count


def quorum(category: AwardCategory) -> int:
    """Ballots needed: the category's own number, else more than half of the eligible jurors."""
    return category.quorum or eligible_jurors(category) // 2 + 1


def cast_ballot(user: User, edition: Edition, category_id: int, entry_id: int) -> None:
    """A juror's one secret vote in a category: raises NotOnJury, NotAllowed (a conflict), InvalidInput
    (not a nominee), BallotCast (voted already: the ballot's key decides between two at once)."""
    if not is_juror(user, edition):
        raise NotOnJury()
    category = _category(edition, category_id)
    if category.approved_at is not None:
        raise InvalidTransition(_l("The result of this award is approved; voting is closed."))
    if not may_vote_in(user, category):
        raise NotAllowed(
            _l("You declared a conflict of interest with a nominee: you do not vote for this award.")
        )
    if db.session.get(Nomination, (category.id, entry_id)) is None:
        raise InvalidInput(errors={"entry": [_l("Choose one of the nominated films.")]})
    try:
        with db.session.begin_nested():
            db.session.add(JuryBallot(category_id=category.id, user_id=user.id))
            db.session.flush()
            db.session.execute(
                sa.update(Nomination)
                .where(Nomination.category_id == category.id, Nomination.entry_id == entry_id)
                .values(votes=Nomination.votes + 1)
            )
    except IntegrityError:
        raise BallotCast() from None
    db.session.expire_all()


def has_voted(user: User, category: AwardCategory) -> bool:
    return db.session.get(JuryBallot, (category.id, user.id)) is not None


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Standing:
    category: AwardCategory
    ballots: int
    quorum: int
    nominees: list[tuple[Entry, int]]

    @property
    def reached(self) -> bool:
        return self.ballots >= self.quorum

    @property
    def leaders(self) -> list[Entry]:
        """The nominees with the most votes (more than one: a tie staff settle when approving)."""
        if not self.nominees or not self.nominees[0][1]:
            return []
        top = self.nominees[0][1]
        return [e for e, v in self.nominees if v == top]


def standing(category: AwardCategory) -> Standing:
    return Standing(category, ballots(category), quorum(category), nominees(category))


def approve(edition: Edition, category_id: int, entry_id: int, *, actor: User) -> AwardCategory:
    """Staff approve the result: the winner must be one of the nominees with the most votes, and the
    quorum must be reached. Closes the voting of the category."""
    category = _category(edition, category_id)
    if category.published_at is not None:
        raise InvalidTransition(_l("This award is published already."))
    state = standing(category)
    if not state.reached:
        raise InvalidTransition(
            _l(
                "The quorum is not reached: %(ballots)s of %(quorum)s ballots.",
                ballots=state.ballots,
                quorum=state.quorum,
            )
        )
    if entry_id not in {e.id for e in state.leaders}:
        raise InvalidInput(errors={"entry": [_l("The winner must be a nominee with the most votes.")]})
    category.winner_id = entry_id
    category.approved_at = utcnow()
    category.approved_by_id = actor.id
    db.session.flush()
    audit.record(
        category, actor=actor, action="award.approve", new={"winner": entry_id, "ballots": state.ballots}
    )
    return category


def publish(edition: Edition, category_id: int, *, actor: User) -> AwardCategory:
    """Publish an approved result on the awards page and the winner's film page."""
    category = _category(edition, category_id)
    if category.approved_at is None or category.winner_id is None:
        raise InvalidTransition(_l("Approve the result before publishing it."))
    if category.published_at is None:
        category.published_at = utcnow()
        db.session.flush()
        audit.record(category, actor=actor, action="award.publish", new={"winner": category.winner_id})
    return category


def published_awards(edition: Edition) -> list[tuple[AwardCategory, Entry]]:
    stmt = (
        sa.select(AwardCategory, Entry)
        .join(Entry, Entry.id == AwardCategory.winner_id)
        .where(AwardCategory.edition_id == edition.id, AwardCategory.published_at.is_not(None))
        .order_by(AwardCategory.position, AwardCategory.id)
    )
    return list(db.session.execute(stmt).all())


def film_awards(entry_id: int) -> list[AwardCategory]:
    """The published awards a film won (for its public page)."""
    stmt = sa.select(AwardCategory).where(
        AwardCategory.winner_id == entry_id, AwardCategory.published_at.is_not(None)
    )
    return list(db.session.scalars(stmt.order_by(AwardCategory.position)))


def award_notes(entry: Entry) -> tuple[str, ...]:
    """The film page's notes of the published awards the film won, in the current language."""
    return tuple(str(_l("Award: %(name)s", name=localized(c, "name"))) for c in film_awards(entry.id))
