"""Every numeric and id parameter of every route, with numbers python cannot parse, huge, negative,
fractional, non-ASCII digits and dates out of range: never a 500, never a traceback, and a refused post
writes nothing (issue 15: acceptance).

The lists are derived, not written down (tests/security/parameters.py): the URL map gives the routes and
their path arguments, the source gives the names the app reads from the request, the form classes give
their number, date, id and version fields, and the pages give the forms as they are posted. A new route,
parameter or form is fuzzed without editing this file.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.htmlforms import page_forms
from festival.extensions import db
from tests.security.parameters import NUMBER_LIKE, form_number_fields, numeric_parameters
from tests.security.walk import as_role, methods, row_counts, rules, url_of

ROLES = ("filmmaker", "curator", "admin")  # between them, every route of the app answers one of them
# each example covers every route (hundreds of requests), so a few examples go a long way
FUZZ = settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_ARGUMENT = r"<(?:[^:<>]+(?:\([^)]*\))?:)?{name}>"
# a path value a POST may carry: never a small whole number, which could name a real row of the world
_ROW_ID = re.compile(r"\s*\+?0*\d{1,10}\s*")


def _url_with(app: Flask, rule, world, name: str, value: str) -> str:
    """The rule's URL with the world's objects in its arguments, but ``value`` for ``name``."""
    args = {**world.args, **world.overrides.get(rule.endpoint, {})}
    path = rule.rule
    for argument in rule.arguments:
        given = value if argument == name else str(args[argument])
        path = re.sub(_ARGUMENT.format(name=re.escape(argument)), lambda _m, v=given: quote(v, safe=""), path)
    return path


def _answer(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.mimetype and response.mimetype.startswith("text/"):
        assert "Traceback" not in response.get_data(as_text=True), what


@FUZZ
@given(data=st.data())
def test_every_path_argument_of_every_route(app, client, world, data):
    role = data.draw(st.sampled_from(ROLES), label="role")
    as_role(client, world, role)
    for rule in rules(app):
        for name in sorted(rule.arguments):
            value = data.draw(NUMBER_LIKE | st.text(max_size=20), label=f"{rule.endpoint}.{name}")
            url = _url_with(app, rule, world, name, value)
            for method in methods(rule):
                if method != "GET" and _ROW_ID.fullmatch(value):
                    continue  # it could name a real row: the walk posts to the real rows
                _answer(client.open(url, method=method, data={}), f"{method} {url} as {role}")
        db.session.rollback()


@FUZZ
@given(data=st.data())
def test_every_numeric_parameter_in_the_query_string_of_every_page(app, client, world, data):
    role = data.draw(st.sampled_from(ROLES), label="role")
    as_role(client, world, role)
    names = st.sampled_from(numeric_parameters())
    for rule in rules(app):
        if "GET" not in methods(rule):
            continue
        params = data.draw(st.dictionaries(names, NUMBER_LIKE, min_size=1, max_size=4), label=rule.endpoint)
        url = url_of(app, rule, world)
        _answer(client.get(url, query_string=params), f"GET {url}?{params!r} as {role}")
    db.session.rollback()


_FORMS: dict[int, list[tuple[str, str, dict[str, str]]]] = {}


def _forms_of_the_pages(app: Flask, client, world) -> list[tuple[str, str, dict[str, str]]]:
    """(role, action, fields) of every form with a number or id field, on every page each role sees (each
    distinct action and set of fields once); found once per world."""
    if id(world) in _FORMS:
        return _FORMS[id(world)]
    numeric = set(form_number_fields())
    found: dict[tuple[str, frozenset], tuple[str, str, dict[str, str]]] = {}
    for role in ROLES:
        as_role(client, world, role)
        for rule in rules(app):
            if "GET" not in methods(rule):
                continue
            url = url_of(app, rule, world)
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            for action, fields in page_forms(response.get_data(as_text=True)).items():
                target = (action or url).split("#", 1)[0]
                if target.startswith("/") and numeric & set(fields):
                    found.setdefault((target.split("?", 1)[0], frozenset(fields)), (role, target, fields))
    _FORMS[id(world)] = list(found.values())
    assert _FORMS[id(world)], "no form with a number or id field found: the walk is broken"
    return _FORMS[id(world)]


@settings(FUZZ, max_examples=2)  # the walk that finds the forms is the bulk of its time
@given(data=st.data())
def test_every_numeric_field_of_every_form_as_posted(app, client, world, data):
    numeric = set(form_number_fields())
    for role, action, fields in _forms_of_the_pages(app, client, world):
        names = sorted(numeric & set(fields))
        chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, unique=True), label=action)
        post = {**fields, **{name: data.draw(NUMBER_LIKE, label=f"{action}.{name}") for name in chosen}}
        as_role(client, world, role)
        before = row_counts()
        response = client.post(action, data=post)
        _answer(response, f"POST {action} as {role} with {post!r}")
        if 400 <= response.status_code < 500:
            db.session.expire_all()
            assert row_counts() == before, f"POST {action}: a refused post wrote rows ({post!r})"
        db.session.rollback()
