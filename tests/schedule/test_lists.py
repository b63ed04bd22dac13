"""Long lists and counts on the timetable pages: the films tab is searched, filtered and paged; a count of
one is said in the singular (English) and reads right in Chinese."""

from __future__ import annotations

import re

from festival.extensions import db
from festival.schedule import edits, routes


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr id="film-\d+" class="status-(\w+)">\s*<td>([^<]+)', page)


def test_the_films_tab_is_searched_filtered_and_paged(client, auth, fest, draft, monkeypatch):
    auth.login_as(fest["staff"])
    url = f"/staff/timetable/versions/{draft.id}/films"
    everything = client.get(url).get_data(as_text=True)
    assert len(_rows(everything)) == 5 and "5 films in all" in everything
    starry = client.get(url + "?q=starry").get_data(as_text=True)
    assert [t for _, t in _rows(starry)] == ["Starry Sky"] and "1 film matches" in starry
    by_chinese_title = client.get(url + "?q=星空").get_data(as_text=True)
    assert [t for _, t in _rows(by_chinese_title)] == ["Starry Sky"]
    by_reference = client.get(url + "?q=" + fest["films"]["b"].reference).get_data(as_text=True)
    assert [t for _, t in _rows(by_reference)] == ["Film B"]
    giant = client.get(url + "?format=giant_screen&status=ok").get_data(as_text=True)
    assert [t for _, t in _rows(giant)] == ["Film C"]
    assert len(_rows(client.get(url + "?format=nonsense&status=nonsense").get_data(as_text=True))) == 5
    nothing = client.get(url + "?status=over").get_data(as_text=True)
    assert _rows(nothing) == [] and "0 films match" in nothing

    monkeypatch.setattr(routes, "FILMS_PER_PAGE", 2)
    first = client.get(url).get_data(as_text=True)
    assert len(_rows(first)) == 2 and 'rel="next"' in first
    last = client.get(url + "?page=3").get_data(as_text=True)
    assert len(_rows(last)) == 1 and 'rel="next"' not in last
    assert client.get(url + "?page=abc").status_code == 200
    filtered = client.get(url + "?format=dome").get_data(as_text=True)  # A, B, Starry Sky: the pager keeps it
    assert f'href="/staff/timetable/versions/{draft.id}/films?page=2&amp;format=dome"' in filtered


def test_a_count_of_one_is_singular_and_reads_right_in_chinese(client, auth, fest, draft):
    a = next(s for s in draft.screenings if s.entry_id == fest["films"]["a"].id)
    edits.remove_screening(a, actor=None, lock=None)  # Film A (at least 1) now has none
    db.session.commit()
    auth.login_as(fest["staff"])
    films = client.get(f"/staff/timetable/versions/{draft.id}/films").get_data(as_text=True)
    assert "1 film has fewer screenings than its minimum." in films
    assert [
        t
        for s, t in _rows(
            client.get(f"/staff/timetable/versions/{draft.id}/films?status=short").get_data(as_text=True)
        )
    ] == ["Film A"]
    theaters = client.get(f"/staff/timetable/versions/{draft.id}/theaters").get_data(as_text=True)
    assert "1 screening ·" in theaters and "1 screenings" not in theaters
    grid = client.get(f"/staff/timetable/versions/{draft.id}?day=2031-04-02").get_data(as_text=True)
    assert "2 screenings · expected attendance" in grid
    stats = client.get(f"/staff/timetable/versions/{draft.id}/stats").get_data(as_text=True)
    assert "2 screenings, " in stats

    client.get("/language/zh?next=/")
    films_zh = client.get(f"/staff/timetable/versions/{draft.id}/films").get_data(as_text=True)
    assert "1 部影片的场次少于其最少场次。" in films_zh and "共 5 部影片" in films_zh
    theaters_zh = client.get(f"/staff/timetable/versions/{draft.id}/theaters").get_data(as_text=True)
    assert "1 场 ·" in theaters_zh
