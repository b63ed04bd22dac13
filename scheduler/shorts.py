"""Grouping short films into programmes that screen as one (issue 18): a small CP-SAT model.

A programme is a list of short films shown back to back with a fixed gap between two films. Its members

* can be shown by one kind of theater: the theater's formats include the members' (one) format and its
  features include every feature a member requires (a *room kind*, ``room_kinds``);
* address one audience: each member either names the programme's audience among its audiences or names
  none (a film without audiences fits any programme);
* run, with the gaps, between ``min_minutes`` and ``max_minutes``.

The model places as many films as it can; among the groupings that place the most, it makes the
programmes' popularities (the sum of their members') as even as it can (the smallest spread between the
most and the least popular programme). It is solved with one worker and a fixed seed, so the same input
gives the same programmes; ``time_limit`` bounds it in CP-SAT's deterministic time (so a loaded machine
gives the same answer), with the wall clock as a backstop at ``WALL_FACTOR`` times the limit (the best
grouping found by then is returned, with ``optimal`` False). A film left out is reported with a reason
code and its values (``Unplaced``); the app says it in words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# why a film is in no programme (``Unplaced.reason``)
TOO_LONG = "too_long"  # the film alone runs longer than a programme may
NO_ROOM = "no_room"  # no theater shows its format with the features it requires
TOO_FEW = "too_few"  # the films it can share a programme with do not reach the minimum length together
NO_FIT = "no_fit"  # compatible films exist, but no grouping within the lengths had room for it
REASONS = (TOO_LONG, NO_ROOM, TOO_FEW, NO_FIT)
# how many times the deterministic time limit the wall clock may take before the model stops anyway
WALL_FACTOR = 2


@dataclass(frozen=True)
class ShortFilm:
    """A short film to group: its id (any string), running time, format, the theater features it
    requires, its audiences (tags; empty: any) and its popularity (expected audience, >= 0)."""

    id: str
    runtime: int
    format: str
    requires: frozenset[str] = frozenset()
    audiences: frozenset[str] = frozenset()
    popularity: int = 0


@dataclass(frozen=True)
class Room:
    """What one theater can show: its formats and features."""

    formats: frozenset[str]
    features: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Lengths:
    """A programme's length: films plus ``gap`` minutes between two films, within [minimum, maximum]."""

    minimum: int
    maximum: int
    gap: int = 0

    def of(self, runtimes: Iterable[int]) -> int:
        """The length of a programme of films with these running times."""
        runtimes = list(runtimes)
        return sum(runtimes) + self.gap * max(0, len(runtimes) - 1)

    def fits(self, runtimes: Iterable[int]) -> bool:
        return self.minimum <= self.of(runtimes) <= self.maximum


@dataclass(frozen=True)
class Unplaced:
    """A film in no programme: ``reason`` (one of ``REASONS``) and the minutes that explain it
    (``minutes``: the film's runtime for TOO_LONG, what its compatible films run together for TOO_FEW)."""

    film: str
    reason: str
    minutes: int = 0


@dataclass(frozen=True)
class Grouping:
    """The proposer's answer: programmes (each a list of film ids in screening order), the films left out
    with their reasons, and whether the grouping is proven best."""

    programmes: list[list[str]]
    unplaced: list[Unplaced] = field(default_factory=list)
    optimal: bool = False


# ---------------------------------------------------------------- compatibility


def room_kinds(rooms: Iterable[Room]) -> list[tuple[str, frozenset[str]]]:
    """The distinct (format, features) a programme can be shown with, one per format a room shows and the
    room's features, in a fixed order (rooms whose features include another's of the same format are kept:
    each is a kind; a film fits a kind when it has the format and requires a subset of the features)."""
    kinds = {(fmt, frozenset(room.features)) for room in rooms for fmt in room.formats}
    return sorted(kinds, key=lambda k: (k[0], sorted(k[1])))


def shows(kind: tuple[str, frozenset[str]], film: ShortFilm) -> bool:
    """A room kind can show the film."""
    return kind[0] == film.format and film.requires <= kind[1]


def audiences_of(films: Sequence[ShortFilm]) -> list[str]:
    """Every audience named by a film, sorted; a lone "" when none is (the model picks one of these)."""
    return sorted({a for f in films for a in f.audiences}) or [""]


def addresses(audience: str, film: ShortFilm) -> bool:
    """A film fits a programme for ``audience`` (it names it, or it names no audience)."""
    return not film.audiences or audience in film.audiences


def can_share(a: ShortFilm, b: ShortFilm, kinds: Sequence[tuple[str, frozenset[str]]]) -> bool:
    """Two films may be in one programme: one room kind shows both, and they have an audience in common
    (or one names none)."""
    same_room = any(shows(k, a) and shows(k, b) for k in kinds)
    same_audience = not a.audiences or not b.audiences or bool(a.audiences & b.audiences)
    return same_room and same_audience


