"""Neighbourhood search: a window of days of a component re-solved exactly with the rest of its best
timetable fixed, the windows where the LP promises most first."""

from __future__ import annotations

from collections.abc import Callable

from ..data import DAY, Screening
from .exact_model import ExactModel, ExactResult
from .exact_solve import solve_exact

# a window holds the consecutive days whose columns fit in WINDOW_COLUMNS (usually one day): larger windows
# find moves across days, smaller ones are solved to optimality faster
WINDOW_COLUMNS = 2_500
WINDOW_SECONDS = 2.0  # at most per window: a window not solved by then keeps SCIP's best so far
WINDOW_PASSES = 1  # deterministic mode: passes over the windows (no clock to stop them)
# a component followed by another in its lane hands its time over once its last STALL_WINDOWS windows
# gained less than STALL_SHARE of its objective together: the next component gains more from the seconds
STALL_WINDOWS = 6
STALL_SHARE = 1e-4


def improve_by_windows(
    model: ExactModel,
    point: list[float],
    *,
    best: Callable[[], list[Screening]],
    left: Callable[[], float],
    window_seconds: float,
    seed: int,
    deterministic: bool,
    stop: Callable[[], bool],
    take: Callable[[ExactResult], None],
    stall: int | None = None,
) -> None:
    """Large-neighbourhood search: re-solve a window of consecutive days (as many as fit in
    ``WINDOW_COLUMNS``, usually one) exactly with the rest of the incumbent fixed, the windows where the LP
    promises most over the incumbent first, in passes until a pass improves nothing or time is up, or
    (``stall``) until that many windows in a row gained less than ``STALL_SHARE`` together."""
    day_of_col = [s // DAY for _, _, s in model.keys]
    per_day: dict[int, int] = {}
    for d in day_of_col:
        per_day[d] = per_day.get(d, 0) + 1
    windows: list[list[int]] = [[]]
    size = 0
    for d in sorted(per_day):
        if windows[-1] and size + per_day[d] > WINDOW_COLUMNS:
            windows.append([])
            size = 0
        windows[-1].append(d)
        size += per_day[d]
    window_of = {d: k for k, w in enumerate(windows) for d in w}
    gains: list[int] = []
    for _ in range(WINDOW_PASSES if deterministic else 1 << 30):
        current = best()
        chosen = set(model.chosen(current))
        promise = [0.0] * len(windows)
        for v in range(model.size):
            promise[window_of[day_of_col[v]]] += model.coef[v] * (point[v] - (v in chosen))
        improved = False
        for k in sorted(range(len(windows)), key=lambda k: (-promise[k], k)):
            if stop() or left() <= 0.5:
                return
            current = best()
            chosen = set(model.chosen(current))
            before = model.objective_of(current)
            inside = {v for v in range(model.size) if window_of[day_of_col[v]] == k}
            res = solve_exact(
                model,
                hint=current,
                time_limit=window_seconds if deterministic else min(left(), window_seconds),
                seed=seed,
                deterministic=deterministic,
                stop=stop,
                columns=inside,
                ones=chosen - inside,
            )
            gain = 0
            if res.screenings is not None and res.objective > before:
                improved = True
                gain = res.objective - before
                take(ExactResult(res.screenings, None, None, False))
            gains.append(gain)
            if stall and len(gains) >= stall and sum(gains[-stall:]) < STALL_SHARE * abs(before):
                return
        if not improved:
            return
