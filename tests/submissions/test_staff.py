"""Staff: the filterable, sortable entry table, the CSV export and reopening one entry."""

from __future__ import annotations

import csv
import io

import pytest

from festival.extensions import db
from festival.models.enums import EntryStatus, FilmFormat, PremiereStatus
from festival.submissions import errors, services, window
from tests.conftest import Auth, csrf_token
from tests.submissions.conftest import beijing, mails


@pytest.fixture
def table(make, edition, filmmaker, other_filmmaker):
    """Four entries of the edition (one a draft) and one of another edition."""

    def entry(owner, status, number, **kw):
        return make.entry(
            edition, owner, status=status, number=number, reference=f"BJIFF21-ST-{number:04d}", **kw
        )

    rows = {
        "dome": entry(filmmaker, EntryStatus.SUBMITTED, 1, title_en="Aurora", format=FilmFormat.DOME,
                      country="Germany", premiere_status=PremiereStatus.CHINA, runtime_minutes=30),
        "giant": entry(other_filmmaker, EntryStatus.SUBMITTED, 2, title_en="Blue Whale", title_zh="蓝鲸",
                       format=FilmFormat.GIANT_SCREEN, country="China", premiere_status=PremiereStatus.WORLD,
                       runtime_minutes=45),
        "scifi": entry(other_filmmaker, EntryStatus.WITHDRAWN, 3, title_en="=HYPERLINK(\"http://evil\")",
                       format=FilmFormat.SCIFI, country="China", premiere_status=PremiereStatus.NONE,
                       runtime_minutes=98, director="+Cmd", production_company="@SUM(A1)",
                       languages="\t=1+1", subtitles="＠SUM(A1)"),
        "draft": make.entry(edition, filmmaker, title_en="Unfinished", format=FilmFormat.FOUR_D),
    }  # fmt: skip
    other_edition = make.edition(reference_prefix="OLD-ST")
    rows["old"] = make.entry(other_edition, filmmaker, status=EntryStatus.SUBMITTED, title_en="Old film")
    db.session.commit()
    return rows


@pytest.fixture
def staff_client(client, auth, staff):
    auth.login_as(staff)
    db.session.commit()
    return client


def _titles(html: str, table) -> set[str]:
    return {key for key, entry in table.items() if f'/entries/{entry.id}"' in html}


def test_table_is_for_staff_only(client, auth, filmmaker, make):
    auth.login_as(filmmaker)
    assert client.get("/entries/staff").status_code == 403
    assert client.get("/entries/staff/entries.csv").status_code == 403
    auth.login_as(make.user(role="curator"))
    db.session.commit()
    assert client.get("/entries/staff").status_code == 403


def test_table_shows_the_edition_without_drafts_by_default(staff_client, table, edition):
    html = staff_client.get(f"/entries/staff?edition={edition.id}").get_data(as_text=True)
    assert _titles(html, table) == {"dome", "giant", "scifi"}
    assert "蓝鲸" in html


def test_admins_see_the_table_too(client, auth, make, table):
    auth.login_as(make.user(role="admin"))
    db.session.commit()
    assert client.get("/entries/staff").status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("format=giant_screen", {"giant"}),
        ("status=withdrawn", {"scifi"}),
        ("status=draft", {"draft"}),
        ("status=all", {"dome", "giant", "scifi", "draft"}),
        ("country=China", {"giant", "scifi"}),
        ("premiere=world", {"giant"}),
        ("country=China&premiere=none", {"scifi"}),
        ("q=whale", {"giant"}),
        ("q=BJIFF21-ST-0001", {"dome"}),
        ("q=%25", set()),
    ],
)
def test_table_filters(staff_client, table, edition, query, expected):
    html = staff_client.get(f"/entries/staff?edition={edition.id}&{query}").get_data(as_text=True)
    assert _titles(html, table) == expected


def test_any_edition_and_bad_filter_values_do_not_break_the_table(staff_client, table):
    response = staff_client.get(
        "/entries/staff?edition=&format=vhs&status=nope&premiere=x&sort=evil&dir=up&page=abc"
    )
    assert response.status_code == 200
    assert _titles(response.get_data(as_text=True), table) == {"dome", "giant", "scifi", "old"}


def test_table_sorts_by_a_column_both_ways(staff_client, table, edition):
    def order(query):
        html = staff_client.get(f"/entries/staff?edition={edition.id}&{query}").get_data(as_text=True)
        return sorted(("dome", "giant", "scifi"), key=lambda k: html.index(f'/entries/{table[k].id}"'))

    assert order("sort=runtime&dir=asc") == ["dome", "giant", "scifi"]
    assert order("sort=runtime&dir=desc") == ["scifi", "giant", "dome"]
    assert order("sort=title&dir=asc") == ["scifi", "dome", "giant"]  # "=HYPERLINK..." sorts first


def test_table_paginates(staff_client, make, edition, filmmaker):
    for n in range(1, 56):
        make.entry(edition, filmmaker, status=EntryStatus.SUBMITTED, number=n, reference=f"P-{n:04d}")
    db.session.commit()
    first = staff_client.get(f"/entries/staff?edition={edition.id}").get_data(as_text=True)
    second = staff_client.get(f"/entries/staff?edition={edition.id}&page=2").get_data(as_text=True)
    assert "P-0050" in first and "P-0051" not in first
    assert "P-0051" in second and "P-0055" in second
    assert "55 entries" in first


