"""Deadline rush: many filmmakers saving drafts and submitting at once, then checked for losses.

Starts PostgreSQL, Redis and gunicorn (2 workers) on loopback (bench/stack.py) and creates N filmmakers
with complete drafts (bench/rush_setup.py). Two phases, each with `--concurrency` filmmakers at once:

- sign-in: every filmmaker opens the login page and logs in (an Argon2id check each), as they do in
  the hours before a deadline;
- rush: every filmmaker saves the draft `--saves` times with a new synopsis, opens the review page and
  submits twice (a double click): the minutes before the deadline.

Two kinds of browser, side by side on the same stack, each with its own N filmmakers: ``form`` (no
page script: GET the step, POST it, as after the classic save's redirect) and ``script`` (the step
page's script: the page once, at sign-in, then saves in place, asking for JSON). The table gives each
phase and the whole journey (both phases' requests over both phases' time). Afterwards the database is
checked against what was sent: every entry submitted once with its own reference, the last saved
synopsis kept, one receipt mail each.

    .venv/bin/python bench/load_deadline.py [--users 64] [--concurrency 16] [--saves 5] [--threads 2]
                                            [--client form|script|both]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.htmlforms import page_forms  # noqa: E402
from bench.stack import ROOT, VENV_BIN, stack  # noqa: E402
from festival.auth.passwords import hash_password, verify_password  # noqa: E402

JSON = {"Accept": "application/json"}
CLIENTS = ("form", "script")


class Browser:
    """One filmmaker's keep-alive connection with its session cookie.

    With ``unavailable`` (a list), a 503 is not an error: it is noted there (when, and what) and the
    request is sent again a moment later, as the page asks (bench/fault_database_restart.py)."""

    RETRY_PAUSE = 0.25
    RETRIES = 120

    def __init__(self, port: int, timings: dict, errors: list, unavailable: list | None = None, address=""):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        self.address = address  # the filmmaker's own address, as the reverse proxy would pass it on
        self.timings, self.errors, self.unavailable = timings, errors, unavailable

    def request(self, method: str, path: str, data=None, kind: str | None = None, extra=None):
        for _ in range(self.RETRIES if self.unavailable is not None else 0):
            status, text, headers = self._send(method, path, data, kind, extra)
            if status != 503:
                return status, text, headers
            self.unavailable.append((time.perf_counter(), kind or method))
            time.sleep(self.RETRY_PAUSE)
        status, text, headers = self._send(method, path, data, kind, extra)
        if status >= 400:
            self.errors.append(f"{method} {path} -> {status}")
        return status, text, headers

    def _send(self, method: str, path: str, data, kind: str | None, extra):
        body = urllib.parse.urlencode(data or {}, doseq=True) if data is not None else None
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if self.address:
            headers["X-Forwarded-For"] = self.address
        headers.update(extra or {})
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        t0 = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - t0
        self.timings[kind or method].append(elapsed)
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, text, dict(response.getheaders())

    def form(self, path: str, action_contains: str, kind: str) -> dict:
        status, html, _ = self.request("GET", path, kind=kind)
        for action, fields in page_forms(html).items():
            if action_contains in (action or path):
                return dict(fields)
        self.errors.append(f"no form with {action_contains!r} on {path} ({status})")
        return {}


def _flashes(html: str) -> str:
    """The messages a page shows (what went wrong), for the error list."""
    found = re.findall(r'class="flash[^"]*"[^>]*>(.*?)<', html, re.S)
    return "; ".join(m.strip() for m in found)[:200] or html[:200]


class Filmmaker:
    """One virtual filmmaker: signs in (the login page, the login, and for the script client the step
    page it then saves from), later rushes (saves the draft `saves` times, opens the review page and
    submits twice, like a double click).

    ``client="script"`` is a browser running the step page's script: it loads the step once and saves
    in place (the same POST asking for JSON; each save sends the version the last one returned).
    ``client="form"`` is a browser without it: the step page again before every save, as after the
    classic save's redirect."""

    def __init__(self, port, user, password, client, timings, errors, sent, unavailable=None):
        self.user, self.password, self.client = user, password, client
        self.errors, self.sent = errors, sent  # the timings are the browser's (a phase swaps them)
        n = user["entry_id"]
        self.browser = Browser(
            port, timings, errors, unavailable, f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        )
        self.step = f"/entries/{user['entry_id']}/edit/film"
        self.fields: dict = {}

    def sign_in(self) -> None:
        b = self.browser
        login = b.form("/auth/login", "/auth/login", "login page")
        login.update(email=self.user["email"], password=self.password)
        status, text, _ = b.request("POST", "/auth/login", login, kind="login")
        if status != 302 and status < 400:  # the login page again (an HTTP error is counted already)
            self.errors.append(f"login {status}: {_flashes(text)}")
        if self.client == "script":
            self.fields = b.form(self.step, self.step, "step page")
        b.conn.close()  # a new connection for the rush (the server closes idle ones after 5 s anyway)

    def rush(self, saves: int) -> None:
        b, entry, step = self.browser, self.user["entry_id"], self.step
        for k in range(saves):
            if self.client == "form":
                self.fields = b.form(step, step, "step page")
            fields = self.fields
            fields["synopsis_short"] = f"Save {k} by {self.user['email']}"
            if self.client == "script":
                status, text, _ = b.request("POST", step, {**fields, "save": "1"}, "draft save", JSON)
                fields["version"] = str(json.loads(text)["version"]) if status == 200 else fields["version"]
            else:
                status, _, _ = b.request("POST", step, fields, kind="draft save")
            if status in (200, 302, 303):  # saved in place, or the redirect after a POST
                self.sent[entry] = fields["synopsis_short"]  # acknowledged: the check expects it kept
            elif status < 400:  # an HTTP error is already counted by the browser
                self.errors.append(f"draft save {status}")
        review = b.form(f"/entries/{entry}/edit/review", f"/entries/{entry}/submit", "review page")
        review["accept_terms"] = "y"
        for _ in range(2):  # a double click
            status, _, _ = b.request("POST", f"/entries/{entry}/submit", review, kind="submit")
            if status not in (302, 303) and status < 400:
                self.errors.append(f"submit {status}")
        b.conn.close()


