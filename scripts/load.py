"""A bounded load test of billodash on this machine (loopback only).

It sets up a throwaway instance (SQLite in a temporary folder), seeds the built-in sandbox,
creates N staff logins each with their own connection, starts the sandbox as the upstream in
one gunicorn and billodash in another, then runs N concurrent logged-in users doing
search / sort / page / detail for a fixed time, and prints requests per second, latency
percentiles and every non-2xx answer by status. Run it with `make load`, or:

    .venv/bin/python scripts/load.py --users 50 --seconds 60 \\
        [--faults fault=error_503,fault_rate=0.2]
"""

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests
from harness import (
    PYTHON,
    ROOT,
    free_port,
    gunicorn,
    log_in,
    manage,
    percentile,
    stop,
    wait_until_up,
)

TERMS = ["an", "berg", "son", "ström", "göteborg", "malmö", "example.se", "55", "1", "lund"]
SORTS = ["name", "org_no", "contact:email", "address:city", "created_at", "customer_no"]
CLEAR_MESSAGES = ("Request id:", "Billogram")


def user_loop(base, session, stop_at, customers, results, lock, rng):
    while time.monotonic() < stop_at:
        action = rng.choice(["search", "sort", "page", "detail"])
        if action == "detail":
            url = f"{base}/customers/{rng.randint(1, customers)}/"
        else:
            params = {"filter_type": "special", "filter_field": "search",
                      "filter_value": rng.choice(TERMS)}  # fmt: skip
            if action in ("sort", "page"):
                params["order_field"] = rng.choice(SORTS)
                params["order_direction"] = rng.choice(["asc", "desc"])
            if action == "page":
                params["page"] = rng.randint(2, 4)
            url = f"{base}/customers/?" + "&".join(
                f"{k}={requests.utils.quote(str(v))}" for k, v in params.items()
            )
        started = time.monotonic()
        try:
            answer = session.get(url, timeout=45)
            status, body = answer.status_code, answer.text
        except requests.RequestException as exc:
            status, body = f"no answer ({type(exc).__name__})", ""
        elapsed = (time.monotonic() - started) * 1000
        clear = status == 200 or (
            isinstance(status, int) and all(m in body for m in CLEAR_MESSAGES)
        )
        with lock:
            results.append((action, status, elapsed, clear))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--faults", default="", help="BILLODASH_SANDBOX_FAULTS for the upstream")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not 1 <= args.users <= 200 or not 1 <= args.seconds <= 600:
        raise SystemExit("keep it bounded: 1-200 users, 1-600 seconds")

    var = Path(tempfile.mkdtemp(prefix="billodash-load-"))
    app_port, upstream_port = free_port(), free_port()
    base, upstream = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{upstream_port}"
    env = {**os.environ, "BILLODASH_VAR_DIR": str(var), "DJANGO_ENV": "development",
           "LOG_LEVEL": "WARNING", "BILLODASH_SANDBOX_FAULTS": ""}  # fmt: skip
    password, api_key = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    print(f"setting up in {var}: {args.customers:,} sandbox customers, {args.users} users")
    manage(env, "migrate", "--noinput")
    manage(env, "seed_sandbox", "--customers", str(args.customers), "--account", "load",
           "--api-user", "load-api", "--api-key", api_key)  # fmt: skip
    provision = (
        "import django, sys; django.setup(); from django.core.management import call_command\n"
        "for n in range(int(sys.argv[1])):\n"
        "    call_command('provision_user', f'user{n}', '--password-env', 'LOAD_PW',"
        " '--api-base', sys.argv[2], '--api-user', 'load-api', '--api-key-env', 'LOAD_KEY',"
        " '--label', 'Load', stdout=open('/dev/null', 'w'))"
    )
    subprocess.run(
        [PYTHON, "-c", provision, str(args.users), f"{upstream}/sandbox/api/v2"],
        cwd=ROOT,
        env={
            **env,
            "LOAD_PW": password,
            "LOAD_KEY": api_key,
            "DJANGO_SETTINGS_MODULE": "billodash.settings",
        },
        check=True,
    )

    processes = [
        gunicorn({**env, "BILLODASH_SANDBOX_FAULTS": args.faults}, upstream_port, 2, 16),
        gunicorn(env, app_port, 2, 16),
    ]
    try:
        wait_until_up(f"{upstream}/healthz")
        wait_until_up(f"{base}/healthz")
        sessions = [log_in(base, f"user{n}", password) for n in range(args.users)]
        results, lock = [], threading.Lock()
        stop_at = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=user_loop,
                args=(base, s, stop_at, args.customers, results, lock, random.Random(n)),  # noqa: S311
            )
            for n, s in enumerate(sessions)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
    finally:
        stop(processes)

    latencies = [r[2] for r in results]
    statuses = Counter(str(r[1]) for r in results)
    figures = {
        "users": args.users,
        "seconds": args.seconds,
        "faults": args.faults or "none",
        "requests": len(results),
        "requests_per_second": round(len(results) / wall, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "statuses": dict(sorted(statuses.items())),
        "server_errors_500": statuses.get("500", 0),
        "failed_pages_without_clear_message": sum(1 for r in results if not r[3]),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    bad = figures["server_errors_500"] or figures["failed_pages_without_clear_message"]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
