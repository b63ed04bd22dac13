"""The numeric and id parameters of the app, derived from the code so that a new route or parameter is fuzzed
without editing a test (tests/security/test_fuzz_parameters.py):

* path arguments: every argument of every rule of the URL map;
* query and form parameters: every name the app reads from ``request.args`` / ``request.form`` /
  ``request.values`` (a constant, or a constant handed to a helper that reads its argument, e.g.
  ``festival.api.params``), found in the source;
* form fields: every field of every form class that holds a number, a date, an id or a version.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from flask_wtf import FlaskForm
from hypothesis import strategies as st
from wtforms import (
    DateField,
    DateTimeField,
    DecimalField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectFieldBase,
    TimeField,
)
from wtforms.fields.core import UnboundField

FESTIVAL = Path(__file__).resolve().parents[2] / "festival"
REQUEST_DATA = {"args", "form", "values", "files"}
NUMERIC_FIELDS = (IntegerField, FloatField, DecimalField, DateField, DateTimeField, TimeField, HiddenField)
ID_NAME = re.compile(r"(^|_)(id|ids|version|lock|page|position|number|per_page)$")


def _reads_request(node: ast.AST) -> str | None | bool:
    """For ``request.args.get(x)`` / ``request.form.getlist(x)`` / ``request.args[x]``: the constant name,
    None when ``x`` is not a constant, False when the node is no such read."""
    target, key = None, None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        target, key = node.func.value, node.args[0]
    elif isinstance(node, ast.Subscript):
        target, key = node.value, node.slice
    if not (
        isinstance(target, ast.Attribute)
        and target.attr in REQUEST_DATA
        and isinstance(target.value, ast.Name)
        and target.value.id == "request"
    ):
        return False
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return key.value
    return key.id if isinstance(key, ast.Name) else None


@cache
def request_parameters() -> tuple[str, ...]:
    """Every parameter name the app reads from the request, found in its source."""
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in sorted(FESTIVAL.rglob("*.py"))]
    names: set[str] = set()
    helpers: dict[str, int] = {}  # function -> position of the argument it reads from the request
    for tree in trees:
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            arguments = [a.arg for a in function.args.args]
            for node in ast.walk(function):
                read = _reads_request(node)
                if read is False or read is None:
                    continue
                if read in arguments:  # a helper that reads the name it is given
                    helpers[function.name] = arguments.index(read)
                else:
                    names.add(read)
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and len(node.args) > helpers.get(_called(node), len(node.args)):
                value = node.args[helpers[_called(node)]]
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    names.add(value.value)
    return tuple(sorted(names))


def _called(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _forms(cls=FlaskForm):
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("festival."):
            yield sub
        yield from _forms(sub)


@cache
def form_number_fields() -> tuple[str, ...]:
    """The names of the fields of the app's forms that hold a number, a date, an id or a version."""
    names = set()
    for form in _forms():
        for klass in form.__mro__:
            for name, value in vars(klass).items():
                if not isinstance(value, UnboundField):
                    continue
                field = value.field_class
                coerced = issubclass(field, SelectFieldBase) and value.kwargs.get("coerce") is int
                if issubclass(field, NUMERIC_FIELDS) or coerced or ID_NAME.search(name):
                    names.add(name)
    return tuple(sorted(names))


def numeric_parameters() -> tuple[str, ...]:
    """Every query or form parameter that holds a number or an id (the union of the two lists above: names
    read from the request that are not numbers get numbers too, which they must refuse as well)."""
    return tuple(sorted(set(request_parameters()) | set(form_number_fields())))


# what a number or an id can be sent as: everything python's int(), float() or a date parser might choke on
NUMBER_LIKE = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from([
        "", " ", "0", "-1", "1", "2147483647", "2147483648", "9" * 5000, "1e309", "-1e309", "nan", "NaN",
        "inf", "²", "٣", "𝟗", "1_000", "+5", " 7 ", "0x10", "1,5", "1.5", "½", "9999-12-31", "0000-01-01",
        "9999-12-31T23:59", "2021-02-30", "24:61", "\x00", "[]", "null", "1\n2", "\u202e1",
    ]),
)  # fmt: skip
