"""Every route of the URL map, for every kind of visitor, gives the expected answer.

The tables below list each endpoint: a test fails when a route is added without an entry here, so
no route is left out. GET is walked for all seven roles. POST is walked only for the roles that must
be refused (everyone else's POSTs would change the world), and afterwards no table may have changed.
Outcomes: "ok" (2xx), "login" (redirect to the login page), "redirect" (any other redirect), or the
HTTP status code.
"""

from __future__ import annotations

from festival.extensions import db
from tests.security.walk import ROLES, as_role, methods, outcome, row_counts, rules, url_of

# endpoint: outcome for (anonymous, filmmaker, other_filmmaker, curator, conflicted_curator, staff, admin)
# "filmmaker" owns the entry in the URLs; "curator" is assigned to it; "conflicted_curator" declared a
# conflict of interest with it.
GET = {
    "admin.outbox": ("login", "403", "403", "403", "403", "403", "ok"),
    "admin.outbox_mail": ("login", "403", "403", "403", "403", "403", "ok"),
    "api.edition": ("ok",) * 7,
    "api.editions": ("ok",) * 7,
    "api.film": ("ok",) * 7,
    "api.films": ("ok",) * 7,
    "api.index": ("ok",) * 7,
    "api.events": ("ok",) * 7,
    "api.screenings": ("ok",) * 7,
    "api.theaters": ("ok",) * 7,
    "api.venues": ("ok",) * 7,
    "audience.awards_page": ("ok",) * 7,
    "audience.demand_page": ("login", "403", "403", "403", "403", "ok", "ok"),
    "audience.films": ("ok",) * 7,
    "audience.jury": ("login", "403", "403", "403", "403", "403", "403"),  # nobody is on the jury
    "audience.manage_awards": ("login", "403", "403", "403", "403", "ok", "ok"),
    "audience.my_plan": ("redirect",) * 7,
    "audience.plan": ("login", "ok", "ok", "ok", "ok", "ok", "ok"),
    # the secret address in the walk is no feed's
    "audience.plan_feed": ("404",) * 7,
    # without films and days there is nothing to propose
    "audience.propose": ("login", "422", "422", "422", "422", "422", "422"),
    "audience.prize": ("ok",) * 7,
    "audience.staff_index": ("login", "403", "403", "403", "403", "redirect", "redirect"),
    "audience.vote_audit": ("login", "403", "403", "403", "403", "ok", "ok"),
    "audience.vote_page": ("login", "ok", "ok", "ok", "ok", "ok", "ok"),
    "auth.confirm_email": ("login", "login", "login", "login", "login", "login", "login"),
    "people.invitation": ("404",) * 7,  # the walk's token is not a valid one
    "auth.login": ("ok", "redirect", "redirect", "redirect", "redirect", "redirect", "redirect"),
    "auth.my_sessions": ("login", "ok", "ok", "ok", "ok", "ok", "ok"),
    "auth.register": ("ok", "redirect", "redirect", "redirect", "redirect", "redirect", "redirect"),
    "auth.request_reset": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "auth.reset_password": (
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
    ),
    "edition_admin.copy": ("login", "403", "403", "403", "403", "403", "ok"),
    "edition_admin.demand_settings": ("login", "403", "403", "403", "403", "ok", "ok"),
    "edition_admin.edition": ("login", "403", "403", "403", "403", "ok", "ok"),
    "edition_admin.film_prints_form": ("login", "403", "403", "403", "403", "ok", "ok"),
    "edition_admin.online_edition": ("login", "403", "403", "403", "403", "ok", "ok"),
    "edition_admin.prints": ("login", "403", "403", "403", "403", "ok", "ok"),
    "edition_admin.transit": ("login", "403", "403", "403", "403", "ok", "ok"),
    "edition_admin.index": ("login", "403", "403", "403", "403", "ok", "ok"),
    "edition_admin.new": ("login", "403", "403", "403", "403", "403", "ok"),
    "events.edit": ("login", "403", "403", "403", "403", "ok", "ok"),
    "events.index": ("login", "403", "403", "403", "403", "ok", "ok"),
    "events.new": ("login", "403", "403", "403", "403", "ok", "ok"),
    # nobody of the walk is a speaker: the speaker's own page is nobody's here (tests/events covers it)
    "events.speaking": ("login", "404", "404", "404", "404", "404", "404"),
    "main.choose_language": ("redirect",) * 7,
    "main.health": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "main.index": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "main.terms": ("404",) * 7,  # the walk's edition has no terms of entry
    "people.index": ("login", "403", "403", "403", "403", "ok", "ok"),
    "people.person": ("login", "403", "403", "403", "403", "ok", "ok"),
    "programme.calendar_ics": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "programme.changes": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "programme.film": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "programme.event": ("ok",) * 7,
    "programme.event_ics": ("ok",) * 7,
    "programme.film_ics": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "programme.index": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    # the published film in the walk has no poster: nobody gets one (tests/programme covers a poster)
    "programme.poster": ("404", "404", "404", "404", "404", "404", "404"),
    "programme.printable": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "programme.schedule_json": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "programme.schedule_xml": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "programme.screening_ics": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "programme.shorts": ("404",) * 7,  # the walk's shorts programme is in no published version
    "programme.speaker": ("ok",) * 7,
    # the walk's speaker has no photo
    "programme.speaker_photo": ("404",) * 7,
    "review.assign": ("login", "403", "403", "403", "403", "ok", "ok"),
    # leads of a panel see the edition's screen time (totals by theater group: no entry is named)
    "review.capacity": ("login", "403", "403", "ok", "ok", "ok", "ok"),
    "review.conflicts": ("login", "403", "403", "ok", "ok", "403", "403"),
    "review.criterion": ("login", "403", "403", "403", "403", "ok", "ok"),
    "review.decision": ("login", "403", "403", "ok", "404", "ok", "ok"),
    "review.entry": ("login", "403", "403", "ok", "404", "ok", "ok"),
    "review.letter_template": ("login", "403", "403", "403", "403", "ok", "ok"),
    "review.letter_templates": ("login", "403", "403", "403", "403", "ok", "ok"),
    "review.my_queue": ("login", "403", "403", "ok", "ok", "redirect", "redirect"),
    "review.panel": ("login", "403", "403", "403", "403", "ok", "ok"),
    "review.ranking": ("login", "403", "403", "ok", "ok", "ok", "ok"),
    "review.ranking_export": ("login", "403", "403", "ok", "ok", "ok", "ok"),
    "review.release": ("login", "403", "403", "403", "403", "ok", "ok"),
    "review.rubric": ("login", "403", "403", "403", "403", "ok", "ok"),
    "review.staff_conflicts": ("login", "403", "403", "403", "403", "ok", "ok"),
    "review.staff_overview": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.add": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.compare": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.export_csv": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.export_ics": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.export_json": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.film_ics": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.films": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.index": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.overview": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.print_programme": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.problems": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.publish": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.run_detail": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.run_instance": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.run_progress": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.run_schedule": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.runs_index": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.scenarios_index": ("login", "403", "403", "403", "403", "ok", "ok"),
    # no scenario chosen: back to the scenarios with a message
    "schedule.compare_scenarios": ("login", "403", "403", "403", "403", "redirect", "redirect"),
    "schedule.screening": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.why_here": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.shorts_index": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.shorts_programme": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.shorts_proposal_state": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.stats": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.theater_ics": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.theaters": ("login", "403", "403", "403", "403", "ok", "ok"),
    # the walk's film has no prints: it has no tour
    "schedule.tour": ("login", "403", "403", "403", "403", "404", "404"),
    "schedule.tour_list": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.tours_csv": ("login", "403", "403", "403", "403", "ok", "ok"),
    "schedule.version": ("login", "403", "403", "403", "403", "ok", "ok"),
    "submissions.delete_draft": ("login", "ok", "404", "404", "404", "404", "404"),
    "submissions.edit_step": ("login", "ok", "404", "404", "404", "404", "404"),
    "submissions.entry_detail": ("login", "ok", "404", "404", "404", "ok", "ok"),
    "submissions.image_file": ("login", "ok", "404", "ok", "404", "ok", "ok"),
    "submissions.my_entries": ("login", "ok", "ok", "ok", "ok", "ok", "ok"),
    "submissions.staff_entries": ("login", "403", "403", "403", "403", "ok", "ok"),
    "submissions.staff_export": ("login", "403", "403", "403", "403", "ok", "ok"),
    "submissions.withdraw": ("login", "ok", "404", "404", "404", "404", "404"),
    "venues.blocks": ("login", "403", "403", "403", "403", "ok", "ok"),
    "venues.edit_block": ("login", "403", "403", "403", "403", "ok", "ok"),
    "venues.edit_theater": ("login", "403", "403", "403", "403", "ok", "ok"),
    "venues.edit_venue": ("login", "403", "403", "403", "403", "ok", "ok"),
    "venues.index": ("login", "403", "403", "403", "403", "ok", "ok"),
    "venues.new_theater": ("login", "403", "403", "403", "403", "ok", "ok"),
    "venues.new_venue": ("login", "403", "403", "403", "403", "ok", "ok"),
    "venues.invite_manager": ("login", "403", "403", "403", "403", "ok", "ok"),
    # the walk's edition has a published version (?version= defaults to it)
    "venues.timetable": ("login", "403", "403", "403", "403", "ok", "ok"),
    "venues.timetable_csv": ("login", "403", "403", "403", "403", "ok", "ok"),
    "venues.timetable_ics": ("login", "403", "403", "403", "403", "ok", "ok"),
}