def compatible(films: Sequence[ShortFilm], rooms: Iterable[Room]) -> bool:
    """The films may form one programme, whatever its length: one room kind shows all of them and one
    audience fits all."""
    return not set(programme_faults(films, rooms, Lengths(0, 10**9))) - {PROGRAMME_TOO_SHORT}


# what makes a list of films no valid programme (``programme_faults``)
MIXED_FORMATS = "mixed_formats"
NO_COMMON_ROOM = "no_common_room"
NO_COMMON_AUDIENCE = "no_common_audience"
PROGRAMME_TOO_LONG = "programme_too_long"
PROGRAMME_TOO_SHORT = "programme_too_short"


def programme_faults(films: Sequence[ShortFilm], rooms: Iterable[Room], lengths: Lengths) -> list[str]:
    """Why these films cannot be one programme, as codes (in this order: ``MIXED_FORMATS`` or
    ``NO_COMMON_ROOM``, ``NO_COMMON_AUDIENCE``, ``PROGRAMME_TOO_LONG`` or ``PROGRAMME_TOO_SHORT``); empty
    when they can. The one statement of a programme's rules: the proposer's model encodes the same."""
    if not films:
        return []
    faults = []
    kinds = room_kinds(rooms)
    if len({f.format for f in films}) > 1:
        faults.append(MIXED_FORMATS)
    elif not any(all(shows(k, f) for f in films) for k in kinds):
        faults.append(NO_COMMON_ROOM)
    if not any(all(addresses(a, f) for f in films) for a in audiences_of(films)):
        faults.append(NO_COMMON_AUDIENCE)
    minutes = lengths.of(f.runtime for f in films)
    if minutes > lengths.maximum:
        faults.append(PROGRAMME_TOO_LONG)
    elif minutes < lengths.minimum:
        faults.append(PROGRAMME_TOO_SHORT)
    return faults


# ---------------------------------------------------------------- the model


def propose_programmes(
    films: Sequence[ShortFilm],
    rooms: Iterable[Room],
    lengths: Lengths,
    *,
    seed: int = 0,
    time_limit: float = 5.0,
) -> Grouping:
    """Group ``films`` into programmes (see the module's docstring). Deterministic for one input and
    ``seed``; stops after ``time_limit`` seconds at most."""
    films = sorted(films, key=lambda f: f.id)
    kinds = room_kinds(rooms)
    early = _early_reasons(films, kinds, lengths)
    candidates = [f for f in films if f.id not in early]
    programmes, optimal = _solve(candidates, kinds, lengths, seed, time_limit) if candidates else ([], True)
    placed = {fid for p in programmes for fid in p}
    unplaced = [early.get(f.id) or Unplaced(f.id, NO_FIT) for f in films if f.id not in placed]
    return Grouping(programmes=programmes, unplaced=unplaced, optimal=optimal)


def why_alone(
    film: ShortFilm, films: Sequence[ShortFilm], kinds: Sequence[tuple[str, frozenset[str]]], lengths: Lengths
) -> Unplaced | None:
    """What stops ``film`` from being in any programme whatever the grouping of ``films`` (the short films
    it could share one with), or None: it runs longer than a programme may, no room kind shows it, or it
    and the films it can share a programme with run shorter together than the minimum."""
    if film.runtime > lengths.maximum:
        return Unplaced(film.id, TOO_LONG, film.runtime)
    if not any(shows(k, film) for k in kinds):
        return Unplaced(film.id, NO_ROOM)
    mates = [
        g for g in films if g.id != film.id and g.runtime <= lengths.maximum and can_share(film, g, kinds)
    ]
    total = lengths.of(g.runtime for g in [film, *mates])
    if total < lengths.minimum:
        return Unplaced(film.id, TOO_FEW, total)
    return None


def _early_reasons(
    films: Sequence[ShortFilm], kinds: Sequence[tuple[str, frozenset[str]]], lengths: Lengths
) -> dict[str, Unplaced]:
    """Films that no grouping can place, with why (``why_alone``)."""
    reasons = {f.id: why_alone(f, films, kinds, lengths) for f in films}
    return {fid: reason for fid, reason in reasons.items() if reason is not None}


