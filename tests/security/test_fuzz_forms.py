"""Random and malformed form posts and query strings never give a 500 or a traceback, and a
rejected post writes nothing.

Each form is fetched as the role allowed to use it, its own field names are read from the page, and
hypothesis posts random values for them (long, empty, control characters, numbers, dates, extra keys).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.htmlforms import page_forms
from festival.extensions import db
from tests.security.walk import as_role, row_counts, url_of

# (role, endpoint) of forms that validate user input; destructive one-click actions are left to the walk
FORMS = (
    ("anonymous", "auth.login"),
    ("anonymous", "auth.register"),
    ("anonymous", "auth.request_reset"),
    ("filmmaker", "submissions.edit_step"),
    ("curator", "review.entry"),
    ("curator", "review.decision"),
    ("curator", "review.conflicts"),
    ("staff", "review.panel"),
    ("staff", "review.rubric"),
    ("staff", "review.criterion"),
    ("staff", "review.letter_template"),
    ("staff", "venues.new_venue"),
    ("staff", "venues.edit_venue"),
    ("staff", "venues.new_theater"),
    ("staff", "venues.edit_theater"),
    ("staff", "venues.blocks"),
    ("staff", "venues.edit_block"),
    ("staff", "events.new"),
    ("staff", "events.edit"),
    ("staff", "schedule.add"),
    ("staff", "schedule.screening"),
)
QUERY_PAGES = (
    ("anonymous", "programme.index"),
    ("anonymous", "programme.printable"),
    ("anonymous", "programme.schedule_xml"),
    ("staff", "submissions.staff_entries"),
    ("staff", "review.ranking"),
    ("staff", "schedule.version"),
    ("staff", "schedule.compare"),
    ("admin", "admin.outbox"),
)

nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "1e309", "2021-02-30", "24:61", "<script>",
                     "' OR 1=1 --", "\u202e", "é" * 400, "x" * 5000, "NaN", "null", "[]", "{}"]),
)  # fmt: skip


def _form_fields(client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    forms = page_forms(response.get_data(as_text=True))
    path = url.split("?", 1)[0]
    for action, fields in forms.items():
        if (action or path).split("?", 1)[0] == path and set(fields) - {"csrf_token"}:
            return fields
    return {}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_form_posts_never_fail_with_a_server_error(app, client, world, data):
    for role, endpoint in FORMS:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        url = url_of(app, rule, world)
        as_role(client, world, role)
        fields = _form_fields(client, url)
        names = sorted(set(fields) - {"csrf_token"})
        assert names, f"{endpoint}: no form fields found on {url}"
        names.append("unexpected_field")
        post = {name: data.draw(nasty_text, label=f"{endpoint}.{name}") for name in names}
        before = row_counts()
        response = client.post(url, data=post)
        assert response.status_code < 500, f"{endpoint} as {role} with {post!r}"
        assert "Traceback" not in response.get_data(as_text=True)
        if 400 <= response.status_code < 500:
            db.session.expire_all()
            assert row_counts() == before, f"{endpoint}: a rejected post wrote rows"
        db.session.rollback()


QUERY_NAMES = ["day", "format", "theater", "audience", "sort", "dir", "page", "q", "edition", "status",
               "country", "panel", "with", "lang"]  # fmt: skip


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(QUERY_NAMES), nasty_text, max_size=5))
def test_random_query_strings_never_fail_with_a_server_error(app, client, world, params):
    for role, endpoint in QUERY_PAGES:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        as_role(client, world, role)
        response = client.get(url_of(app, rule, world), query_string=params)
        assert response.status_code < 500, f"{endpoint} with {params!r}"


API_ENDPOINTS = ("api.editions", "api.venues", "api.theaters", "api.films", "api.film", "api.screenings")
API_PARAMETERS = ["page", "per_page", "day", "film", "theater", "venue", "format"]
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["0", "1", "100", "101", "2147483647", "2147483648", "1_000", "٣", "+5", " 7 ", "0x10"]),
    nasty_text,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(API_PARAMETERS), numbers, max_size=4))
def test_random_api_parameters_get_a_json_answer_never_a_server_error(app, client, world, params):
    for endpoint in API_ENDPOINTS:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        response = client.get(url_of(app, rule, world), query_string=params)
        assert response.status_code in (200, 400, 404), f"{endpoint} with {params!r}: {response.status_code}"
        assert response.is_json and response.headers["Access-Control-Allow-Origin"] == "*"
        if response.status_code == 400:
            body = response.get_json()
            if "parameter" in body:  # a value the API read and refused, named
                assert body["parameter"] in params and body["message"].startswith(body["parameter"])
            else:  # refused before the API reads anything: a NUL character (festival.security)
                assert any("\x00" in value for value in params.values()), (endpoint, params, body)
