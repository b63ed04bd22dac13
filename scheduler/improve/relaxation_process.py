"""A component's Lagrangian relaxation solved in a Python process of its own.

numpy's many small steps hold the GIL, so two relaxations in threads share one core. The child is a
fresh interpreter running this module (``python -m scheduler.improve.relaxation_process``): nothing of
the caller's main module is imported again and nothing is forked from a process that may have solver
threads running.
The parent writes one pickle to the child's stdin (instance, component, deadline, incumbent); the child
writes a pickle per result to its stdout, then None. Any byte or the end of its stdin stops the child
(the parent asking, or the parent gone). Both share the deadline: CLOCK_MONOTONIC is machine-wide.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..data import Instance, Screening
from . import relaxation

log = logging.getLogger("scheduler")

# a child still running this long after its deadline is killed (it stops by itself at the deadline; the
# grace covers a machine too loaded to let it notice in time)
GRACE_SECONDS = 10.0


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
        pickle.dump((instance, comp, end, best), child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        child.stdin.flush()
    except (OSError, ValueError):
        return False
    done = threading.Event()

    def watch() -> None:
        asked = False
        while not done.wait(0.2):
            if not asked and stop():
                asked = True
                with contextlib.suppress(OSError):
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
        with contextlib.suppress(OSError):
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
    instance, comp, end, best = pickle.load(sys.stdin.buffer)  # noqa: S301 (from the parent process)
    halt = threading.Event()

    def listen() -> None:
        sys.stdin.buffer.read(1)  # a byte or the end of the input: stop
        halt.set()

    threading.Thread(target=listen, daemon=True).start()
    out = sys.stdout.buffer
    lock = threading.Lock()

    def send(message) -> None:
        with lock:
            pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()

    try:
        relaxation.solve_component(
            instance,
            comp,
            budget=max(0.0, end - time.monotonic()),
            best=lambda: best,
            deterministic=False,
            stop=halt.is_set,
            take=lambda screenings, bound, phase: send((screenings, bound, phase)),
        )
    finally:
        send(None)


if __name__ == "__main__":
    _main()
    os._exit(0)  # at once: the listening thread still blocks on stdin, which finalisation would wait on
