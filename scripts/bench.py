"""The billodash benchmark: a table of figures, and the same as JSON (loopback only).

It sets up a throwaway instance (SQLite in a temporary folder), starts the built-in sandbox as
the upstream in its own gunicorn with 50 ms of injected latency and 10,000 customers, and
billodash in another gunicorn (one worker process, so its in-process cache and single-flight
are shared by every request), then measures:

1. the sandbox list call itself (page_size 100);
2. the search page on a cache miss (page_size 100), and its overhead over (1), the two taken
   in turns, page by page;
3. the search page on a cache hit: latency, and requests/second with 8 concurrent clients;
4. Django admin's changelist over the same customers, 100 per page: the same two figures;
5. a stampede: 50 concurrent identical cold requests, and how many reached the sandbox;
6. the CSV export of all 10,000 customers versus fetching its pages one after another, and
   the app process's peak memory after exporting 1,000 and then 10,000 customers.

Run it with `make bench`.
"""

import argparse
import json
import os
import secrets
import subprocess
import tempfile
import threading
import time
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

SETUP = """
import django, os, sys
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
for username in ("bench", "small"):
    call_command("provision_user", username, "--password-env", "PW", "--api-base", sys.argv[1],
                 "--api-user", f"{username}-api", "--api-key-env", f"{username.upper()}_KEY",
                 "--label", "Bench", stdout=open(os.devnull, "w"))
admin = get_user_model().objects.get(username="bench")
admin.is_staff = admin.is_superuser = True
admin.save()
"""


def timed(session, url, **kwargs) -> float:
    started = time.perf_counter()
    answer = session.get(url, timeout=60, **kwargs)
    answer.raise_for_status()
    return (time.perf_counter() - started) * 1000


def summary(samples) -> dict:
    return {
        "n": len(samples),
        "p50_ms": round(percentile(samples, 50), 1),
        "p95_ms": round(percentile(samples, 95), 1),
    }


def throughput(sessions, url, seconds=10) -> float:
    """Requests per second with one concurrent client per session asking for `url`."""
    clients = len(sessions)
    counts = [0] * clients
    stop_at = time.monotonic() + seconds

    def run(n):
        while time.monotonic() < stop_at:
            sessions[n].get(url, timeout=60).raise_for_status()
            counts[n] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(sum(counts) / seconds, 1)


def warm_up(app, sessions, *, pages):
    """The sessions fetch `pages` pages of a search between them, all at once."""
    clients = len(sessions)
    urls = [f"{app}/customers/?order_field=name&page_size=10&page={p}" for p in range(1, pages + 1)]

    def run(n):
        for url in urls[n::clients]:
            sessions[n].get(url, timeout=60).raise_for_status()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def peak_rss_mb(master_pid: int) -> float:
    """The high-water resident memory of the gunicorn worker (the master's child)."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    status = Path(f"/proc/{children[0]}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return round(int(line.split()[1]) / 1024, 1)


def prepare(customers: int, api: str) -> tuple[Path, dict, str, dict]:
    """A throwaway instance (SQLite in a temporary folder): the sandbox seeded with `customers`
    for the login "bench" (a superuser) and 1,000 for "small", both connected to `api`.
    Returns the folder, the environment to run in, the logins' password and the API keys."""
    var = Path(tempfile.mkdtemp(prefix="billodash-bench-"))
    password = secrets.token_urlsafe(16)
    keys = {"BENCH_KEY": secrets.token_urlsafe(16), "SMALL_KEY": secrets.token_urlsafe(16)}
    env = {**os.environ, "BILLODASH_VAR_DIR": str(var), "DJANGO_ENV": "development",
           "LOG_LEVEL": "WARNING", "BILLODASH_SANDBOX_FAULTS": "",
           "BILLODASH_CACHE_TTL": "600"}  # fmt: skip
    print(f"setting up in {var}")
    manage(env, "migrate", "--noinput")
    manage(env, "seed_sandbox", "--customers", str(customers), "--account", "bench",
           "--api-user", "bench-api", "--api-key", keys["BENCH_KEY"])  # fmt: skip
    manage(env, "seed_sandbox", "--customers", "1000", "--account", "small",
           "--api-user", "small-api", "--api-key", keys["SMALL_KEY"], "--seed", "2")  # fmt: skip
    subprocess.run([PYTHON, "-c", SETUP, api], cwd=ROOT, check=True,
                   env={**env, **keys, "PW": password,
                        "DJANGO_SETTINGS_MODULE": "billodash.settings"})  # fmt: skip
    return var, env, password, keys


def start_upstream(env: dict, port: int, access_log=None):
    """The sandbox as the upstream: its own gunicorn, with 50 ms of injected latency."""
    return gunicorn(
        {**env, "BILLODASH_SANDBOX_FAULTS": "latency_ms=50"}, port, 2, 32, access_log=access_log
    )


