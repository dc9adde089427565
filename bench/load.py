"""A bounded load test: simulated staff searching, reading, checking the scorecard and writing at once.

    python bench/load.py                       # 50 users for 10 minutes on divert_load (built if empty)
    python bench/load.py --seconds 60          # a quick run
    python bench/load.py --users 20 --workers 3 --threads 4 --database-url postgres://...

1. Setup (not measured). A PostgreSQL database (``--database-url``; created if missing, dropped
   first with ``--fresh``): ``migrate``, ``divert synth --if-empty`` (the demo authority), then
   ``bench/load_django.py setup`` makes ``--users`` load accounts - one head of service, one
   analyst, and a manager and social workers in each of the five busiest casework teams - and a
   signed-in session for each, written straight into the session table with the second factor
   marked as verified. Signing in is not what is measured, and these are not demo accounts
   (refused when DEBUG is off). ``collectstatic`` into a temporary folder.
2. gunicorn (``--workers`` processes of ``--threads`` threads) bound to 127.0.0.1 on a free port,
   with DEBUG off, a generated SECRET_KEY and ``DIVERT_HTTPS=0`` (plain HTTP on loopback only).
   Its logs go to ``--server-log`` (a temporary file by default). It is stopped however the run
   ends (an exception, Ctrl-C or SIGTERM).
3. Each user is a thread with their own session cookie. Until ``--seconds`` have passed it picks
   an action by its role's weights (``MIXES``), then waits a think time (0.5-2 s, seeded):
   search by a child's surname, open a child's page, their chronology, the scorecard (a manager
   or social worker half the time for their own team), an indicator's page, or add a significant
   event to a child's chronology (the form, then the POST), whose title carries a unique marker.
   Every request is recorded: kind, status, latency from sending to the last byte. An error is a
   connection failure, a 5xx, or any status but the expected one (200 for a page, a redirect to
   the chronology for a saved event): a 403, 404 or redirect to sign-in for a page the user may
   open is an error.
4. After the run the server is stopped and ``bench/load_django.py check`` counts the significant
   events holding each marker: every saved event must be there exactly once, and an event whose
   save failed should be absent (it is reported if present).

Targets: no errors, no write lost or duplicated (the exit status is 1 otherwise), and a 95th
percentile under 1 s (reported as a ratio, not enforced). The clients, gunicorn and PostgreSQL
share the same machine, so the figures include the clients' own cost.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from serving import collect_static, run_divert

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/divert_load"
HOST = "127.0.0.1"
TARGET_P95 = 1.0
THINK = (0.5, 2.0)
TIMEOUT = 60
HERE = Path(__file__).resolve().parent
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Each role's actions and their weights: what a working day looks like, roughly. Social workers
# and managers write; the head of service reads children and the chronology but writes none; the
# analyst reads figures and children, not chronologies (core/roles.py).
MIXES: dict[str, dict[str, int]] = {
    "social_worker": {"search": 3, "child": 3, "chronology": 1, "scorecard": 1, "edit": 2},
    "team_manager": {"search": 2, "child": 2, "chronology": 1, "scorecard": 3, "indicator": 1, "edit": 1},
    "head_of_service": {"search": 2, "child": 2, "chronology": 1, "scorecard": 3, "indicator": 2},
    "analyst": {"search": 1, "child": 1, "scorecard": 4, "indicator": 4},
}


# -- setup ---------------------------------------------------------------------------------------------
def _environment(database_url: str, work: Path) -> dict[str, str]:
    """The server's settings: production's (DEBUG off), except plain HTTP, which is on loopback only."""
    return dict(
        os.environ,
        DATABASE_URL=database_url,
        DIVERT_VAR_DIR=str(work),
        DEBUG="0",
        DIVERT_HTTPS="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        STATIC_ROOT=str(work / "static"),
        DJANGO_SETTINGS_MODULE="divert.settings",
    )


def _in_django(env: dict[str, str], *args: str) -> Any:
    """Run ``load_django.py`` with the server's settings (DEBUG off, its SECRET_KEY); its JSON answer."""
    command = [sys.executable, str(HERE / "load_django.py"), *args]
    done = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)  # noqa: S603
    return json.loads(done.stdout)


