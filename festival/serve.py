"""Run the app on a laptop: one process serving HTTP (threads) plus the embedded job worker."""

from __future__ import annotations

import argparse

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
    if start_worker is not None:
        start_worker(app)
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
