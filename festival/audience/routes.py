"""The audience's pages: the selection with wishes (stars), the days a visitor can come, the plan with
its clashes, "plan my visit", and the staff's demand page."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from festival import localtime, params
from festival.audience import awards, bp, demand, feeds, plans, services, votes
from festival.audience.forms import (
    AcceptForm,
    ButtonForm,
    DaysForm,
    SettingsForm,
    StarForm,
    VisitForm,
    VoteForm,
)
from festival.editions import current_edition, staff_edition
from festival.errors import DomainError, InvalidInput
from festival.extensions import db, limiter
from festival.formtools import choices
from festival.handlers import Render, go_back, post_button, submit_form
from festival.labels import FORMAT_LABELS
from festival.models import Edition
from festival.models.enums import EditionStatus, Role
from festival.navigation import edition_name, item_url, local_target, public_url
from festival.schedule import exports
from festival.security import roles_required

# per account: a visitor rates a film once, so more than this is a script
VOTES_PER_MINUTE, VOTES_PER_HOUR = 10, 60
VOTE_LIMIT = f"{VOTES_PER_MINUTE} per minute;{VOTES_PER_HOUR} per hour"


def edition_or_404(slug: str) -> Edition:
    """The public edition named by ``slug`` (404: unknown or a draft)."""
    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == slug))
    if edition is None or edition.status == EditionStatus.DRAFT:
        abort(404)
    return edition


def _user():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _days_form(edition: Edition) -> DaysForm:
    row = services.days_of(_user(), edition)
    form = DaysForm(data={"weekdays": row.weekdays, "weekends": row.weekends} if row else None)
    form.weekends.choices = choices(
        (d.isoformat(), f"{format_date(d, 'EEE d MMM')} – {format_date(d + timedelta(days=1), 'EEE d MMM')}")
        for d in services.weekends(edition)
    )
    return form


@bp.get("/<slug>/films")
def films(slug: str):
    """The selected films: a visitor stars the ones they want to see (their wish-list)."""
    edition = edition_or_404(slug)
    return render_template(
        "audience/films.html",
        edition=edition,
        films=services.selected_films(edition),
        stars=services.starred(_user(), edition),
        wishes_open=services.wishes_open(edition),
        published=services.has_published(edition),
        days_form=_days_form(edition),
        star_form=StarForm(),
        format_labels=FORMAT_LABELS,
    )


@bp.post("/<slug>/films/<int:entry_id>/star")
@login_required
def star(slug: str, entry_id: int):
    edition = edition_or_404(slug)
    form = StarForm()
    on = form.on.data != "0"
    back = local_target(request.form.get("back") or url_for("audience.films", slug=slug))
    return post_button(
        form,
        lambda: services.set_star(current_user, edition, entry_id, on),
        success=_("Added to your films.") if on else _("Taken off your films."),
        back=back,
    )


@bp.post("/<slug>/days")
@login_required
def days(slug: str):
    edition = edition_or_404(slug)
    form = _days_form(edition)
    return post_button(
        form,
        lambda: services.set_days(
            current_user,
            edition,
            weekdays=form.weekdays.data,
            saturdays=[date.fromisoformat(d) for d in form.weekends.data or []],
        ),
        success=_("Thank you: we know when you can come."),
        back=url_for("audience.films", slug=slug),
    )


# ---------------------------------------------------------------- the plan


@bp.get("/<slug>/plan")
@login_required
def plan(slug: str):
    edition = edition_or_404(slug)
    user = _user()
    public = plans.public_screenings(edition)
    starred = services.starred(user, edition)
    view = plans.plan_view(user, edition)
    form = VisitForm(formdata=None)
    _visit_choices(form, edition)
    form.films.data = sorted(starred)
    return render_template(
        "audience/plan.html",
        edition=edition,
        view=view,
        starred=[f for f in services.selected_films(edition) if f.id in starred],
        by_film={e: [s for s in public if e in {f.id for f in s.films}] for e in starred},
        planned={s.id for s in view.screenings},
        clashing={x.id for pair in view.clashes for x in pair},
        visit_form=form,
        button_form=ButtonForm(),
        feeds=_feeds(user, edition),
        juror=awards.is_juror(user, edition),
    )


def _feeds(user, edition):
    return feeds.active_feed(user, edition)


def _visit_choices(form: VisitForm, edition: Edition) -> None:
    form.films.choices = choices((e.id, e.display_title) for e in services.selected_films(edition))
    form.days.choices = choices(
        (d.isoformat(), format_date(d, "EEE d MMM")) for d in plans.programme_dates(edition)
    )


@bp.post("/<slug>/plan/add/<int:screening_id>")
@login_required
def add(slug: str, screening_id: int):
    edition = edition_or_404(slug)
    return post_button(
        ButtonForm(),
        lambda: plans.add_to_plan(current_user, edition, screening_id),
        success=_("Added to your plan."),
        back=url_for("audience.plan", slug=slug),
    )


@bp.post("/<slug>/plan/remove/<int:screening_id>")
@login_required
def remove(slug: str, screening_id: int):
    edition = edition_or_404(slug)
    return post_button(
        ButtonForm(),
        lambda: plans.remove_from_plan(current_user, edition, screening_id),
        success=_("Taken out of your plan."),
        back=url_for("audience.plan", slug=slug),
    )


@bp.get("/<slug>/plan/propose")
@login_required
def propose(slug: str):
    """Plan my visit: the proposed clash-free screenings, to accept or not (nothing is written here)."""
    edition = edition_or_404(slug)
    form = VisitForm(request.args)
    _visit_choices(form, edition)
    proposal, status = None, 200
    if not form.validate():
        status = 422
    else:
        try:
            proposal = plans.propose_visit(
                edition, form.films.data, [date.fromisoformat(d) for d in form.days.data]
            )
        except InvalidInput as exc:
            for name, messages in (exc.errors or {}).items():
                getattr(form, name).errors = list(messages)
            status = 422
    accept = AcceptForm(screenings=",".join(str(s.id) for s in proposal or []))
    return (
        render_template(
            "audience/propose.html", edition=edition, form=form, proposal=proposal, accept=accept
        ),
        status,
    )


@bp.post("/<slug>/plan/accept")
@login_required
def accept(slug: str):
    edition = edition_or_404(slug)
    form = AcceptForm()
    ids = params.record_ids((form.screenings.data or "").split(","))
    return post_button(
        form,
        lambda: plans.accept_visit(current_user, edition, ids),
        success=_("This is your plan now."),
        back=url_for("audience.plan", slug=slug),
    )


# ---------------------------------------------------------------- staff: the demand


@bp.route("/<slug>/demand", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def demand_page(slug: str):
    """Wishes per film and per day kind, and the expected audience by the curators and by the blend."""
    edition = edition_or_404(slug)
    settings = demand.settings_of(edition)
    form = SettingsForm(obj=settings)
    outcome = submit_form(
        form,
        lambda: services.save_settings(
            edition,
            expected_visitors=form.expected_visitors.data,
            prior_strength=form.prior_strength.data,
            venue_travel_minutes=form.venue_travel_minutes.data,
            city_travel_minutes=form.city_travel_minutes.data,
            vote_after_any_screening=form.vote_after_any_screening.data,
        ),
        success=_("The audience settings are saved."),
        target=url_for("audience.demand_page", slug=slug),
    )
    if not isinstance(outcome, Render):
        return outcome
    return (
        render_template(
            "audience/demand.html",
            edition=edition,
            form=form,
            table=demand.demand_table(edition),
            wishes_open=services.wishes_open(edition),
        ),
        outcome.status,
    )


# ---------------------------------------------------------------- the plan's calendar feed


@bp.post("/<slug>/plan/feed")
@login_required
def new_feed(slug: str):
    """A new secret address of the plan's calendar (the old one stops working), shown once."""
    edition = edition_or_404(slug)
    form = ButtonForm()
    back = url_for("audience.plan", slug=slug)
    if not form.validate_on_submit():
        return post_button(form, lambda: None, success=None, back=back)
    try:
        token = feeds.new_feed(current_user, edition)
        db.session.commit()
    except DomainError as exc:
        return go_back(exc, back)
    address = public_url("audience.plan_feed", token=token)
    return render_template("audience/feed.html", edition=edition, address=address)