def test_csv_export_of_the_filtered_list(staff_client, table, edition):
    response = staff_client.get(f"/entries/staff/entries.csv?edition={edition.id}&country=China")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Chinese text
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row["reference"] for row in rows] == ["BJIFF21-ST-0002", "BJIFF21-ST-0003"]
    whale = rows[0]
    assert (
        whale["title_zh"] == "蓝鲸" and whale["format"] == "giant_screen" and whale["runtime_minutes"] == "45"
    )
    assert whale["account_email"] == table["giant"].owner.email


def test_csv_cells_cannot_become_formulas(staff_client, table, edition):
    raw = staff_client.get(f"/entries/staff/entries.csv?edition={edition.id}&status=withdrawn").get_data()
    (row,) = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert row["title_en"] == '\'=HYPERLINK("http://evil")'
    assert row["director"] == "'+Cmd"
    assert row["production_company"] == "'@SUM(A1)"
    assert row["languages"] == "'\t=1+1" and row["subtitles"] == "'＠SUM(A1)"  # tab; full-width at sign
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@"))


def test_staff_open_any_entry_read_only(staff_client, table):
    html = staff_client.get(f"/entries/{table['giant'].id}").get_data(as_text=True)
    assert "Blue Whale" in html and "Reopen the entry form" in html
    assert f"/entries/{table['giant'].id}/edit/" not in html


def test_staff_reopen_an_entry_until_a_beijing_time(staff_client, table, clock):
    clock(beijing(2031, 3, 15, 9, 0))  # after the deadline
    entry = table["dome"]
    response = staff_client.post(
        f"/entries/{entry.id}/reopen", data={"until": "2031-03-17T18:00", "action": "reopen"}
    )
    assert response.status_code == 303
    db.session.refresh(entry)
    assert entry.reopened_until == beijing(2031, 3, 17, 18, 0)  # read as Beijing time = 10:00 UTC
    assert window.window_open(entry)
    assert not window.window_open(table["giant"])
    (mail,) = mails("entry_reopened")
    assert mail.recipient == entry.owner.email and "2031-03-17 18:00" in mail.body
    page = staff_client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert 'value="2031-03-17T18:00"' in page
    history = page.split("History")[1]
    assert "Li Ming" in history and "reopened_until" in history


def test_reopen_time_must_be_in_the_future(staff_client, table, clock):
    clock(beijing(2031, 3, 15, 9, 0))
    entry = table["dome"]
    response = staff_client.post(
        f"/entries/{entry.id}/reopen", data={"until": "2031-03-15T08:00", "action": "reopen"}
    )
    assert response.status_code == 422
    assert "Choose a time in the future." in response.get_data(as_text=True)
    garbled = staff_client.post(
        f"/entries/{entry.id}/reopen", data={"until": "next tuesday", "action": "reopen"}
    )
    assert garbled.status_code == 422
    db.session.refresh(entry)
    assert entry.reopened_until is None


def test_staff_close_a_reopening_again(staff_client, table, staff, clock):
    clock(beijing(2031, 3, 15, 9, 0))
    entry = table["dome"]
    services.reopen_entry(entry, actor=staff, until=beijing(2031, 3, 17, 18, 0))
    db.session.commit()
    assert staff_client.post(f"/entries/{entry.id}/reopen", data={"action": "close"}).status_code == 303
    db.session.refresh(entry)
    assert entry.reopened_until is None and not window.window_open(entry)


def test_filmmakers_cannot_reopen(client, auth, filmmaker, table):
    auth.login_as(filmmaker)
    response = client.post(f"/entries/{table['dome'].id}/reopen", data={"until": "2031-03-17T18:00"})
    assert response.status_code == 403


def test_decided_entries_cannot_be_reopened(table, staff):
    entry = table["giant"]
    entry.status = EntryStatus.ACCEPTED
    with pytest.raises(errors.InvalidTransition):
        services.reopen_entry(
            entry, actor=staff, until=beijing(2031, 3, 17, 18, 0), now=beijing(2031, 3, 15, 9, 0)
        )


def test_reopen_with_a_real_csrf_token(csrf_client, table, staff, clock):
    clock(beijing(2031, 3, 15, 9, 0))
    Auth(csrf_client).login_as(staff)
    entry = table["dome"]
    token = csrf_token(csrf_client, f"/entries/{entry.id}")
    response = csrf_client.post(
        f"/entries/{entry.id}/reopen",
        data={"csrf_token": token, "until": "2031-03-17T18:00", "action": "reopen"},
    )
    assert response.status_code == 303


def test_staff_withdraw_an_accepted_film_from_the_programme_and_only_staff(
    client, app, make, edition, filmmaker, staff
):
    entry = make.entry(edition, filmmaker, status=EntryStatus.SUBMITTED, title_en="Aurora")
    make.accepted(entry)
    db.session.commit()
    Auth(client).login_as(filmmaker)
    assert client.post(f"/entries/{entry.id}/withdraw-from-programme").status_code == 403
    Auth(client).login_as(staff)
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "Withdraw from the programme" in page
    response = client.post(f"/entries/{entry.id}/withdraw-from-programme")
    assert response.status_code == 303
    db.session.refresh(entry)
    assert entry.status == EntryStatus.WITHDRAWN and entry.withdrawn_at is not None
    # a second press: it is no longer accepted, so it is refused with the reason
    client.post(f"/entries/{entry.id}/withdraw-from-programme")
    assert "Only an accepted film can be withdrawn" in client.get(f"/entries/{entry.id}").get_data(
        as_text=True
    )
