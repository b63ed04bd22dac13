"""Run a job-queue consumer: ``python -m festival.worker [--workers N]`` (see scripts/worker).

With ``REDIS_URL`` set, start as many of these as you like, on any machine that reaches Redis and the
database. Without it, the consumer reads the embedded SQLite queue of this instance folder (the one
``python -m festival.serve`` also consumes). Ctrl-C or SIGTERM stop it: a running solver run ends early
and keeps the best timetable found so far.
"""

from __future__ import annotations

import argparse
import logging

from festival import create_app
from festival.extensions import job_queue
from festival.jobs import SHUTDOWN_GRACE_SECONDS, FestivalConsumer


def main(argv: list[str] | None = None) -> None:
    """Consume the queue until interrupted."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=1, help="worker threads (default 1)")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("festival", "huey"):
        logging.getLogger(name).setLevel(args.log_level)
    # A consumer never runs tasks inline, whatever the configuration says.
    app = create_app({"JOB_QUEUE_IMMEDIATE": False})
    queue = job_queue.queue(app)
    job_queue.worker_started(app)  # the areas' hooks, e.g. the solver runs a dead worker left
    logging.getLogger("festival.jobs").info("consuming the %s queue", queue.backend)
    consumer = FestivalConsumer(
        queue,
        workers=args.workers,
        periodic=False,
        worker_type="thread",
        shutdown_timeout=SHUTDOWN_GRACE_SECONDS,
    )
    consumer.run()


if __name__ == "__main__":
    main()