@bp.post("/<slug>/plan/feed/revoke")
@login_required
def revoke_feed(slug: str):
    edition = edition_or_404(slug)
    return post_button(
        ButtonForm(),
        lambda: feeds.revoke(current_user, edition),
        success=_("The calendar address is revoked: calendars subscribed to it stop updating."),
        back=url_for("audience.plan", slug=slug),
    )


@bp.get("/feed/<token>.ics")
def plan_feed(token: str):
    """The plan as an iCalendar feed, for calendar apps (no login: the secret address is the key)."""
    found = feeds.feed_plan(token)
    if found is None:
        abort(404)
    user, edition, screenings = found
    body = exports.calendar(
        edition,
        screenings,
        name=_("My plan: %(edition)s", edition=edition_name(edition)),
        stamp=None,
        film_url=lambda e: item_url(e, slug=edition.slug),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/")
def my_plan():
    """The header's "My plan": the current edition's plan once its programme is out, else its selection
    (the wish-list); the public selection for visitors who are not logged in."""
    edition = current_edition()
    if edition is None:
        abort(404)
    if current_user.is_authenticated and services.has_published(edition):
        return redirect(url_for("audience.plan", slug=edition.slug))
    return redirect(url_for("audience.films", slug=edition.slug))


# ---------------------------------------------------------------- the viewers' prize


def _voter_key() -> str:
    """Rate limits of voting count per account (a museum's visitors may share one address)."""
    return f"vote:{current_user.id}" if current_user.is_authenticated else f"vote-ip:{request.remote_addr}"


@bp.get("/<slug>/vote")
@login_required
def vote_page(slug: str):
    """The films the visitor may rate now, their ratings so far, and the rules."""
    edition = edition_or_404(slug)
    user = _user()
    films = services.selected_films(edition)
    mine = votes.my_votes(user, edition)
    return render_template(
        "audience/vote.html",
        edition=edition,
        films=votes.votable(user, edition, films=films),
        rated=[f for f in films if f.id in mine],
        mine=mine,
        form=VoteForm(),
        settings=demand.settings_of(edition),
    )


@bp.post("/<slug>/vote/<int:entry_id>")
@login_required
@limiter.limit(VOTE_LIMIT, key_func=_voter_key)
def vote(slug: str, entry_id: int):
    edition = edition_or_404(slug)
    form = VoteForm()
    return post_button(
        form,
        lambda: votes.cast_vote(current_user, edition, entry_id, form.score.data),
        success=_("Thank you: your rating is counted."),
        back=url_for("audience.vote_page", slug=slug),
    )


def _results_public(edition: Edition) -> bool:
    """The results are public once the edition's last day is over; staff see them at any time."""
    over = localtime.today(edition) > edition.last_day
    return over or (current_user.is_authenticated and current_user.has_role(Role.STAFF))


@bp.get("/<slug>/prize")
def prize(slug: str):
    """The viewers' prize: the rules, and the results with the number of votes and an uncertainty band."""
    edition = edition_or_404(slug)
    shown = _results_public(edition)
    return render_template(
        "audience/prize.html",
        edition=edition,
        results=votes.results(edition) if shown else None,
        settings=demand.settings_of(edition),
        prior_votes=votes.PRIOR_VOTES,
        per_minute=VOTES_PER_MINUTE,
        per_hour=VOTES_PER_HOUR,
    )


@bp.get("/<slug>/votes/audit")
@roles_required(Role.STAFF)
def vote_audit(slug: str):
    """Staff: the busiest minutes of voting by the age of the voting accounts, bursts flagged."""
    edition = edition_or_404(slug)
    return render_template(
        "audience/audit.html",
        edition=edition,
        minutes=votes.audit(edition),
        groups=votes.AGE_GROUPS,
        burst_votes=votes.BURST_VOTES,
        burst_share=votes.BURST_NEW_SHARE,
    )


@bp.get("/staff")
@roles_required(Role.STAFF)
def staff_index():
    """The header's "Audience" for staff: the demand page of the edition being worked on."""
    edition = staff_edition(request.args.get("edition"))
    return redirect(url_for("audience.demand_page", slug=edition.slug))
