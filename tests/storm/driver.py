"""The storm: many orders through the real service, its sandboxes failing, a worker killed.

``run_storm`` creates a fresh PostgreSQL database, migrates it, and starts the service as
in production but on loopback: one web process (the app and the HTTP sandboxes) and
several ``manage.py qcluster`` processes (the ORM broker on the same database), each with
a ``manage.py outbox_relay`` beside it. It
connects a few shops to their own Fortnox tenants, turns faults on (Fortnox answers a share
of requests with 429, 500 or a timeout, and loses the answer of some creates; Shopify's
cost bucket is drained before a share of requests), places orders in the Shopify sandbox
and posts their signed webhooks, shuffled and partly duplicated. Mid-run it SIGKILLs one
worker process group and its relay and starts them again. When all work has settled (or
the time is up) it checks, from the database and the sandboxes' own state, that each
order that met its trigger has exactly one Fortnox document, its run succeeded and its
outcome was written back to the order note exactly once. Every process it started is
stopped and the database dropped, whatever happens.

Importable without pytest; ``python -m tests.storm.driver --help`` runs it from a shell.
Only the standard library, ``requests`` and ``psycopg`` are used here; the service's own
code runs in the child processes.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

from tests.storm.report import Expectation, StormReport, check

ROOT = Path(__file__).resolve().parents[2]
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# (topics, weight): what happens to an order, in Shopify's order. Deliveries are shuffled
# across all orders afterwards, so e.g. orders/paid often arrives before orders/create.
PLANS = [
    (("orders/create", "orders/paid"), 3),
    (("orders/create", "orders/paid", "orders/fulfilled"), 3),
    (("orders/create", "orders/updated", "orders/paid", "orders/fulfilled"), 3),
    (("orders/create",), 1),  # never paid: no document
    (("orders/create", "orders/paid", "orders/cancelled"), 1),  # cancelled: no document
]
SCENARIOS = (
    "single_vat_25",
    "mixed_vat_25_12_6",
    "line_discount",
    "order_discount_two_lines",
    "free_shipping_code",
    "tax_exclusive_prices",
)


@dataclass
class StormConfig:
    orders: int = 30
    shops: int = 2
    duplicate_share: float = 0.3  # of all deliveries, the share that repeats an earlier one
    # Fortnox: the share of /3 requests answered 500, 429 or not at all (20 % together),
    # and how many successful creates lose their answer (crash_after_create).
    fortnox_faults: dict = field(
        default_factory=lambda: {"error_rate": 0.07, "rate_limit_rate": 0.07, "timeout_rate": 0.06}
    )
    crashes: int = 3
    throttle_rate: float = 0.03  # Shopify requests that find the cost bucket drained
    clusters: int = 2  # `manage.py qcluster` processes
    workers: int = 2  # Q_WORKERS, worker processes in each
    kills: int = 1  # SIGKILLs of a whole qcluster process group, each followed by a restart
    timeout: float = 240.0  # seconds to wait for the work to settle
    seed: int = 7
    admin_url: str = ""  # a PostgreSQL database to connect to for CREATE DATABASE
    keep_logs: bool = False  # keep the processes' logs (they are kept when a check fails)
    keep_database: bool = False  # keep the storm's database, to look into it afterwards
    # Time compressed for the storm (the invariant q_timeout < lease <= q_retry holds).
    q_timeout: int = 15
    q_retry: int = 20
    lease: int = 18
    # Ten retries a few seconds apart (production: five, from 30 s to an hour apart), so
    # that sustained faults cannot exhaust a run's attempts by chance within the storm.
    retry_delays: str = "1,1,2,2,3,3,4,4,5,5"
    http_timeout: float = 1.0  # the service's; a Fortnox "timeout" fault outlasts it
    dispatch_every: float = 2.0  # seconds between scheduler and dispatcher runs (tick.py)
    senders: int = 8  # threads posting webhooks


@dataclass
class Delivery:
    shop: str
    order_id: int
    topic: str
    headers: dict
    body: bytes


class Storm:
    def __init__(self, config: StormConfig) -> None:
        self.config = config
        self.random = random.Random(config.seed)
        self.admin_url = config.admin_url or os.environ.get("DATABASE_URL") or ADMIN_URL
        if not self.admin_url.startswith("postgres"):
            self.admin_url = ADMIN_URL
        self.database = f"storm_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.workdir = Path(tempfile.mkdtemp(prefix="storm-"))
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.report = StormReport(orders=config.orders, shops=config.shops)
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.http = requests.Session()

    # --- the run ---------------------------------------------------------------------------
    def run(self) -> StormReport:
        started = time.monotonic()
        try:
            self._create_database()
            self._manage("migrate", "--noinput")
            self._start("web", "runserver", f"127.0.0.1:{self.port}", "--noreload", "--skip-checks")
            self._wait_for_web()
            self.report.phases["start"] = time.monotonic() - started
            shops = self._provision()
            self._inject_faults()
            for n in range(self.config.clusters):
                self._start(f"cluster-{n}", "qcluster")
                self._start(f"relay-{n}", "outbox_relay")
            deliveries, expectations = self._place_orders(shops)
            self.report.expected = expectations
            self.report.phases["set up and place orders"] = time.monotonic() - started
            self._start_clock()
            chaos = threading.Thread(target=self._chaos_loop, args=(expectations,), daemon=True)
            chaos.start()
            self._deliver(deliveries)
            self.report.phases["webhooks delivered"] = time.monotonic() - started
            self.report.settled = self._wait_until_settled()
            self.report.phases["settled"] = time.monotonic() - started
            self.stopping.set()
            chaos.join(timeout=30)
            self._collect(shops)
        finally:
            self.stopping.set()
            self.report.seconds = time.monotonic() - started
            self._teardown()
        return self.report

    # --- set-up ----------------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV")
        env = {name: os.environ[name] for name in keep if name in os.environ}
        c = self.config
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            ENV_FILE=os.devnull,
            DEBUG="true",
            SANDBOX_ENABLED="true",
            SANDBOX_STATE_DIR=str(self.workdir / "sandbox"),
            SANDBOX_PERSIST="false",  # saving 500 orders after every request is the bottleneck
            DATABASE_URL=_with_database(self.admin_url, self.database),
            PUBLIC_BASE_URL=self.base,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            Q_WORKERS=str(c.workers),
            Q_TIMEOUT=str(c.q_timeout),
            Q_RETRY=str(c.q_retry),
            SYNC_LEASE_SECONDS=str(c.lease),
            SYNC_RETRY_DELAYS=c.retry_delays,
            OUTBOX_GRACE_SECONDS="2",
            HTTP_TIMEOUT=str(c.http_timeout),
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        return env

    def _create_database(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.database}"')

    def _manage(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def _start(self, name: str, *args: str) -> None:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a kill takes all its workers
        )
        log.close()

    def _wait_for_web(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.processes["web"].poll() is not None:
                raise RuntimeError(f"the web process exited:\n{self._log_tail('web')}")
            try:
                if self.http.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the web process did not answer /healthz:\n{self._log_tail('web')}")

    def _control(self, provider: str, method: str, path: str, **kwargs) -> dict:
        url = f"{self.base}/sandbox/{provider}/_control/{path}"
        response = self.http.request(method, url, timeout=30, **kwargs)
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {url}: HTTP {response.status_code} {response.text}")
        return response.json()

    def _provision(self) -> list[str]:
        pairs = []
        for n in range(self.config.shops):
            shop, tenant = f"storm-{n + 1}.myshopify.com", str(7000001 + n)
            self._control("shopify", "POST", "shops", json={"domain": shop, "plan": "standard"})
            self._control("fortnox", "POST", "tenants", json={"database_number": tenant})
            pairs.append(
                {
                    "shop": shop,
                    "shopify_tokens": self._control(
                        "shopify", "POST", "tokens", json={"shop": shop}
                    ),
                    "fortnox_tokens": self._control(
                        "fortnox", "POST", "tokens", json={"database_number": tenant}
                    ),
                }
            )
        said = self._python("tests.storm.provision", stdin=json.dumps({"pairs": pairs}))
        self.report.setup_problems = json.loads(said)["problems"]
        return [pair["shop"] for pair in pairs]

    def _python(self, module: str, stdin: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", module],
            cwd=ROOT,
            env=self.env(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"python -m {module} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def _inject_faults(self) -> None:
        faults = {**self.config.fortnox_faults, "seed": self.config.seed}
        faults["timeout_seconds"] = self.config.http_timeout + 1
        self._control("fortnox", "POST", "faults", json=faults)
        throttle = {"rate": self.config.throttle_rate, "seed": self.config.seed}
        self._control("shopify", "POST", "throttle", json=throttle)

    # --- orders and their webhooks --------------------------------------------------------
    def _place_orders(self, shops: list[str]) -> tuple[list[Delivery], list[Expectation]]:
        plans = [topics for topics, weight in PLANS for _ in range(weight)]
        deliveries, expectations = [], []
        for n in range(self.config.orders):
            shop = shops[n % len(shops)]
            topics = self.random.choice(plans)
            placed = self._control(
                "shopify",
                "POST",
                "orders",
                json={"shop": shop, "scenario": self.random.choice(SCENARIOS), "topics": topics},
            )
            order = placed["order"]
            made = [
                Delivery(
                    shop,
                    order["id"],
                    item["headers"]["X-Shopify-Topic"],
                    item["headers"],
                    base64.b64decode(item["body_base64"]),
                )
                for item in placed["deliveries"]
            ]
            deliveries.extend(made)
            expectations.append(_expectation(shop, order, made))
        duplicates = round(
            len(deliveries) * self.config.duplicate_share / (1 - self.config.duplicate_share)
        )
        deliveries += [self.random.choice(deliveries) for _ in range(duplicates)]
        self.random.shuffle(deliveries)
        self.report.unique_deliveries = len(deliveries) - duplicates
        self.report.duplicates = duplicates
        return deliveries, expectations

    def _deliver(self, deliveries: list[Delivery]) -> None:
        url = f"{self.base}/shopify/webhooks/"
        local = threading.local()

        def post(delivery: Delivery) -> int:
            session = getattr(local, "session", None) or requests.Session()
            local.session = session
            for _ in range(5):  # as Shopify does, a delivery that failed is sent again
                try:
                    response = session.post(
                        url, data=delivery.body, headers=delivery.headers, timeout=15
                    )
                    if response.status_code < 300:
                        return response.status_code
                except requests.RequestException:
                    pass
                time.sleep(1)
            return 0

        with ThreadPoolExecutor(self.config.senders) as pool:
            statuses = list(pool.map(post, deliveries))
        self.report.events = len(statuses)
        self.report.refused = sum(1 for status in statuses if not status)

    # --- chaos and the dispatcher ---------------------------------------------------------
    def _chaos_loop(self, expectations: list[Expectation]) -> None:
        """SIGKILL a worker's process group when a share of the documents exists, restart it;
        re-arm the lost-answer fault until it has been dealt ``crashes`` times."""
        wanted = sum(1 for e in expectations if e.document)
        kills_at = [wanted * (k + 1) / (self.config.kills + 1) for k in range(self.config.kills)]
        while not self.stopping.wait(1.0):
            try:
                faults = self._control("fortnox", "GET", "faults")
                dealt = faults["injected"].get("crash", 0)
                if dealt < self.config.crashes and faults["crash_after_create"] == 0:
                    self._control("fortnox", "POST", "faults", json={"crash_after_create": 1})
                if kills_at and self._documents_created() >= kills_at[0]:
                    kills_at.pop(0)
                    self._kill_and_restart()
            except (requests.RequestException, RuntimeError, psycopg.Error):
                continue

    def _documents_created(self) -> int:
        with psycopg.connect(_with_database(self.admin_url, self.database)) as connection:
            row = connection.execute(
                "SELECT count(*) FROM syncs_syncrun WHERE document_number <> ''"
            ).fetchone()
        return row[0]

    def _kill_and_restart(self) -> None:
        """SIGKILL a worker host: a qcluster process group and the relay beside it."""
        n = self.report.kills % self.config.clusters
        for name in (f"cluster-{n}", f"relay-{n}"):
            victim = self.processes[name]
            os.killpg(victim.pid, signal.SIGKILL)
            victim.wait()
        with self.lock:
            self.report.kills += 1
            self.report.killed_at_documents.append(self._documents_created())
        time.sleep(1)
        if not self.stopping.is_set():
            self._start(f"cluster-{n}", "qcluster")
            self._start(f"relay-{n}", "outbox_relay")

    def _start_clock(self) -> None:
        """django-q2's scheduler and the outbox dispatcher, every few seconds (tick.py)."""
        self.processes["clock"] = clock = subprocess.Popen(
            [sys.executable, "-m", "tests.storm.tick", str(self.config.dispatch_every)],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=open(self.workdir / "clock.log", "ab"),  # noqa: SIM115
            text=True,
            start_new_session=True,
        )

        def read() -> None:
            for line in clock.stdout:
                self.report.add_dispatch(line)

        threading.Thread(target=read, daemon=True).start()

    # --- waiting and checking -------------------------------------------------------------
    def _wait_until_settled(self) -> bool:
        deadline = time.monotonic() + self.config.timeout
        quiet = 0
        while time.monotonic() < deadline:
            time.sleep(1)
            quiet = quiet + 1 if self._outstanding() == 0 else 0
            if quiet >= 3 and self.report.kills >= self.config.kills:
                return True
        return False

    def _outstanding(self) -> int:
        with psycopg.connect(_with_database(self.admin_url, self.database)) as connection:
            row = connection.execute(
                "SELECT"
                " (SELECT count(*) FROM syncs_inboundevent"
                "   WHERE state IN ('received', 'processing'))"
                " + (SELECT count(*) FROM syncs_syncrun WHERE status IN ('pending', 'running'))"
                " + (SELECT count(*) FROM syncs_syncrun WHERE report_status = 'pending')"
            ).fetchone()
        return row[0]

    def _collect(self, shops: list[str]) -> None:
        with psycopg.connect(_with_database(self.admin_url, self.database)) as connection:
            runs = connection.execute(
                "SELECT c.account_id, r.source_id, r.status, r.document_number,"
                " r.report_status, r.attempts"
                " FROM syncs_syncrun r JOIN syncs_integration i ON r.integration_id = i.id"
                " JOIN integrations_connection c ON i.source_id = c.id"
            ).fetchall()
            events = dict(
                connection.execute(
                    "SELECT state, count(*) FROM syncs_inboundevent GROUP BY state"
                ).fetchall()
            )
        fortnox = {}
        notes = {}
        for n, shop in enumerate(shops):
            fortnox[shop] = self._control("fortnox", "GET", f"documents?tenant={7000001 + n}")
            notes[shop] = self._control("shopify", "GET", f"orders?shop={shop}")["orders"]
        faults = self._control("fortnox", "GET", "faults")
        shopify = self._control("shopify", "GET", "state")
        check(
            self.report,
            runs=runs,
            events=events,
            fortnox=fortnox,
            notes=notes,
            fortnox_faults=faults,
            shopify_counters=shopify["counters"],
        )

    # --- tear-down --------------------------------------------------------------------------
    def _teardown(self) -> None:
        for process in self.processes.values():
            _stop_group(process)
        if self.config.keep_logs or not self.report.ok:
            self.report.logs = str(self.workdir)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)
        if self.config.keep_database:
            self.report.logs += f" (database {self.database} kept)"
            return
        try:
            with psycopg.connect(self.admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        except psycopg.Error as exc:
            print(f"could not drop database {self.database}: {exc}", file=sys.stderr)

    def _log_tail(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def _expectation(shop: str, order: dict, made: list[Delivery]) -> Expectation:
    """Whether the order should have a document: some delivery showed it paid (the trigger),
    and it was not cancelled by the time the worker read it."""
    paid_seen = any(
        json.loads(d.body).get("financial_status") in ("paid", "partially_refunded", "refunded")
        for d in made
        if d.topic in ("orders/create", "orders/paid", "orders/fulfilled")
    )
    cancelled = any(d.topic == "orders/cancelled" for d in made)
    return Expectation(
        shop=shop,
        order_id=str(order["id"]),
        name=order["name"],
        run=paid_seen,
        document=paid_seen and not cancelled,
    )


def _stop_group(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _with_database(url: str, database: str) -> str:
    base, _, _ = url.partition("?")
    return base.rsplit("/", 1)[0] + f"/{database}"


def run_storm(config: StormConfig) -> StormReport:
    return Storm(config).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the fault-injection storm (make soak).")
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--shops", type=int, default=4)
    parser.add_argument("--clusters", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--crashes", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=1200)
    parser.add_argument("--seed", type=int, default=7)
    # A longer lease than the small storm's: the dispatcher queues again whatever has
    # waited in the queue longer than the lease, and 2,000 deliveries make a long queue.
    parser.add_argument("--q-timeout", type=int, default=60)
    parser.add_argument("--lease", type=int, default=90)
    parser.add_argument("--q-retry", type=int, default=120)
    parser.add_argument("--keep-logs", action="store_true")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args(argv)
    # A TERM (or Ctrl-C) still stops every process the storm started and drops its database.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    config = StormConfig(
        orders=args.orders,
        shops=args.shops,
        clusters=args.clusters,
        workers=args.workers,
        kills=args.kills,
        crashes=args.crashes,
        timeout=args.timeout,
        seed=args.seed,
        q_timeout=args.q_timeout,
        lease=args.lease,
        q_retry=args.q_retry,
        keep_logs=args.keep_logs,
        keep_database=args.keep_database,
    )
    report = run_storm(config)
    print(report.table())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
