"""A live rating run for ``bench/ideas.py``: the production shape on this machine.

gunicorn serves the app with several worker processes, a real Celery worker drains the queue
(so the ranking is recomputed while ratings arrive, as in production), client processes post
ratings over HTTP as signed-in people the way htmx does, and reader processes load the
conversation page. Meanwhile a sampler reads ``pg_stat_activity`` for backends waiting on a
lock. Nothing here is imported by the application.

The figures: ratings per second, rating latency p50/p99/max as the clients saw it (queueing
in gunicorn included), page-read latency, how many recomputes the worker finished during the
run (and how long they took), and lock waits: the share of samples in which any backend of
the bench database waited on a lock, the most backends seen waiting at once, and by wait event.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import random
import re
import secrets
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def percentile(samples: list[float], fraction: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_env(redis_url: str) -> dict[str, str]:
    """The environment of the web and worker processes: the bench's own (its database, its
    secret key, production mode with the test suite's static files), with Redis as broker,
    cache and session cache."""
    env = dict(os.environ)
    env.update(
        {
            "REDIS_URL": redis_url,
            "DEBUG": "false",
            "VOCALEYES_TESTING": "1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


@contextmanager
def celery_worker(redis_url: str, concurrency: int = 2) -> Iterator[Path]:
    """A real Celery worker (as docker-compose runs it) for the duration; yields its log file,
    whose "succeeded in" lines say which tasks it finished."""
    log = Path(tempfile.mkstemp(prefix="bench-worker-", suffix=".log")[1])
    env = _server_env(redis_url)
    env["LOG_LEVEL"] = "INFO"  # the task lines
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "vocaleyes",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                f"--hostname=bench-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while "ready" not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the Celery worker did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.2)
        yield log
    finally:
        process.send_signal(signal.SIGTERM)  # warm shutdown: the running task finishes
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Server:
    port: int
    pid: int  # gunicorn's master; its children are the workers

    def worker_cpu_seconds(self) -> float:
        """CPU time used so far by the gunicorn workers (Linux /proc)."""
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        except OSError:
            return 0.0
        return sum(cpu_seconds(int(pid)) for pid in children)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc; 0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def gunicorn(redis_url: str, workers: int) -> Iterator[Server]:
    """gunicorn serving the app as the Dockerfile does (sync workers)."""
    port = _free_port()
    log = Path(tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")[1])
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "vocaleyes.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=_server_env(redis_url),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = request(port, "GET", "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.2)
        yield Server(port=port, pid=process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(
    port: int, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """One HTTP request on a fresh connection (gunicorn's sync workers close each one)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Person:
    """A signed-in person as a browser holds them: the session and CSRF cookies."""

    session: str
    csrf: str

    def headers(self) -> dict[str, str]:
        return {
            "Cookie": f"sessionid={self.session}; csrftoken={self.csrf}",
            "X-CSRFToken": self.csrf,
            # What htmx sends with the rating form.
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }


def csrf_secret() -> str:
    """A CSRF cookie value Django accepts as it is (an unmasked 32-character secret)."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


@dataclass
class ClientResult:
    latencies: list[float] = field(default_factory=list)  # seconds, saved ratings only
    other: int = 0  # answers that were not a saved rating
    cpu: float = 0.0  # seconds of this client process's CPU


def _rater(args: tuple[int, str, list[Person], list[int], float, Any, int]) -> ClientResult:
    port, slug, people, ideas, seconds, barrier, seed = args
    rng = random.Random(seed)
    result = ClientResult()
    barrier.wait()
    cpu_before = time.process_time()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        person = rng.choice(people)
        idea = rng.choice(ideas)
        started = time.perf_counter()
        status, body = request(
            port,
            "POST",
            f"/conversations/{slug}/ideas/{idea}/rate/",
            f"value={rng.randint(1, 5)}",
            person.headers(),
        )
        if status == 200 and b"Saved." in body:
            result.latencies.append(time.perf_counter() - started)
        else:
            result.other += 1
    result.cpu = time.process_time() - cpu_before
    return result


def _reader(args: tuple[int, str, list[Person], list[int], float, Any, int]) -> ClientResult:
    """Anonymous readers of the conversation page in priority order, page 1 to 100."""
    port, slug, _people, _ideas, seconds, barrier, seed = args
    rng = random.Random(seed)
    result = ClientResult()
    barrier.wait()
    cpu_before = time.process_time()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        page = 1 if rng.random() < 0.5 else rng.randint(2, 100)
        started = time.perf_counter()
        status, _body = request(port, "GET", f"/conversations/{slug}/?page={page}")
        if status == 200:
            result.latencies.append(time.perf_counter() - started)
        else:
            result.other += 1
    result.cpu = time.process_time() - cpu_before
    return result


class LockSampler(threading.Thread):
    """Samples ``pg_stat_activity`` every ``interval`` seconds on a connection of its own:
    backends of this database waiting on a lock (``wait_event_type = 'Lock'``)."""

    def __init__(self, dsn: str, interval: float = 0.01) -> None:
        super().__init__(daemon=True)
        self.dsn = dsn
        self.interval = interval
        self.samples = 0
        self.samples_waiting = 0
        self.most_waiting = 0
        self.by_event: Counter[str] = Counter()
        self._halt = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as connection:
            self.pid = connection.info.backend_pid
            while not self._halt.is_set():
                rows = connection.execute(
                    "SELECT wait_event FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock' "
                    "AND pid <> pg_backend_pid()"
                ).fetchall()
                self.samples += 1
                if rows:
                    self.samples_waiting += 1
                    self.most_waiting = max(self.most_waiting, len(rows))
                    self.by_event.update(f"Lock:{event}" for (event,) in rows)
                time.sleep(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(10)

    def backend_cpu_seconds(self) -> float:
        """CPU time used so far by the Postgres backends of this database, this one's aside."""
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as connection:
            pids = connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            ).fetchall()
        mine = getattr(self, "pid", None)
        return sum(cpu_seconds(pid) for (pid,) in pids if pid != mine)

    def describe(self) -> str:
        if not self.samples:
            return "no samples"
        share = self.samples_waiting / self.samples * 100
        events = ", ".join(f"{event} x{count}" for event, count in self.by_event.most_common()) or "none"
        return (
            f"{self.samples_waiting}/{self.samples} samples ({share:.1f}%) with a backend waiting, "
            f"at most {self.most_waiting} at once; {events}"
        )