def _ensure_database(url: str, fresh: bool) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if fresh:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # a scratch database
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _analyze(url: str) -> None:
    """Planner statistics, as autovacuum gathers them on a working database (a fresh synth has none)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("ANALYZE")


def prepare(url: str, env: dict[str, str], users: int, seed: int, fresh: bool) -> dict[str, Any]:
    """The database, the demo authority, the load users and their sessions, the static files."""
    _ensure_database(url, fresh)
    run_divert(env, "migrate", "-v0")
    print(run_divert(env, "synth", "--if-empty").strip(), flush=True)
    _analyze(url)
    plan: dict[str, Any] = _in_django(env, "setup", str(users), str(seed))
    collect_static(env)
    return plan


# -- the server ----------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start(env: dict[str, str], workers: int, threads: int, port: int, log: Path) -> subprocess.Popen[bytes]:
    """gunicorn on loopback only, its own process group, every line it or Django logs into ``log``."""
    assert ipaddress.ip_address(HOST).is_loopback, "the load test's server must listen on loopback only"
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [
        gunicorn,
        "divert.wsgi",
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        "--error-logfile",
        "-",
    ]
    with log.open("ab") as output:
        server = subprocess.Popen(  # noqa: S603 - our own server
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start-up (exit {server.returncode}): see {log}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status < 500:
                return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise RuntimeError(f"gunicorn did not answer within 60 s: see {log}")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn and its workers (their own process group, started by us)."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _terminate(signum: int, frame: FrameType | None) -> None:
    """SIGTERM unwinds like Ctrl-C, so the ``finally`` that stops gunicorn runs."""
    raise KeyboardInterrupt


# -- the simulated users -------------------------------------------------------------------------------
@dataclass
class Outcome:
    user: int
    kind: str
    status: int  # 0: no response
    seconds: float
    problem: str = ""  # why it counts as an error; empty when it does not


@dataclass
class Write:
    marker: str
    saved: bool  # the server answered with the expected redirect


@dataclass
class Record:
    outcomes: list[Outcome] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


class User:
    """One person at their browser: their own session cookie and CSRF cookie, new connection per request."""

    def __init__(
        self, spec: dict[str, Any], plan: dict[str, Any], port: int, run: str, seed: int, edits: float
    ) -> None:
        self.spec = spec
        self.plan = plan
        self.port = port
        self.run = run
        self.number = int(spec["number"])
        self.random = random.Random(seed * 1000 + self.number)
        self.cookies = {"sessionid": str(spec["session"])}
        weights = {k: w * (edits if k == "edit" else 1) for k, w in MIXES[spec["role"]].items()}
        self.mix = {k: w for k, w in weights.items() if w > 0 and self._can(k)}
        self.edits = 0

    def _can(self, kind: str) -> bool:
        if kind in ("search", "child", "chronology", "edit") and not self.spec["children"]:
            return False
        if kind == "chronology":
            return bool(self.spec["chronology"])
        if kind == "edit":
            return bool(self.spec["writes"]) and bool(self.spec["chronology"])
        return True

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, str, float]:
        headers = {"Host": HOST, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            seconds = time.perf_counter() - started
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, content, response.getheader("Location", ""), seconds
        finally:
            connection.close()

    def timed(
        self, record: Record, kind: str, method: str, path: str, body: str | None = None, expect: int = 200
    ) -> tuple[Outcome, bytes, str]:
        """One request, recorded; an unexpected status or a failure to answer is an error."""
        started = time.perf_counter()
        try:
            status, content, location, seconds = self.request(method, path, body)
        except (OSError, http.client.HTTPException) as error:
            outcome = Outcome(self.number, kind, 0, time.perf_counter() - started, f"{path}: {error!r}")
            record.add(outcome)
            return outcome, b"", ""
        problem = "" if status == expect else f"{method} {path}: HTTP {status} (expected {expect})"
        if status == 302 and expect != 302:
            problem += f" to {location}"
        outcome = Outcome(self.number, kind, status, seconds, problem)
        record.add(outcome)
        return outcome, content, location

    def _child(self) -> dict[str, Any]:
        return dict(self.random.choice(self.spec["children"]))

    def act(self, kind: str, record: Record) -> None:
        if kind == "search":
            query = urllib.parse.urlencode({"name": self._child()["last_name"]})
            self.timed(record, kind, "GET", f"/children/?{query}")
        elif kind == "child":
            self.timed(record, kind, "GET", f"/children/{self._child()['pk']}/")
        elif kind == "chronology":
            self.timed(record, kind, "GET", f"/chronology/{self._child()['pk']}/")
        elif kind == "scorecard":
            team = self.spec["team"]
            query = (
                "?" + urllib.parse.urlencode({"team": team}) if team and self.random.random() < 0.5 else ""
            )
            self.timed(record, kind, "GET", f"/indicators/{query}")
        elif kind == "indicator":
            self.timed(record, kind, "GET", f"/indicators/{self.random.choice(self.plan['indicators'])}/")
        elif kind == "edit":
            self.edit(record)

    def edit(self, record: Record) -> None:
        """Add a significant event as a person does: open the form, type, save (one POST, never retried)."""
        child = self._child()
        form_path = f"/chronology/{child['pk']}/events/new/"
        shown, page, _ = self.timed(record, "event form", "GET", form_path)
        token = CSRF_FIELD.search(page.decode(errors="replace")) if shown.status == 200 else None
        if token is None:
            return
        time.sleep(self.random.uniform(*THINK))
        self.edits += 1
        marker = f"[load {self.run} u{self.number:03d} e{self.edits:05d}]"
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "date": self.plan["today"],
            "title": f"Home visit note {marker}",
            "detail": "Written by the load test (bench/load.py) on a synthetic record.",
            "category": "other",
        }
        outcome, _, location = self.timed(
            record, "event save", "POST", form_path, urllib.parse.urlencode(form), expect=302
        )
        saved = outcome.status == 302 and location.rstrip("/").endswith(f"/chronology/{child['pk']}")
        if outcome.status == 302 and not saved:
            outcome.problem = f"POST {form_path}: redirected to {location}"
        with record.lock:
            record.writes.append(Write(marker, saved))

    def work(self, until: float, record: Record, stopping: threading.Event) -> None:
        kinds, weights = list(self.mix), list(self.mix.values())
        stopping.wait(self.random.uniform(0, THINK[1]))  # people do not all click in the same instant
        while time.monotonic() < until and not stopping.is_set():
            self.act(self.random.choices(kinds, weights)[0], record)
            stopping.wait(self.random.uniform(*THINK))


def simulate(
    plan: dict[str, Any], port: int, seconds: float, run: str, seed: int, edits: float
) -> tuple[Record, float]:
    record, stopping = Record(), threading.Event()
    users = [User(spec, plan, port, run, seed, edits) for spec in plan["users"]]
    started = time.monotonic()
    threads = [
        threading.Thread(target=u.work, args=(started + seconds, record, stopping), daemon=True)
        for u in users
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    finally:
        stopping.set()
    return record, time.monotonic() - started


# -- the check and the report --------------------------------------------------------------------------
def check_writes(env: dict[str, str], writes: list[Write], work: Path) -> dict[str, int]:
    markers = work / "markers.json"
    markers.write_text(json.dumps([w.marker for w in writes]))
    return dict(_in_django(env, "check", str(markers)))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _line(name: str, outcomes: list[Outcome], wall: float) -> str:
    seconds = [o.seconds for o in outcomes if o.status]
    errors = sum(1 for o in outcomes if o.problem)
    if not seconds:
        return f"{name:<14}{len(outcomes):>8,}{errors:>8,}"
    return (
        f"{name:<14}{len(outcomes):>8,}{errors:>8,}{statistics.median(seconds) * 1000:>10.0f}"
        f"{_percentile(seconds, 0.95) * 1000:>10.0f}{max(seconds) * 1000:>10.0f}{len(outcomes) / wall:>9.2f}"
    )


def report(
    args: argparse.Namespace, plan: dict[str, Any], record: Record, wall: float, found: dict[str, int]
) -> bool:
    """Print the figures; whether every target that fails the run (errors, lost or duplicated writes) held."""
    outcomes = record.outcomes
    roles = Counter(u["role"] for u in plan["users"])
    print(
        f"\n{len(plan['users'])} users ({', '.join(f'{n} {r}' for r, n in sorted(roles.items()))}) for "
        f"{wall:.0f} s against PostgreSQL behind gunicorn ({args.workers} gthread workers x {args.threads} "
        f"threads, DEBUG off) on {HOST}; clients, server and database share this machine's "
        f"{os.cpu_count()} cores; edit weight {args.edit_weight:g}"
    )
    print(
        f"\n{'kind':<14}{'requests':>8}{'errors':>8}{'median ms':>10}{'p95 ms':>10}{'max ms':>10}{'per s':>9}"
    )
    by_kind: defaultdict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_kind[outcome.kind].append(outcome)
    for kind in sorted(by_kind):
        print(_line(kind, by_kind[kind], wall))
    print(_line("all", outcomes, wall))
    errors = [o for o in outcomes if o.problem]
    for outcome in errors[:8]:
        print(f"  error: user {outcome.user} {outcome.kind}: {outcome.problem}")
    saved = [w for w in record.writes if w.saved]
    failed = [w for w in record.writes if not w.saved]
    lost = [w.marker for w in saved if found.get(w.marker, 0) == 0]
    doubled = [w.marker for w in record.writes if found.get(w.marker, 0) > 1]
    failed_present = [w.marker for w in failed if found.get(w.marker, 0) > 0]
    once = sum(1 for w in saved if found.get(w.marker, 0) == 1)
    print(
        f"\nwrites: {len(record.writes) / wall:.2f}/s; {len(saved):,} saved, {once:,} found exactly once, "
        f"{len(lost):,} missing, "
        f"{len(doubled):,} duplicated; {len(failed):,} failed, {len(failed_present):,} of them present anyway"
    )
    for marker in (lost + doubled + failed_present)[:8]:
        print(f"  write: {marker} found {found.get(marker, 0)} times")
    seconds = [o.seconds for o in outcomes if o.status] or [0.0]
    p95 = _percentile(seconds, 0.95)
    print(f"\nerrors: {len(errors):,} (target 0)")
    print(f"writes lost: {len(lost):,}, duplicated: {len(doubled):,} (target 0)")
    print(
        f"ratio of the 95th percentile ({p95 * 1000:.0f} ms) to {TARGET_P95 * 1000:.0f} ms: "
        f"{p95 / TARGET_P95:.2f}"
    )
    return not errors and not lost and not doubled


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL, help="a scratch PostgreSQL database")
    parser.add_argument("--fresh", action="store_true", help="drop and create the database first")
    parser.add_argument("--users", type=int, default=50, help="simulated users at once (at least 3)")
    parser.add_argument("--seconds", type=float, default=600, help="how long the users work")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--seed", type=int, default=1, help="seeds choices, children and think times")
    parser.add_argument(
        "--edit-weight",
        type=float,
        default=1.0,
        help="multiplies the edits' weights in MIXES (0: no writes; every write moves the register version)",
    )
    parser.add_argument("--server-log", type=Path, default=None, help="gunicorn's log (default: a temp file)")
    args = parser.parse_args()
    if args.users < 3:
        parser.error("--users must be at least 3 (a head of service, an analyst and a caseworker)")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a PostgreSQL database")
    signal.signal(signal.SIGTERM, _terminate)
    log = args.server_log or Path(tempfile.mkstemp(prefix="divert-load-server-", suffix=".log")[1])
    run = secrets.token_hex(4)
    with tempfile.TemporaryDirectory(prefix="divert-load-") as folder:
        work = Path(folder)
        env = _environment(args.database_url, work)
        began = time.perf_counter()
        plan = prepare(args.database_url, env, args.users, args.seed, args.fresh)
        port = free_port()
        server = start(env, args.workers, args.threads, port, log)
        print(f"setup took {time.perf_counter() - began:.0f} s; run {run}; server log {log}", flush=True)
        try:
            record, wall = simulate(plan, port, args.seconds, run, args.seed, args.edit_weight)
        finally:
            stop(server)
        found = check_writes(env, record.writes, work)
    return 0 if report(args, plan, record, wall, found) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("stopped before the end: the server was stopped, no figures", file=sys.stderr)
        sys.exit(130)
