"""Run the app on a laptop: one process serving HTTP (threads) plus the embedded job worker."""

from __future__ import annotations

import argparse
import signal
import sys

from werkzeug.serving import run_simple

from festival import create_app


def main() -> None:
    """Serve the app with its background worker until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    app = create_app()
    start_worker = app.extensions.get("festival.start_embedded_worker")
    consumer = start_worker(app) if start_worker is not None else None
    if consumer is None:
        print(
            "REDIS_URL is set: solver runs wait in Redis until scripts/worker consumes them.", file=sys.stderr
        )
    else:
        print("Solver runs are executed by the embedded job worker of this process.", file=sys.stderr)
    # SIGTERM (process managers, kill) ends the server like Ctrl-C, so a running solver run keeps its best.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)  # a running solver run ends early and keeps its best timetable


if __name__ == "__main__":
    main()
