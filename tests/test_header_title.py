"""The header's edition name: kept per process for a few seconds instead of a query in every page."""

from __future__ import annotations

import sqlalchemy as sa

from festival import navigation
from festival.extensions import db
from tests.statements import sent_while


def _selects(fn) -> int:
    _, statements = sent_while(fn)
    return sum(s.lstrip().upper().startswith("SELECT") for s in statements)


def _title(client, path="/auth/login", lang=None) -> str:
    headers = {"Accept-Language": lang} if lang else {}
    html = client.get(path, headers=headers).get_data(as_text=True)
    return html.split("<title>", 1)[1].split("</title>", 1)[0]


def test_the_header_asks_the_database_once_per_period_and_shows_a_rename_after_it(
    app, client, make, monkeypatch
):
    edition = make.edition(name="21st BJIFF S&T Section", name_zh="第二十一届北影节科技单元")
    db.session.commit()
    clock = [1000.0]
    monkeypatch.setattr(navigation.time, "monotonic", lambda: clock[0])

    first = _selects(lambda: _title(client))
    assert "21st BJIFF S&amp;T Section" in _title(client)
    assert "第二十一届北影节科技单元" in _title(client, lang="zh-CN")
    again = _selects(lambda: _title(client))
    assert again == first - 1  # the login page itself reads nothing; the header read once

    edition.name = "22nd BJIFF S&T Section"
    db.session.commit()
    clock[0] += navigation.HEADER_TITLE_SECONDS - 1
    assert "21st" in _title(client)
    clock[0] += 2
    assert "22nd BJIFF S&amp;T Section" in _title(client)


def test_a_page_that_looked_up_the_edition_shows_that_one_in_its_header(app, client, make, monkeypatch):
    make.edition(name="Old name")
    db.session.commit()
    assert "Old name" in _title(client)  # cached for the login page
    db.session.execute(sa.update(navigation.Edition).values(name="New name"))
    db.session.commit()
    assert "New name" in _title(client, path="/")  # the home page reads the edition itself
