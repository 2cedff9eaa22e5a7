"""A real Celery worker in another process, on a real broker: Redis when REDIS_URL is set (as
in CI), else the embedded filesystem broker; and a Redis server of the test's own for the
tests that restart it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from portal.celery import app

# Variables of this test process that must not reach the worker.
CLEARED = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "CELERY_TASK_ALWAYS_EAGER"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The test database, as the worker process must reach it."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise RuntimeError(
                "The SQLite test database is in memory; tests/conftest.py must make it a file "
                "so that a worker process can see it."
            )
        return f"sqlite:///{name}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        credentials = quote(db["USER"] or "")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"])
        host = db["HOST"] or "localhost"
        return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    raise RuntimeError(f"No worker database URL for {db['ENGINE']}")


class Broker:
    """Where the test process and its workers exchange tasks."""

    def __init__(self, url: str, options: dict):
        self.url = url
        self.options = options

    @classmethod
    def for_this_run(cls, scratch: Path, redis_url: str | None = None) -> Broker:
        redis_url = redis_url or os.environ.get("REDIS_URL") or None
        if redis_url:
            # A prefix of our own on a shared Redis: no other worker takes these tasks.
            return cls(redis_url, {"global_keyprefix": f"portal-test-{uuid.uuid4().hex[:12]}:"})
        folders = {name: scratch / "broker" / name for name in ("out", "processed", "control")}
        for folder in folders.values():
            folder.mkdir(parents=True, exist_ok=True)
        return cls(
            "filesystem://",
            {
                "data_folder_in": str(folders["out"]),
                "data_folder_out": str(folders["out"]),
                "processed_folder": str(folders["processed"]),
                "control_folder": str(folders["control"]),
                "store_processed": False,
            },
        )

    def clean(self) -> None:
        """Remove what this run left on a shared Redis (only its own prefixed keys)."""
        prefix = self.options.get("global_keyprefix")
        if not prefix:
            return
        import redis

        client = redis.Redis.from_url(self.url)
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)

    @contextmanager
    def publishing(self):
        """Make this process's tasks (on_commit, the sweeper) go to this broker."""
        # The app reads its configuration under Django's CELERY_ names.
        # tests/conftest.py sets the lower-case names (memory://) for the rest of the suite;
        # both spellings are set here and put back afterwards.
        conf = app.conf
        values = {
            "CELERY_BROKER_URL": self.url,
            "CELERY_BROKER_TRANSPORT_OPTIONS": dict(self.options),
            "broker_url": self.url,
            "broker_write_url": None,
            "broker_read_url": None,
            "broker_transport_options": dict(self.options),
        }
        saved = {key: conf.get(key) for key in values}
        _reset_pools()
        for key, value in values.items():
            conf[key] = value
        try:
            yield self
        finally:
            _reset_pools()
            for key, value in saved.items():
                conf[key] = value


def _reset_pools() -> None:
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


class Worker:
    """`celery -A portal worker` in its own process group, so that a test can kill it the way
    an out-of-memory killer or a lost machine would."""

    def __init__(self, scratch: Path, broker: Broker, env: dict[str, str], concurrency: int = 1):
        self.scratch = scratch
        self.broker = broker
        self.env = env
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def log(self) -> Path:
        return self.scratch / f"worker-{self.starts}.log"

    def start(self) -> Worker:
        self.starts += 1
        environment = {k: v for k, v in os.environ.items() if k not in CLEARED}
        environment.update(
            DJANGO_SETTINGS_MODULE="tests.circulation.worker_settings",
            DATABASE_URL=database_url(),
            PORTAL_VAR_DIR=str(self.scratch / "var"),
            PORTAL_TEST_BROKER_URL=self.broker.url,
            PORTAL_TEST_BROKER_OPTIONS=json.dumps(self.broker.options),
            PYTHONUNBUFFERED="1",
            **self.env,
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={self.concurrency}",
                # Every queue (CELERY_TASK_ROUTES), as `make run`'s worker does.
                "--queues=" + ",".join(settings.CELERY_QUEUES_ALL),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The worker stopped at start:\n{self.tail()}")
            if " ready." in self.log.read_text(errors="replace"):
                return
            time.sleep(0.1)
        raise RuntimeError(f"The worker did not start within {timeout} s:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL to the worker and its pool processes at once: nothing gets to clean up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self, lines: int = 60) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class RedisServer:
    """A Redis of the test's own on a free port, without persistence: a restart loses every
    queued message, the hardest case for the portal."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (Debian package redis-server).")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.scratch)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not answer")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def wait_until(condition, timeout: float = 60, every: float = 0.2, describe=lambda: ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"Not reached within {timeout} s. {describe()}")
