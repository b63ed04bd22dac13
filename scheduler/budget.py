"""Time budgets: every phase of a solve checks one, so the time limit and the stop button hold in all of
them (reading the slots, the first timetable, the bounds, the explanations), not only in the solvers.
And memory: ``give_back_memory`` after each solver call returns what it freed to the system."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

_T = TypeVar("_T")


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


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None on a C library without it (musl, macOS)."""
    try:
        return ctypes.CDLL(None).malloc_trim  # the process's own C library
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def give_back_memory() -> None:
    """Return the C heap's free pages to the system (glibc's ``malloc_trim``; nothing elsewhere).

    An LP or MIP of a large component allocates and frees hundreds of megabytes in the solver's C++ code;
    glibc keeps what was freed in each thread's arena, so the next solver, in the other lane, would start
    on top of it and the process's peak would be the sum of both. Called after each solver call (about a
    millisecond). It lowers what the process holds between two solvers' peaks, not those peaks
    (docs/scheduler.md, "Memory")."""
    if _TRIM is not None:
        _TRIM(0)


def gives_back_memory(solve: Callable[..., _T]) -> Callable[..., _T]:
    """A solver call that gives back what it freed once it returns (``give_back_memory``): its solver
    objects are gone with its frame."""

    @functools.wraps(solve)
    def solved(*args, **kwargs) -> _T:
        try:
            return solve(*args, **kwargs)
        finally:
            give_back_memory()

    return solved