# endpoint: outcome for the visitors who must be refused, in the order of POST_ROLES
# (anonymous, other_filmmaker, curator, conflicted_curator)
# (None: that visitor is allowed, so its POST is not sent here)
POST_REFUSED = {
    "admin.send_again": ("login", "403", "403", "403"),
    "audience.accept": ("login", "redirect", "redirect", "redirect"),  # an empty proposal is refused
    "audience.add": ("login", "redirect", "redirect", "redirect"),  # the walk's screening is a draft's
    "audience.invite_juror": ("login", "403", "403", "403"),
    "audience.resend_jury_invitation": ("login", "403", "403", "403"),
    "audience.withdraw_jury_invitation": ("login", "403", "403", "403"),
    "audience.approve_award": ("login", "403", "403", "403"),
    "audience.ballot": ("login", "redirect", "redirect", "redirect"),  # not on the jury
    "audience.jury_conflict": ("login", "403", "403", "403"),
    "audience.jury_named_conflict": ("login", "403", "403", "403"),
    "audience.manage_awards": ("login", "403", "403", "403"),
    "audience.nominate": ("login", "403", "403", "403"),
    "audience.publish_award": ("login", "403", "403", "403"),
    "audience.remove_juror": ("login", "403", "403", "403"),
    "audience.days": ("login", None, None, None),  # any confirmed account may say when it can come
    "audience.demand_page": ("login", "403", "403", "403"),
    "audience.new_feed": ("login", None, None, None),  # any confirmed account may have a plan's feed
    "audience.remove": ("login", "redirect", "redirect", "redirect"),
    "audience.revoke_feed": ("login", "redirect", "redirect", "redirect"),
    "audience.star": ("login", "redirect", "redirect", "redirect"),  # not a selected film of the edition
    "audience.vote": ("login", "redirect", "redirect", "redirect"),  # no rating given
    "auth.login": ("ok", "redirect", "redirect", "redirect"),
    "auth.change_password": ("login", "422", "422", "422"),
    "auth.end_other_sessions": ("login", None, None, None),  # anyone may end their own other sessions
    # the session in the URL is the filmmaker's: nobody else can end it
    "auth.end_session": ("login", "404", "404", "404"),
    "people.invitation": ("404", "404", "404", "404"),
    "auth.logout": ("login", "redirect", "redirect", "redirect"),
    "auth.register": ("422", "redirect", "redirect", "redirect"),
    "auth.request_reset": ("422", "422", "422", "422"),
    "auth.resend_confirmation": ("login", "redirect", "redirect", "redirect"),
    "auth.reset_password": ("redirect", "redirect", "redirect", "redirect"),
    "edition_admin.add_holiday": ("login", "403", "403", "403"),
    "edition_admin.choose": ("login", "403", "403", "403"),
    "edition_admin.copy": ("login", "403", "403", "403"),
    "edition_admin.demand_settings": ("login", "403", "403", "403"),
    "edition_admin.edition": ("login", "403", "403", "403"),
    "edition_admin.film_prints_form": ("login", "403", "403", "403"),
    "edition_admin.online_edition": ("login", "403", "403", "403"),
    "edition_admin.transit": ("login", "403", "403", "403"),
    "edition_admin.move": ("login", "403", "403", "403"),
    "edition_admin.new": ("login", "403", "403", "403"),
    "edition_admin.remove_holiday": ("login", "403", "403", "403"),
    "events.delete": ("login", "403", "403", "403"),
    "events.edit": ("login", "403", "403", "403"),
    "events.new": ("login", "403", "403", "403"),
    "events.add_speaker": ("login", "403", "403", "403"),
    "events.resend_invitation": ("login", "403", "403", "403"),
    "events.remove_speaker": ("login", "403", "403", "403"),
    "events.speaking": ("login", "404", "404", "404"),
    "events.speaker_photo": ("login", "404", "404", "404"),
    "events.answer": ("login", "redirect", "redirect", "redirect"),
    "main.set_language": ("redirect", "redirect", "redirect", "redirect"),
    "people.deactivate": ("login", "403", "403", "403"),
    "people.invite": ("login", "403", "403", "403"),
    "people.person": ("login", "403", "403", "403"),
    "people.reactivate": ("login", "403", "403", "403"),
    "people.withdraw_invitation": ("login", "403", "403", "403"),
    "review.add_assignment": ("login", "403", "403", "403"),
    "review.add_member": ("login", "403", "403", "403"),
    "review.assign": ("login", "403", "403", "403"),
    "review.bulk_decide": ("login", "403", "403", "403"),
    "review.conflicts": ("login", "403", None, None),
    "review.create_panel": ("login", "403", "403", "403"),
    "review.criterion": ("login", "403", "403", "403"),
    "review.decision": ("login", "403", None, "404"),
    "review.declare_entry_conflict": ("login", "403", None, "404"),
    "review.default_rubric": ("login", "403", "403", "403"),
    "review.delete_criterion": ("login", "403", "403", "403"),
    "review.delete_panel": ("login", "403", "403", "403"),
    "review.discard_decision": ("login", "403", None, "404"),
    "review.entry": ("login", "403", None, "404"),
    "review.letter_template": ("login", "403", "403", "403"),
    "review.link_conflict": ("login", "403", "403", "403"),
    "review.member_lead": ("login", "403", "403", "403"),
    "review.move_entry": ("login", "403", "403", "403"),
    "review.panel": ("login", "403", "403", "403"),
    "review.release": ("login", "403", "403", "403"),
    "review.remove_assignment": ("login", "403", "403", "403"),
    "review.remove_conflict": ("login", "403", "403", "403"),
    "review.remove_member": ("login", "403", "403", "403"),
    "review.rubric": ("login", "403", "403", "403"),
    # any confirmed visitor may register for a public event and cancel their own registration
    "programme.register": ("login", None, None, None),
    "programme.cancel_registration": ("login", "404", "404", "404"),
    "schedule.add": ("login", "403", "403", "403"),
    "schedule.copy": ("login", "403", "403", "403"),
    "schedule.discard": ("login", "403", "403", "403"),
    "schedule.new_draft": ("login", "403", "403", "403"),
    "schedule.pin": ("login", "403", "403", "403"),
    "schedule.publish": ("login", "403", "403", "403"),
    "schedule.remove": ("login", "403", "403", "403"),
    "schedule.resolve": ("login", "403", "403", "403"),
    "schedule.screening": ("login", "403", "403", "403"),
    "schedule.start_run": ("login", "403", "403", "403"),
    "schedule.create_scenario": ("login", "403", "403", "403"),
    "schedule.run_scenario": ("login", "403", "403", "403"),
    "schedule.promote_scenario": ("login", "403", "403", "403"),
    "schedule.delete_scenario": ("login", "403", "403", "403"),
    "schedule.shorts_add": ("login", "403", "403", "403"),
    "schedule.shorts_delete": ("login", "403", "403", "403"),
    "schedule.shorts_index": ("login", "403", "403", "403"),
    "schedule.shorts_member": ("login", "403", "403", "403"),
    "schedule.shorts_programme": ("login", "403", "403", "403"),
    "schedule.shorts_propose": ("login", "403", "403", "403"),
    "schedule.shorts_settings": ("login", "403", "403", "403"),
    "schedule.stop_run": ("login", "403", "403", "403"),
    "schedule.unpin": ("login", "403", "403", "403"),
    "submissions.delete_draft": ("login", "404", "404", "404"),
    "submissions.delete_image": ("login", "404", "404", "404"),
    "submissions.edit_step": ("login", "404", "404", "404"),
    "submissions.move_image": ("login", "404", "404", "404"),
    "submissions.new_entry": ("login", None, "403", "403"),
    "submissions.reopen": ("login", "403", "403", "403"),
    "submissions.submit": ("login", "404", "404", "404"),
    "submissions.upload_image": ("login", "404", "404", "404"),
    "submissions.withdraw": ("login", "404", "404", "404"),
    "submissions.withdraw_from_programme": ("login", "403", "403", "403"),
    "venues.blocks": ("login", "403", "403", "403"),
    "venues.copy_venues": ("login", "403", "403", "403"),
    "venues.delete_block": ("login", "403", "403", "403"),
    "venues.delete_theater": ("login", "403", "403", "403"),
    "venues.delete_venue": ("login", "403", "403", "403"),
    "venues.edit_block": ("login", "403", "403", "403"),
    "venues.edit_theater": ("login", "403", "403", "403"),
    "venues.edit_venue": ("login", "403", "403", "403"),
    "venues.new_theater": ("login", "403", "403", "403"),
    "venues.new_venue": ("login", "403", "403", "403"),
    "venues.invite_manager": ("login", "403", "403", "403"),
    "venues.remove_manager": ("login", "403", "403", "403"),
}

