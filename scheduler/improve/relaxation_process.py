"""A component's Lagrangian relaxation solved in a Python process of its own.

numpy's many small steps hold the GIL, so two relaxations in threads share one core. The child is a
fresh interpreter running this module (``python -m scheduler.improve.relaxation_process``): nothing of
the caller's main module is imported again and nothing is forked from a process that may have solver
threads running.
The parent writes one pickle to the child's stdin (instance, component, deadline, incumbent timetable or
None, niceness); the child writes a pickle per result to its stdout, then None (from a thread of its own,
so that a parent not reading yet never holds the descent up). Any byte or the end of its stdin stops the
child (the parent asking, or the parent gone). Both share the deadline: CLOCK_MONOTONIC is machine-wide.

On festivals whose every component is too large for an LP solver (alliance-sized), the pipeline starts
the children before the first timetable (``start_early``): the relaxation needs no timetable to descend,
so the core the greedy leaves idle lowers the bounds meanwhile, and the children's start (an interpreter,
numpy, the value tables: about a second) is no longer on the way. This module imports numpy only in the
child, so that the pipeline can do that before it loads the improvement.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..data import Instance, Screening
from .components import Component, components, merge_reserve
from .grid_shape import grid_cells

log = logging.getLogger("scheduler")

# a child still running this long after its deadline is killed (it stops by itself at the deadline; the
# grace covers a machine too loaded to let it notice in time)
GRACE_SECONDS = 10.0
# start_early: a component with at least this many cells in its value tables is certain to be left to the
# relaxation (lanes.py: above EXACT_MODEL_COLUMNS columns, and a column is a cell where the film can start;
# alliance-sized components have 1.1-5.6 million cells and 1.0-4.2 million columns, four-times ones at most
# 0.35 million cells)
EARLY_CELLS = 1_000_000
# at most this many cells (relaxation.MAX_GRID_CELLS: past it the lanes keep the first timetable)
EARLY_MAX_CELLS = 100_000_000
# an early child's niceness: below the parent's, so that the greedy keeps its core
EARLY_NICE = 10
EARLY_MIN_SECONDS = 5.0  # time limits below this start nothing early


def solve_in_process(
    instance: Instance,
    comp,
    *,
    budget: float,
    best: list[Screening],
    stop: Callable[[], bool],
    take: Callable[[list[Screening] | None, int | None, str], None],
) -> bool:
    """Solve the component's relaxation in a child process, handing its results to ``take``; False when
    no child could be started (the caller then solves it in its own thread)."""
    end = time.monotonic() + budget
    child = _spawn(instance, comp, end, best, 0)
    return child is not None and _follow(child, end, stop, take)


class Early:
    """A component's relaxation started before the first timetable (``start_early``)."""

    def __init__(self, child: subprocess.Popen, end: float):
        self.child = child
        self.end = end
        self.followed = False

    def follow(
        self, stop: Callable[[], bool], take: Callable[[list[Screening] | None, int | None, str], None]
    ) -> bool:
        """Hand the child's results so far and from now on to ``take`` until it ends (as
        ``solve_in_process``); False when it could not run."""
        self.followed = True
        return _follow(self.child, self.end, stop, take)

    def cancel(self) -> None:
        """Stop the child unless followed (nothing of it is wanted)."""
        if self.followed:
            return
        self.followed = True
        with contextlib.suppress(OSError, ValueError):
            self.child.stdin.close()  # the child stops
            self.child.stdout.close()  # and what it still writes goes nowhere
        try:
            self.child.wait(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait()


def start_early(
    instance: Instance, *, time_limit: float, started: float, workers: int, deterministic: bool
) -> dict[Component, Early]:
    """On a festival whose every component is certain to be left to the relaxation (``EARLY_CELLS``),
    each component's relaxation started in a child now, before the first timetable, to end when the
    improvement's components do (``merge_reserve`` before the limit, the first timetable's screenings
    counted at the films' maximums); by component. Empty otherwise, and with one worker, in deterministic
    mode and below ``EARLY_MIN_SECONDS``."""
    if deterministic or workers < 2 or time_limit < EARLY_MIN_SECONDS:
        return {}
    comps, _ = components(instance)
    cells = [grid_cells(instance, c) for c in comps]
    if not any(cells) or any(0 < n < EARLY_CELLS for n in cells):
        return {}
    most = sum(f.max_screenings for f in instance.films)
    end = started + time_limit - merge_reserve(time_limit, most)
    early = {}
    for comp, n in zip(comps, cells, strict=True):
        if EARLY_CELLS <= n <= EARLY_MAX_CELLS:
            child = _spawn(instance, comp, end, None, EARLY_NICE)
            if child is not None:
                early[comp] = Early(child, end)
    return early


def _spawn(instance: Instance, comp, end: float, best: list[Screening] | None, nice: int):
    """A child solving the component's relaxation until ``end`` (None when it cannot start)."""
    env = dict(os.environ)  # the child imports this very package, wherever the caller's cwd is
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "scheduler.improve.relaxation_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        pickle.dump((instance, comp, end, best, nice), child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        child.stdin.flush()
    except (OSError, ValueError):
        return None
    return child


def _follow(
    child: subprocess.Popen,
    end: float,
    stop: Callable[[], bool],
    take: Callable[[list[Screening] | None, int | None, str], None],
) -> bool:
    """The child's results handed to ``take`` until it ends; False when it could not even start."""
    done = threading.Event()

    def watch() -> None:
        asked = False
        while not done.wait(0.2):
            if not asked and stop():
                asked = True
                with contextlib.suppress(OSError, ValueError):
                    child.stdin.write(b"x")
                    child.stdin.flush()
            if time.monotonic() > end + GRACE_SECONDS:
                child.kill()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    received = 0
    try:
        while True:
            try:
                message = pickle.load(child.stdout)  # noqa: S301 (our own child process)
            except (EOFError, pickle.UnpicklingError, OSError):
                break
            if message is None:
                break
            received += 1
            take(*message)
    finally:
        done.set()
        watcher.join()
        with contextlib.suppress(OSError, ValueError):
            child.stdin.close()
        try:
            child.wait(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    if not received and child.returncode:  # it could not even start (e.g. python not runnable)
        log.warning("relaxation process exited with status %s; solving in this process", child.returncode)
        return False
    return True


def _main() -> None:
    from . import relaxation  # numpy: only in the child

    instance, comp, end, best, nice = pickle.load(sys.stdin.buffer)  # noqa: S301 (from the parent process)
    if nice:
        with contextlib.suppress(OSError):
            os.nice(nice)
    halt = threading.Event()

    def listen() -> None:
        sys.stdin.buffer.read(1)  # a byte or the end of the input: stop
        halt.set()

    threading.Thread(target=listen, daemon=True).start()
    out = sys.stdout.buffer
    outbox: queue.Queue = queue.Queue()

    def write() -> None:  # the results in order; the descent never waits for a parent not reading yet
        while True:
            message = outbox.get()
            with contextlib.suppress(OSError):
                pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
                out.flush()
            if message is None:
                return

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        relaxation.solve_component(
            instance,
            comp,
            budget=max(0.0, end - time.monotonic()),
            best=lambda: best or [],
            deterministic=False,
            stop=halt.is_set,
            take=lambda screenings, bound, phase: outbox.put((screenings, bound, phase)),
        )
    finally:
        outbox.put(None)
        writer.join(GRACE_SECONDS)


if __name__ == "__main__":
    _main()
    os._exit(0)  # at once: the listening thread still blocks on stdin, which finalisation would wait on