_SUCCEEDED = re.compile(r"Task conversations\.tasks\.recompute_ranking\[[^\]]+\] succeeded in ([0-9.]+)s")


def recomputes_in(text: str) -> list[float]:
    """Durations (s) of the ranking recomputes a worker log says it finished."""
    return [float(seconds) for seconds in _SUCCEEDED.findall(text)]


@dataclass
class LiveRun:
    ratings: list[float]
    reads: list[float]
    other_answers: int
    seconds: float
    recomputes: list[float]
    locks: LockSampler
    web_cpu: float  # seconds, gunicorn workers
    database_cpu: float  # seconds, Postgres backends of the database (the worker's included)
    client_cpu: float  # seconds, the rating and reading client processes

    @property
    def rate(self) -> float:
        return len(self.ratings) / self.seconds

    def per_request_ms(self, seconds: float) -> float:
        return seconds / max(1, len(self.ratings) + len(self.reads)) * 1000


def run(
    *,
    server: Server,
    slug: str,
    people: list[Person],
    ideas: list[int],
    seconds: float,
    raters: int,
    readers: int,
    dsn: str,
    worker_log: Path | None,
) -> LiveRun:
    """Raters and readers against the server for ``seconds``, locks sampled meanwhile."""
    port = server.port
    # Warm up every gunicorn worker (each loads the middleware on its first request).
    for number in range(40):
        request(port, "GET", f"/conversations/{slug}/ideas/{ideas[number % len(ideas)]}/")
    log_start = len(worker_log.read_text()) if worker_log is not None else 0
    sampler = LockSampler(dsn)
    chunks = [people[k::raters] for k in range(raters)]
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager:
        barrier = manager.Barrier(raters + readers + 1)
        with context.Pool(raters + readers) as pool:
            jobs = [
                pool.apply_async(_rater, ((port, slug, chunk, ideas, seconds, barrier, 1000 + k),))
                for k, chunk in enumerate(chunks)
            ] + [
                pool.apply_async(_reader, ((port, slug, [], [], seconds, barrier, 2000 + k),))
                for k in range(readers)
            ]
            sampler.start()
            barrier.wait()
            web_before, database_before = server.worker_cpu_seconds(), sampler.backend_cpu_seconds()
            results = [job.get() for job in jobs]
            web_cpu = server.worker_cpu_seconds() - web_before
            database_cpu = sampler.backend_cpu_seconds() - database_before
            sampler.stop()
    recomputes = recomputes_in(worker_log.read_text()[log_start:]) if worker_log is not None else []
    return LiveRun(
        ratings=[latency for result in results[:raters] for latency in result.latencies],
        reads=[latency for result in results[raters:] for latency in result.latencies],
        other_answers=sum(result.other for result in results),
        seconds=seconds,
        recomputes=recomputes,
        locks=sampler,
        web_cpu=web_cpu,
        database_cpu=database_cpu,
        client_cpu=sum(result.cpu for result in results),
    )
