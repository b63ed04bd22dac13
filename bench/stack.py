"""Start the production stack on loopback for load benchmarks: PostgreSQL, Redis and gunicorn.

Used by the bench/load_*.py scripts; needs root (PostgreSQL runs as the postgres user) and the Debian
packages postgresql, redis-server and wrk. Everything lives in a temporary directory and is stopped
and removed on exit.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


def _run(cmd: list[str], **kw) -> None:
    subprocess.run(cmd, check=True, **kw)


def _wait_http(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


AS_POSTGRES = ["runuser", "-u", "postgres", "--"]


def postgres_binaries() -> str | None:
    """The newest installed PostgreSQL's bin folder (Debian's layout), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    return found[-1] if found else None


def _pg_ctl(tmp: Path, *args: str, check: bool = True) -> None:
    cmd = [*AS_POSTGRES, f"{postgres_binaries()}/pg_ctl", "-D", str(tmp / "pg"), "-w", *args]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=check)


def start_postgres(tmp: Path, port: int) -> None:
    """Start the cluster in tmp/pg on 127.0.0.1:port (its socket folder tmp; durability off: a
    throwaway database)."""
    opts = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {tmp} "
        "-c fsync=off -c synchronous_commit=off -c max_connections=200"
    )
    _pg_ctl(tmp, "-l", str(tmp / "pg.log"), "-o", opts, "start")


def stop_postgres(tmp: Path, check: bool = True) -> None:
    """A fast shutdown of the cluster in tmp/pg: every session ended, open transactions aborted."""
    _pg_ctl(tmp, "-m", "fast", "stop", check=check)


def restart_postgres(tmp: Path) -> None:
    """Restart the cluster that postgres(tmp, port) runs: a fast shutdown (as in a server restart or
    failover), then a start with the same options."""
    _pg_ctl(tmp, "-l", str(tmp / "pg.log"), "-m", "fast", "restart")


@contextlib.contextmanager
def postgres(tmp: Path, port: int) -> Iterator[str]:
    """A throwaway PostgreSQL cluster on 127.0.0.1:port; yields its SQLAlchemy URL."""
    pgbin = postgres_binaries()
    shutil.chown(tmp, "postgres", "postgres")
    initdb = [f"{pgbin}/initdb", "-D", str(tmp / "pg"), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
    _run([*AS_POSTGRES, *initdb, "--locale=C.UTF-8"], stdout=subprocess.DEVNULL)
    start_postgres(tmp, port)
    try:
        _run(
            [
                *AS_POSTGRES,
                f"{pgbin}/createdb",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "festival",
            ]
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/festival"
    finally:
        stop_postgres(tmp, check=False)


@contextlib.contextmanager
def redis(tmp: Path, port: int) -> Iterator[str]:
    """A throwaway Redis on 127.0.0.1:port; yields its URL."""
    pidfile = tmp / "redis.pid"
    _run(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--daemonize",
            "yes",
            "--pidfile",
            str(pidfile),
            "--dir",
            str(tmp),
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            str(tmp / "redis.log"),
        ]
    )
    for _ in range(50):
        if pidfile.exists():
            break
        time.sleep(0.1)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        with contextlib.suppress(Exception):
            os.kill(int(pidfile.read_text()), 15)


@contextlib.contextmanager
def stack(
    workers: int = 2,
    threads: int = 2,  # gunicorn.conf.py's default (GUNICORN_THREADS)
    port: int = 58000,
    pg_port: int = 55433,
    redis_port: int = 56380,
    prepare=None,
) -> Iterator[dict]:
    """PostgreSQL + Redis + migrated, demo-loaded app under gunicorn; yields env and base URL.

    ``prepare(env)`` runs after the demo load and before gunicorn starts (e.g. to publish a timetable).
    """
    tmp = Path(tempfile.mkdtemp(prefix="festival-bench-"))
    try:
        with postgres(tmp, pg_port) as db_url, redis(tmp, redis_port) as redis_url:
            env = {
                **os.environ,
                "FESTIVAL_ENV": "production",
                "PUBLIC_BASE_URL": "https://festival.example.cn",
                "SECRET_KEY": "bench-" + "x" * 40,
                "DATABASE_URL": db_url,
                "REDIS_URL": redis_url,
                "UPLOAD_FOLDER": str(tmp / "uploads"),
                # as behind nginx: the login limits count per client address, which the load
                # scripts send as X-Forwarded-For (one per virtual filmmaker)
                "TRUSTED_PROXIES": "1",
                "LOG_LEVEL": "WARNING",
                "FLASK_APP": "festival:create_app",
                "PATH": f"{VENV_BIN}:{os.environ['PATH']}",
            }
            _run([str(VENV_BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
            # a production site refuses the demo unless told twice (the flag and the typed words)
            demo = [str(VENV_BIN / "flask"), "demo", "load", "--i-know-this-is-production"]
            demo_env = {**env, "FESTIVAL_DEMO_IN_PRODUCTION": "create demo accounts"}
            _run(demo, env=demo_env, cwd=ROOT, stdout=subprocess.DEVNULL)
            if prepare is not None:
                prepare(env)
            cmd = [
                str(VENV_BIN / "gunicorn"),
                "-c",  # the production settings (worker recycling, keep-alive), with the workers below
                str(ROOT / "gunicorn.conf.py"),
                "-w",
                str(workers),
                "--threads",
                str(threads),
                "-b",
                f"127.0.0.1:{port}",
                "--no-control-socket",
                "--access-logfile",
                "/dev/null",
                "--error-logfile",
                str(tmp / "gunicorn.log"),
                "wsgi:app",
            ]
            server = subprocess.Popen(cmd, env=env, cwd=ROOT)
            try:
                base = f"http://127.0.0.1:{port}"
                _wait_http(base + "/healthz")
                yield {"env": env, "base": base, "db_url": db_url, "tmp": tmp}
            finally:
                server.terminate()
                server.wait(30)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
