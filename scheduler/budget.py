"""Time budgets: every phase of a solve checks one, so the time limit and the stop button hold in all of
them (reading the slots, the first timetable, the bounds, the explanations), not only in the solvers."""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


class OutOfTime(Exception):
    """The budget's deadline has passed or a stop was asked: the phase ends with what it has."""


def _never() -> bool:
    return False


@dataclass(frozen=True)
class Budget:
    """A deadline on ``time.monotonic()`` (``inf``: none) and a stop callback."""

    end: float = math.inf
    stop: Callable[[], bool] = field(default=_never, compare=False)

    @classmethod
    def after(cls, seconds: float, stop: Callable[[], bool] = _never) -> Budget:
        """A budget ending ``seconds`` from now."""
        return cls(time.monotonic() + seconds, stop)

    def left(self) -> float:
        """Seconds until the deadline (negative once it has passed)."""
        return self.end - time.monotonic()

    def expired(self) -> bool:
        """Whether the deadline has passed or a stop was asked."""
        return self.stop() or time.monotonic() >= self.end

    def check(self) -> None:
        """Raise OutOfTime once the budget is spent; loops call it once per unit of work."""
        if self.expired():
            raise OutOfTime


UNLIMITED = Budget()


@contextlib.contextmanager
def interrupting(stop: Callable[[], bool], interrupt: Callable[[], object]) -> Iterator[None]:
    """While the block runs (a solver's ``Solve()``, which checks no budget), a thread calls
    ``interrupt()`` as soon as ``stop()`` turns true."""
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.2):
            if stop():
                interrupt()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
