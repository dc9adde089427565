"""Benchmark the scorecard page as people use it: 20 signed-in readers at once, PostgreSQL, gunicorn.

    python bench/scorecard_http.py                                  # builds divert_perf, 20 users
    python bench/scorecard_http.py --reuse --workers 3 --requests 30
    python bench/scorecard_http.py --path /                         # another page

1. A scratch PostgreSQL database (``--database-url``, dropped and created unless ``--reuse``
   finds a register in it): ``migrate``, ``divert synth`` (the default demo authority),
   ``divert demo-users``. Demo accounts are refused when DEBUG is off, as it is here, so the
   head of service's account is then marked as not a demo account *in this scratch database*.
2. ``collectstatic`` into a temporary folder, then gunicorn (``--workers`` sync workers) with
   DEBUG off, as production runs it (WhiteNoise serves the static files).
3. ``--users`` client threads each sign in as the head of service (their own session and CSRF
   cookie, through the sign-in form), request the page ``--warmup`` times, wait for the others,
   then request it ``--requests`` times back to back (a closed loop: each reader asks again as
   soon as the page arrives). Latency is per request, from sending to the last byte.

The clients run on the same 2 cores as gunicorn and PostgreSQL, so the figures include their
cost. Target: 95th percentile under 300 ms. The server is stopped however the run ends.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from serving import collect_static, run_divert

TARGET_P95 = 0.3
TODAY = "2026-11-24"
USERNAME = "head.of.service"
PASSWORD = "divert-demo-2026"  # noqa: S105 - the published demo password, scratch database only
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/divert_perf"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# -- the server ----------------------------------------------------------------------------------------
def _environment(database_url: str, work: Path) -> dict[str, str]:
    # Plain HTTP on loopback: the production HTTPS redirect and Secure cookies are off here only.
    env = dict(os.environ, DATABASE_URL=database_url, DIVERT_VAR_DIR=str(work), DEBUG="0", DIVERT_HTTPS="0")
    env.update(
        SECRET_KEY="bench-only-not-secret",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATIC_ROOT=str(work / "static"),
        DJANGO_SETTINGS_MODULE="divert.settings",
    )
    return env


def _recreate(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # a scratch database
        connection.execute(f'CREATE DATABASE "{name}"')


def _has_register(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            row = connection.execute("SELECT count(*) FROM people_child").fetchone()
            return bool(row and row[0])
    except psycopg.Error:
        return False


def prepare(url: str, env: dict[str, str], reuse: bool) -> None:
    if not (reuse and _has_register(url)):
        _recreate(url)
        run_divert(env, "migrate", "-v0")
        print("building the demo authority with divert synth (about a minute) ...", flush=True)
        run_divert(env, "synth", "--today", TODAY)
    else:
        run_divert(env, "migrate", "-v0")
    run_divert(env, "demo-users")
    script = (
        "import django; django.setup(); from divert.core.models import User; "
        f"User.objects.filter(username={USERNAME!r}).update(is_demo=False)"
    )
    subprocess.run([sys.executable, "-c", script], env=dict(env, DEBUG="1"), check=True)  # noqa: S603
    collect_static(env)


def start(env: dict[str, str], workers: int, port: int) -> subprocess.Popen[bytes]:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [
        gunicorn,
        "divert.wsgi",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603 - our own server
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status < 500:
                return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn and its workers (their own process group, started by us)."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# -- the clients ---------------------------------------------------------------------------------------
class Reader:
    """One person's browser: their cookies, sent with every request (plain HTTP, so Secure is ignored)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, str]:
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}/sign-in/"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, content, response.getheader("Location", "")
        finally:
            connection.close()

    def sign_in(self) -> None:
        status, page, _ = self.request("GET", "/sign-in/")
        token = CSRF_FIELD.search(page.decode())
        if status != 200 or token is None:
            raise RuntimeError(f"sign-in page: {status}")
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "username": USERNAME,
            "password": PASSWORD,
            "next": "/",
        }
        status, _, location = self.request("POST", "/sign-in/", urllib.parse.urlencode(form))
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in refused ({status}, to {location!r})")

    def timed(self, path: str) -> float:
        started = time.perf_counter()
        status, _content, _ = self.request("GET", path)
        seconds = time.perf_counter() - started
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}")
        return seconds


def load(port: int, path: str, users: int, warmup: int, requests: int) -> tuple[list[float], float, int]:
    """Every request's latency, the wall time of the measured part, and the page's size."""
    barrier = threading.Barrier(users + 1)
    latencies: list[list[float]] = [[] for _ in range(users)]
    errors: list[BaseException] = []
    size = [0]

    def reader(index: int) -> None:
        try:
            person = Reader(port)
            person.sign_in()
            for _ in range(warmup):
                person.timed(path)
            size[0] = len(person.request("GET", path)[1])
        except BaseException as error:  # reported after the barrier
            errors.append(error)
        barrier.wait()
        barrier.wait()
        if errors:
            return
        for _ in range(requests):
            latencies[index].append(person.timed(path))

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    barrier.wait()  # everyone signed in and warmed up
    if errors:
        barrier.wait()
        raise RuntimeError(f"a reader failed: {errors[0]!r}")
    started = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    return [s for per in latencies for s in per], time.perf_counter() - started, size[0]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL, help="a scratch PostgreSQL database")
    parser.add_argument("--reuse", action="store_true", help="keep the database's register if it has one")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--users", type=int, default=20, help="concurrent signed-in readers")
    parser.add_argument("--warmup", type=int, default=2, help="requests per reader before measuring")
    parser.add_argument("--requests", type=int, default=25, help="measured requests per reader")
    parser.add_argument("--path", default="/indicators/", help="the page requested")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="divert-bench-http-") as folder:
        env = _environment(args.database_url, Path(folder))
        prepare(args.database_url, env, args.reuse)
        server = start(env, args.workers, args.port)
        try:
            latencies, wall, size = load(args.port, args.path, args.users, args.warmup, args.requests)
        finally:
            stop(server)
    median, p95 = statistics.median(latencies), _percentile(latencies, 0.95)
    print(
        f"GET {args.path} ({size:,} bytes) on PostgreSQL behind gunicorn ({args.workers} sync workers, "
        f"DEBUG off), {args.users} signed-in readers, {args.requests} requests each after "
        f"{args.warmup} to warm up; clients, server and database on the same 2 cores"
    )
    print(f"requests:     {len(latencies):,} in {wall:.1f} s")
    print(f"median:       {median * 1000:.0f} ms")
    print(f"95th centile: {p95 * 1000:.0f} ms")
    print(f"max:          {max(latencies) * 1000:.0f} ms")
    print(f"throughput:   {len(latencies) / wall:.1f} pages/s")
    print(f"ratio of the 95th centile to 300 ms: {p95 / TARGET_P95:.2f}")


if __name__ == "__main__":
    main()
