"""``make bench``: measure the service against its performance targets, on loopback.

Prints every figure beside its target and the machine's core count, and writes
``bench/results.json``. ``QUICK=1`` shortens every run (under 2 minutes in all); the
figures are then indicative. See ``benchmarks/README.md`` for what each section does.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

from benchmarks.stack import ROOT, Stack

ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def _admin_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else ADMIN_URL


def _with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


def main() -> int:
    quick = os.environ.get("QUICK", "") not in ("", "0")
    redis_url = os.environ.get("REDIS_URL", "")
    only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
    from cryptography.fernet import Fernet

    database = f"bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = _admin_url()
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    stack = Stack(
        database_url=_with_database(admin, database),
        workdir=workdir,
        fernet_key=Fernet.generate_key().decode(),
    )
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    results: dict = {"cores": os.cpu_count(), "quick": quick, "figures": []}
    started = time.monotonic()
    try:
        os.environ.update(stack.env())
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from benchmarks import sections

        bench = sections.Bench(stack, quick=quick, redis_url=redis_url)
        for name in sections.ORDER:
            if only and name not in only:
                continue
            section_started = time.monotonic()
            try:
                getattr(bench, name)()
            except Exception as exc:  # one section failing must not hide the others
                import traceback

                traceback.print_exc()
                bench.figure(name, "section failed", f"{type(exc).__name__}: {exc}", "runs")
            finally:
                # the sandboxes and the app are kept for the next section (starting them is
                # most of a QUICK run); the workers and the floor app are not
                stack.stop_all_but("sandboxes", "app")
                bench.reset()
                took = round(time.monotonic() - section_started, 1)
                results.setdefault("section_seconds", {})[name] = took
                print(f"[{name}: {took} s]", flush=True)
        results["figures"] = bench.figures
    finally:
        stack.stop_all()
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    results["seconds"] = round(time.monotonic() - started, 1)
    out = ROOT / "bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    _print(results)
    print(f"logs: {workdir}; results: {out}")
    return 0


def _print(results: dict) -> None:
    mode = " (QUICK: short runs, indicative)" if results["quick"] else ""
    print(f"\nmake bench on {results['cores']} cores, {results['seconds']} s{mode}\n")
    print(f"{'figure':<58}{'measured':>22}  {'target':<24}ok")
    for item in results["figures"]:
        ok = {True: "yes", False: "NO", None: ""}[item["ok"]]
        print(f"{item['name']:<58}{item['value']:>22}  {item['target']:<24}{ok}")


if __name__ == "__main__":
    sys.exit(main())
