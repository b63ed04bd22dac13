"""The LPs of the large exact-model components solved ahead, one after another in a thread of their own
from the start of the improvement.

The LPs go by column generation (bound/columns.py) from the components' descents (prices.py): the
simplex runs in C++ and releases the GIL, so an LP solved this way mostly uses the core that the first
stages leave idle (the roundings and relocations run in Python, on one core), and
a component's lane finds its LP's bound, point and reduced costs ready when it reaches the component, or
takes them as soon as they are (exact_component.py), instead of starting the LP seconds later. Components
up to ``exact_component.WHOLE_MODEL_COLUMNS`` are not solved ahead: SCIP solves their whole model, root
LP included, in their lane.

A component is solved either here or in its lane, never both: whoever claims it first (``claim``) builds
its model and solves its LP.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..bound.columns import lp_by_columns
from ..budget import Budget, OutOfTime
from ..data import Instance
from .components import Component
from .exact_model import ExactModel, as_linear, build

log = logging.getLogger("scheduler")

# an LP is solved ahead only when it should end within this share of the time left when its turn comes:
# one that the limit interrupts gives nothing, and holds a core the lanes could use
FITS_SHARE = 0.8


@dataclass
class LpSolution:
    """A component's LP: its honest bound (weak duality), its solution and reduced costs."""

    bound: int | None
    point: list[float] | None
    reduced: list[float] | None


class LpAhead:
    """The background thread and what it has solved, by component index."""

    def __init__(
        self,
        instance: Instance,
        comps: list[Component],
        order: list[int],
        *,
        end: float,
        stop: Callable[[], bool],
        sizes: list[int],
        seconds: Callable[[int], float],
        start: Callable[[int, ExactModel], set[int]],
        on_bound: Callable[[int, int], None],
        priority: Callable[[int], float] = lambda i: 0.0,
        ready: threading.Event | None = None,
    ):
        """``order``: the components to solve; ``end``: the monotonic time by which they must be done;
        ``sizes``: the components' columns; ``seconds(columns)``: about how long an LP of that size
        takes (a component whose LP would not fit is left to its lane, unbuilt); ``start(i, model)``:
        the columns its column generation starts from (bound/columns.py); ``on_bound(i, bound)``:
        called from the thread with each component's bound as soon as it is known; ``priority(i)``:
        how much component i has to gain (its bound less its objective so far): once ``ready`` is set
        (the components' descents are over, their bounds and points in), the thread takes the
        remaining component with the most next (``order`` breaks ties)."""
        self.instance, self.comps, self.order = instance, comps, list(order)
        self.end, self.stop, self.seconds, self.start_columns = end, stop, seconds, start
        self.sizes = sizes
        self.on_bound = on_bound
        self.priority = priority
        if ready is None:
            ready = threading.Event()
            ready.set()
        self.ready = ready
        self._lock = threading.Lock()
        self._owner: dict[int, str] = {}
        self._built = {i: threading.Event() for i in self.order}
        self._done = {i: threading.Event() for i in self.order}
        self._models: dict[int, ExactModel] = {}
        self._solutions: dict[int, LpSolution] = {}
        self._thread = threading.Thread(target=self._run, name="lp-ahead", daemon=True)

    def start(self) -> LpAhead:
        self._thread.start()
        return self

    def join(self) -> None:
        self._thread.join()

    def claim(self, i: int, who: str) -> bool:
        """Whether ``who`` ("ahead" or "lane") is the one to solve component ``i`` (the first to ask)."""
        with self._lock:
            return self._owner.setdefault(i, who) == who

    def owns(self, i: int) -> bool:
        """Whether this thread solves (or solved) component ``i``'s LP."""
        with self._lock:
            return self._owner.get(i) == "ahead"

    def model(self, i: int) -> ExactModel | None:
        """The component's model as built here (waits for the building, under a second), or None when
        it could not be built in time; handed over to the one lane that asks (this thread keeps none)."""
        self._built[i].wait()
        return self._models.pop(i, None)  # handed over: gone once the lane is done with the component

    def done(self, i: int) -> bool:
        return self._done[i].is_set()

    def wait(self, i: int, seconds: float) -> None:
        """Wait at most ``seconds`` for component ``i``'s LP to end."""
        self._done[i].wait(seconds)

    def solution(self, i: int) -> LpSolution | None:
        """The component's LP once done (None before, or when it was not solved)."""
        return self._solutions.get(i) if self.done(i) else None

    def of(self, i: int) -> _One:
        """Component ``i``'s model and LP, for exact_component.solve_component (``ahead=``)."""
        return _One(self, i)

    def _run(self) -> None:
        try:
            pending = list(self.order)
            self.ready.wait(max(0.0, self.end - time.monotonic()))
            while pending:
                # the component with the most to gain first (the order given breaks ties)
                i = max(pending, key=lambda i: (self.priority(i), -pending.index(i)))
                pending.remove(i)
                log.debug("LP ahead: component %d next (to gain %s)", i, self.priority(i))
                # an LP that would not end in time is left to the lane (unclaimed: the lane then chooses
                # as without this thread, e.g. the descent when the exact model would not pay off)
                fits = self.seconds(self.sizes[i]) <= FITS_SHARE * (self.end - time.monotonic())
                if self.stop() or not fits or not self.claim(i, "ahead"):
                    continue
                self._solve(i)
        except Exception:  # a bug: the lanes go on without the LPs solved ahead
            log.exception("the LPs solved ahead failed")
        finally:
            for event in (*self._built.values(), *self._done.values()):
                event.set()

    def _solve(self, i: int) -> None:
        comp = self.comps[i]
        try:
            try:
                budget = Budget(self.end, self.stop)
                model = build(self.instance, list(comp.films), list(comp.theaters), budget)
            except OutOfTime:
                return
            self._models[i] = model
        finally:
            self._built[i].set()
        try:
            left = self.end - time.monotonic()
            if self.seconds(model.size) > FITS_SHARE * left:
                log.debug("component %d: its LP (%d columns) would not end in %.1f s", i, model.size, left)
                return
            start = self.start_columns(i, model)
            bound, point, reduced = lp_by_columns(
                as_linear(model), start, self.end - time.monotonic(), stop=self.stop
            )
            self._solutions[i] = LpSolution(bound, point, reduced)
            log.debug("component %d: LP solved ahead, bound %s", i, bound)
            if bound is not None:
                self.on_bound(i, bound)
        finally:
            self._done[i].set()


@dataclass
class _One:
    ahead: LpAhead
    i: int

    def model(self) -> ExactModel | None:
        return self.ahead.model(self.i)

    def done(self) -> bool:
        return self.ahead.done(self.i)

    def wait(self, seconds: float) -> None:
        self.ahead.wait(self.i, seconds)

    def solution(self) -> LpSolution | None:
        return self.ahead.solution(self.i)