POST_ROLES = ("anonymous", "other_filmmaker", "curator", "conflicted_curator")


def test_every_route_is_in_the_tables(app):
    get_rules = {r.endpoint for r in rules(app) if "GET" in methods(r)}
    post_rules = {r.endpoint for r in rules(app) if "POST" in methods(r)}
    assert get_rules - set(GET) == set(), "GET routes missing from the walk's table"
    assert post_rules - set(POST_REFUSED) == set(), "POST routes missing from the walk's table"
    assert set(GET) - get_rules == set() and set(POST_REFUSED) - post_rules == set(), "stale entries"


def test_every_get_route_answers_each_role_as_expected(app, client, world):
    wrong = []
    for rule in rules(app):
        if "GET" not in methods(rule):
            continue
        url = url_of(app, rule, world)
        for role, expected in zip(ROLES, GET[rule.endpoint], strict=True):
            as_role(client, world, role)
            got = outcome(client.get(url))
            if got != expected:
                wrong.append(f"GET {url} as {role}: {got}, expected {expected}")
    assert wrong == []


def test_refused_posts_are_refused_and_change_nothing(app, client, world):
    before = row_counts()
    wrong = []
    for rule in rules(app):
        if "POST" not in methods(rule):
            continue
        url = url_of(app, rule, world)
        for role, expected in zip(POST_ROLES, POST_REFUSED[rule.endpoint], strict=True):
            if expected is None:
                continue
            as_role(client, world, role)
            got = outcome(client.post(url, data={}))
            if got != expected:
                wrong.append(f"POST {url} as {role}: {got}, expected {expected}")
    assert wrong == []
    db.session.expire_all()
    assert row_counts() == before