def _solve(
    films: Sequence[ShortFilm],
    kinds: Sequence[tuple[str, frozenset[str]]],
    lengths: Lengths,
    seed: int,
    time_limit: float,
) -> tuple[list[list[str]], bool]:
    from ortools.sat.python import cp_model  # loaded when a grouping is asked for, as explain/pins.py does

    n = len(films)
    audiences = audiences_of(films)
    # at most as many programmes as the films' total length allows (each needs the minimum), and no more
    # than one per film
    total = sum(f.runtime + lengths.gap for f in films)
    slots = max(1, min(n, total // max(1, lengths.minimum)))
    model = cp_model.CpModel()
    x = {(i, k): model.new_bool_var(f"x{i}_{k}") for i in range(n) for k in range(min(slots, i + 1))}
    used = [model.new_bool_var(f"u{k}") for k in range(slots)]
    room = {(k, r): model.new_bool_var(f"r{k}_{r}") for k in range(slots) for r in range(len(kinds))}
    aud = {(k, a): model.new_bool_var(f"a{k}_{a}") for k in range(slots) for a in range(len(audiences))}
    placed = []
    for i, film in enumerate(films):
        mine = [x[i, k] for k in range(slots) if (i, k) in x]
        model.add_at_most_one(mine)
        placed.append(sum(mine))
        for k in range(slots):
            if (i, k) not in x:
                continue
            model.add_implication(x[i, k], used[k])
            model.add_bool_or(
                [room[k, r] for r in range(len(kinds)) if shows(kinds[r], film)]
            ).only_enforce_if(x[i, k])
            model.add_bool_or(
                [aud[k, a] for a in range(len(audiences)) if addresses(audiences[a], film)]
            ).only_enforce_if(x[i, k])
    pop_max = sum(f.popularity for f in films)
    pops = []
    for k in range(slots):
        members = [(i, x[i, k]) for i in range(n) if (i, k) in x]
        model.add_exactly_one([room[k, r] for r in range(len(kinds))])
        model.add_exactly_one([aud[k, a] for a in range(len(audiences))])
        length = sum(v * (films[i].runtime + lengths.gap) for i, v in members) - lengths.gap * used[k]
        model.add(length >= lengths.minimum).only_enforce_if(used[k])
        model.add(length <= lengths.maximum).only_enforce_if(used[k])
        model.add(sum(v for _, v in members) == 0).only_enforce_if(used[k].Not())
        if k:
            model.add_implication(used[k], used[k - 1])  # the used programmes come first
        pop = model.new_int_var(0, pop_max, f"p{k}")
        model.add(pop == sum(v * films[i].popularity for i, v in members))
        pops.append(pop)
    high = model.new_int_var(0, pop_max, "high")
    low = model.new_int_var(0, pop_max, "low")
    for k in range(slots):
        model.add(high >= pops[k])
        model.add(low <= pops[k]).only_enforce_if(used[k])
    spread = model.new_int_var(0, pop_max, "spread")
    model.add(spread == high - low)
    model.add(low <= high)
    model.maximize(sum(placed) * (pop_max + 1) - spread)
    # a first-fit grouping as the search's starting point (and the answer when the search finds none in
    # time): on a hundred films the model alone may find nothing within seconds
    start = first_fit(films, kinds, lengths)
    for k, group in enumerate(start):
        for i in group:
            model.add_hint(x[i, k], 1)
    for (i, k), var in x.items():
        if not any(i in group for group in start[k : k + 1]):
            model.add_hint(var, 0)
    for k in range(slots):
        model.add_hint(used[k], int(k < len(start)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    # the bound is CP-SAT's deterministic time (the same work on a loaded machine as on an idle one, so the
    # same answer); the wall clock stops it only when the machine is far slower than that
    solver.parameters.max_deterministic_time = time_limit
    solver.parameters.max_time_in_seconds = WALL_FACTOR * time_limit
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [[f.id for f in screening_order([films[i] for i in group])] for group in start], False
    programmes = []
    for k in range(slots):
        if solver.value(used[k]):
            members = [films[i] for i in range(n) if (i, k) in x and solver.value(x[i, k])]
            programmes.append([f.id for f in screening_order(members)])
    return programmes, status == cp_model.OPTIMAL


def first_fit(
    films: Sequence[ShortFilm], kinds: Sequence[tuple[str, frozenset[str]]], lengths: Lengths
) -> list[list[int]]:
    """A quick valid grouping (film indexes): longest films first, each into the first programme it keeps
    valid and within the maximum, else a new one; programmes still short of the minimum are dropped.
    Ordered by their first film's index, so programme k's films all have an index >= k (the model's
    symmetry rule)."""
    rooms = [Room(frozenset({fmt}), features) for fmt, features in kinds]
    open_groups: list[list[int]] = []
    for i in sorted(range(len(films)), key=lambda i: (-films[i].runtime, films[i].id)):
        for group in open_groups:
            faults = set(programme_faults([films[j] for j in [*group, i]], rooms, lengths))
            if not faults - {PROGRAMME_TOO_SHORT}:
                group.append(i)
                break
        else:
            open_groups.append([i])
    valid = [sorted(g) for g in open_groups if not programme_faults([films[j] for j in g], rooms, lengths)]
    return sorted(valid)


def screening_order(films: Sequence[ShortFilm]) -> list[ShortFilm]:
    """The order a proposed programme screens its films in: the most popular first (the one the audience
    came for opens it), then by running time and id, so the order is the same for the same members."""
    return sorted(films, key=lambda f: (-f.popularity, f.runtime, f.id))


def spread(programmes: Sequence[Sequence[ShortFilm]]) -> int:
    """The objective's balance term: the most popular programme's popularity minus the least's."""
    pops = [sum(f.popularity for f in p) for p in programmes]
    return max(pops) - min(pops) if pops else 0