def direct_session(keys: dict) -> requests.Session:
    """A client of the sandbox itself, as the "bench" login's API user."""
    session = requests.Session()
    session.auth = ("bench-api", keys["BENCH_KEY"])
    return session


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--json", type=Path, default=ROOT / "test-output" / "bench.json")
    args = parser.parse_args()

    app_port, upstream_port = free_port(), free_port()
    app, upstream = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{upstream_port}"
    api = f"{upstream}/sandbox/api/v2"
    var, env, password, keys = prepare(args.customers, api)

    access_log = var / "upstream-access.log"
    processes = [start_upstream(env, upstream_port, access_log), gunicorn(env, app_port, 1, 32)]
    results = {"customers": args.customers, "machine": f"{os.cpu_count()} cores, loopback"}
    try:
        wait_until_up(f"{upstream}/healthz")
        wait_until_up(f"{app}/healthz")

        # Warm-up, as for a server that has been up a while: every gunicorn thread has opened
        # its database connection and its connection to Billogram. Never measured.
        bench = log_in(app, "bench", password)
        # Logged in once, used by the warm-up, the throughput runs and the stampede.
        sessions = [log_in(app, "bench", password) for _ in range(50)]
        warm_up(app, sessions[:32], pages=64)

        # 1 and 2, taken in turns so that both see the same moment's conditions: the sandbox
        # list call for a page, then billodash's search page for the same page (a miss: each
        # page is asked for once). Page 1 is left out, as its canonical URL has no page.
        direct = direct_session(keys)
        upstream_ms, miss_ms = [], []
        for page in range(2, args.customers // 100 + 1):
            upstream_ms.append(timed(direct, f"{api}/customer?page_size=100&page={page}"))
            miss_ms.append(timed(bench, f"{app}/customers/?page_size=100&page={page}"))
        results["1_upstream_direct"] = summary(upstream_ms)
        results["2_search_miss"] = summary(miss_ms)
        results["2_miss_overhead_p50_ms"] = round(
            results["2_search_miss"]["p50_ms"] - results["1_upstream_direct"]["p50_ms"], 1
        )

        # 3. cache hit, and 4. Django admin's changelist over the same customers
        for name, url in (
            ("3_search_hit", f"{app}/customers/?page_size=100&page=2"),
            ("4_admin_changelist", f"{app}/admin/sandbox/sandboxcustomer/?account__name=bench"),
        ):
            results[name] = summary([timed(bench, url) for _ in range(200)])
            results[name]["rps_8_clients"] = throughput(sessions[:8], url)

        # 5. stampede: 50 identical cold requests at once
        marker = "stampede"
        cold = f"{app}/customers/?filter_type=special&filter_field=search&filter_value={marker}"
        barrier = threading.Barrier(50)

        def fire(session):
            barrier.wait()
            session.get(cold, timeout=60).raise_for_status()

        threads = [threading.Thread(target=fire, args=(s,)) for s in sessions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        time.sleep(1)  # let gunicorn write its access log
        results["5_stampede_upstream_calls"] = sum(
            1 for line in access_log.read_text().splitlines() if f"filter_value={marker}" in line
        )

        # 6. export, versus the same pages one after another; memory at 1,000 then 10,000
        small = log_in(app, "small", password)
        small.get(f"{app}/customers/export.csv", timeout=300).raise_for_status()
        peak_small = peak_rss_mb(processes[1].pid)
        started = time.perf_counter()
        export = bench.get(f"{app}/customers/export.csv", timeout=300)
        export.raise_for_status()
        export_s = time.perf_counter() - started
        rows = export.content.count(b"\n") - 1
        peak_large = peak_rss_mb(processes[1].pid)
        started = time.perf_counter()
        for page in range(1, args.customers // 100 + 1):
            direct.get(f"{api}/customer?page_size=100&page={page}", timeout=60).raise_for_status()
        sequential_s = time.perf_counter() - started
        results["6_export"] = {
            "rows": rows,
            "export_s": round(export_s, 2),
            "sequential_pages_s": round(sequential_s, 2),
            "speedup": round(sequential_s / export_s, 2),
            "peak_rss_mb_after_1000": peak_small,
            "peak_rss_mb_after_10000": peak_large,
            "growth_mb": round(peak_large - peak_small, 1),
        }
    finally:
        stop(processes)

    hit, admin = results["3_search_hit"], results["4_admin_changelist"]
    results["targets"] = {
        "miss_overhead_p50_le_15ms": results["2_miss_overhead_p50_ms"] <= 15,
        "hit_p50_le_15ms": hit["p50_ms"] <= 15,
        "hit_rps_ge_admin": hit["rps_8_clients"] >= admin["rps_8_clients"],
        "stampede_one_call": results["5_stampede_upstream_calls"] == 1,
        "export_3x_faster": results["6_export"]["speedup"] >= 3,
        "export_memory_within_20mb": results["6_export"]["growth_mb"] <= 20,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    print(f"\n{'measure':44} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
    for name in ("1_upstream_direct", "2_search_miss", "3_search_hit", "4_admin_changelist"):
        row = results[name]
        print(f"{name:44} {row['p50_ms']:8} {row['p95_ms']:8} {row.get('rps_8_clients', ''):>8}")
    print(f"miss overhead over upstream, p50: {results['2_miss_overhead_p50_ms']} ms")
    print(f"stampede of 50: {results['5_stampede_upstream_calls']} upstream call(s)")
    print(f"export: {json.dumps(results['6_export'])}")
    print(f"targets: {json.dumps(results['targets'])}")


if __name__ == "__main__":
    main()