def check(env: dict, users: list[dict], sent: dict) -> dict:
    """Compare the database with what the filmmakers sent."""
    script = (
        "import json,sys\n"
        "from festival import create_app\n"
        "from festival.extensions import db\n"
        "from festival.models import Entry, OutboxMail\n"
        "ids=json.loads(sys.argv[1])\n"
        "with create_app().app_context():\n"
        "  rows=db.session.execute(db.select(Entry.id,Entry.status,Entry.reference,Entry.synopsis_short)"
        ".where(Entry.id.in_(ids))).all()\n"
        "  mails=db.session.scalar(db.select(db.func.count()).select_from(OutboxMail)"
        ".where(OutboxMail.recipient.in_(json.loads(sys.argv[2]))))\n"
        "  print(json.dumps({'rows':[list(map(str,r)) for r in rows],'mails':mails}))\n"
    )
    ids = [u["entry_id"] for u in users]
    out = subprocess.run(
        [str(VENV_BIN / "python"), "-c", script, json.dumps(ids), json.dumps([u["email"] for u in users])],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    data = json.loads(out.strip().splitlines()[-1])
    rows = {int(r[0]): r for r in data["rows"]}
    refs = [r[2] for r in rows.values()]
    return {
        "entries": len(rows),
        "submitted": sum(r[1] == "submitted" for r in rows.values()),
        "unique_references": len(set(refs)) == len(refs) and "None" not in refs,
        "lost_saves": sum(rows[e][3] != text for e, text in sent.items()),
        "receipts": data["mails"],
    }


def login_hash_cpu_seconds(samples: int = 5) -> float:
    """CPU seconds (all threads) one password check costs with the app's own hasher."""
    stored = hash_password("Rush-Hour-Deadline-2027")
    start = time.process_time()
    for _ in range(samples):
        verify_password(stored, "Rush-Hour-Deadline-2027")
    return (time.process_time() - start) / samples


def machine_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent (all cores, user + system), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = f.readline().split()[1:]
    user, nice, system = (int(x) for x in fields[:3])
    return (user + nice + system) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else 0.0


def rush_parser(doc: str, users: int) -> argparse.ArgumentParser:
    """The options of a rush: how many filmmakers, how many at once, how many saves each."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=users)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--saves", type=int, default=5)
    return parser


def main() -> None:
    """Run the rush and print the table."""
    parser = rush_parser(__doc__, users=64)
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    parser.add_argument("--client", choices=(*CLIENTS, "both"), default="both")
    args = parser.parse_args()
    setup: dict = {}
    login_cpu = login_hash_cpu_seconds()
    clients = CLIENTS if args.client == "both" else (args.client,)
    results = {}
    with stack(
        workers=2, threads=args.threads, prepare=filmmakers_into(setup, args.users * len(clients))
    ) as s:
        port = int(s["base"].rsplit(":", 1)[1])
        users = setup["users"]
        for n, client in enumerate(clients):  # each client its own filmmakers, on the same stack
            mine = users[n * args.users : (n + 1) * args.users]
            results[client] = rush(port, mine, setup["password"], args, client)
            results[client]["check"] = check(s["env"], mine, results[client]["sent"])
    print(
        f"\nDeadline rush: {args.users} filmmakers per client, {args.concurrency} at once, "
        f"{args.saves} saves + 2 submits each"
    )
    print(f"gunicorn 2 workers x {args.threads} threads, PostgreSQL, load generator on the same 2 cores")
    for client, r in results.items():
        report(client, r, args, login_cpu)
    if len(results) > 1:
        summary(results)


def filmmakers_into(setup: dict, count: int):
    """A stack's ``prepare``: create `count` filmmakers with complete drafts, their emails, entry ids
    and password into `setup` (bench/rush_setup.py)."""

    def prepare(env: dict) -> None:
        done = subprocess.run(
            [str(VENV_BIN / "python"), "-m", "bench.rush_setup", str(count)],
            env=env, cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"bench/rush_setup.py failed:\n{done.stderr[-3000:]}")
        setup.update(json.loads(done.stdout.strip().splitlines()[-1]))

    return prepare


def run_phase(filmmakers: list[Filmmaker], act, concurrency: int) -> dict:
    """``act(filmmaker)`` for every filmmaker, `concurrency` at a time; wall time and CPU."""
    queue = list(filmmakers)
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                one = queue.pop()
            act(one)

    t0, cpu0, own0 = time.perf_counter(), machine_cpu_seconds(), own_cpu_seconds()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "wall": time.perf_counter() - t0,
        "cpu": machine_cpu_seconds() - cpu0,
        "own": own_cpu_seconds() - own0,
    }


def rush(port: int, users: list[dict], password: str, args, client: str) -> dict:
    """The filmmakers of one client kind: all sign in, then all rush; timings and CPU per phase."""
    timings = {phase: defaultdict(list) for phase in PHASES}
    errors: list[str] = []
    sent: dict[int, str] = {}
    filmmakers = [
        Filmmaker(port, user, password, client, timings["sign-in"], errors, sent) for user in users
    ]  # fmt: skip
    phases = {"sign-in": run_phase(filmmakers, Filmmaker.sign_in, args.concurrency)}
    for one in filmmakers:
        one.browser.timings = timings["rush"]
    phases["rush"] = run_phase(filmmakers, lambda one: one.rush(args.saves), args.concurrency)
    for phase, figures in phases.items():
        figures["timings"] = timings[phase]
    return {"phases": phases, "errors": errors, "sent": sent}


PHASES = ("sign-in", "rush")
KINDS = ("draft save", "submit", "step page", "review page", "login page", "login")


def writes_and_total(timings: dict) -> tuple[list[float], int]:
    """The saves' and submits' timings, and the number of requests of any kind."""
    return timings["draft save"] + timings["submit"], sum(len(v) for v in timings.values())


def journey(r: dict) -> dict:
    """Both phases together: every request's timing, the wall time and CPU summed."""
    timings: dict[str, list[float]] = defaultdict(list)
    for figures in r["phases"].values():
        for kind, values in figures["timings"].items():
            timings[kind] += values
    total = {key: sum(f[key] for f in r["phases"].values()) for key in ("wall", "cpu", "own")}
    return {**total, "timings": timings}


def report(client: str, r: dict, args, login_cpu: float) -> None:
    print(f"\n### client: {client} ({DESCRIPTIONS[client]})\n")
    print("| phase | kind | count | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for phase, figures in r["phases"].items():
        for kind in KINDS:
            v = figures["timings"].get(kind)
            if v:
                print(
                    f"| {phase} | {kind} | {len(v)} | {pct(v, 0.5):.1f} | {pct(v, 0.95):.1f} | "
                    f"{pct(v, 0.99):.1f} |"
                )
    for name, figures in (*r["phases"].items(), ("whole journey", journey(r))):
        writes, total = writes_and_total(figures["timings"])
        wall, cpu, own = figures["wall"], figures["cpu"], figures["own"]
        line = f"\n{name}: {total} requests in {wall:.1f} s = {total / wall:.0f} req/s"
        if writes:
            line += (
                f"; saves+submits: {len(writes)} = {len(writes) / wall:.0f} req/s, "
                f"p95 {pct(writes, 0.95):.0f} ms, mean {statistics.mean(writes) * 1000:.0f} ms"
            )
        print(line)
        print(
            f"  CPU: {cpu:.1f} s of the machine's {2 * wall:.1f}; the load generator {own:.1f} s, "
            f"the server side (gunicorn, PostgreSQL, Redis) {cpu - own:.1f} s = "
            f"{(cpu - own) / max(1, total) * 1000:.1f} ms per request"
        )
    hashing = login_cpu * args.users
    print(
        f"logins: {args.users} password checks x {login_cpu * 1000:.0f} ms CPU = {hashing:.1f} CPU-s "
        "(all in the sign-in phase)"
    )
    print(f"errors: {len(r['errors'])} {r['errors'][:5]}")
    print(f"check: {r['check']} -> {'clean' if clean(r['check']) else 'FAILED'}")


DESCRIPTIONS = {
    "form": "no page script: the step page before every save",
    "script": "the step page's script: one page, then saves in place",
}


def clean(verdict: dict) -> bool:
    """Every entry submitted once with its own reference and receipt, and no save lost: a submit
    turned away with a message (a redirect, not an HTTP error) shows up here."""
    n = verdict["entries"]
    return (
        verdict["submitted"] == n == verdict["receipts"]
        and verdict["unique_references"]
        and verdict["lost_saves"] == 0
    )


def summary(results: dict) -> None:
    print(
        "\n| client | rush: saves+submits/s | rush: p95 ms | rush: requests per write "
        "| whole journey: saves+submits/s | whole: p95 ms | errors | database check |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for client, r in results.items():
        rush_figures, whole = r["phases"]["rush"], journey(r)
        writes, total = writes_and_total(rush_figures["timings"])
        all_writes, _ = writes_and_total(whole["timings"])
        print(
            f"| {client} | {len(writes) / rush_figures['wall']:.0f} | {pct(writes, 0.95):.0f} | "
            f"{total / len(writes):.2f} | {len(all_writes) / whole['wall']:.0f} | "
            f"{pct(all_writes, 0.95):.0f} | {len(r['errors'])} | "
            f"{'clean' if clean(r['check']) else 'FAILED'} |"
        )


if __name__ == "__main__":
    main()
