"""A/B: the cache-miss overhead of two billodash checkouts, measured in the same run.

Whole `make bench` runs move by 3-4 ms from one run to the next on a shared machine, more
than most single changes are worth. This runs the code before and after a change side by
side instead: one sandbox upstream (50 ms injected latency, 10,000 customers, as in the
benchmark) and one billodash gunicorn per checkout, each on its own copy of the database,
with their cache misses taken in turns page by page (the first to go alternates), so both
see the same moment's conditions. Loopback only. For example:

    git worktree add /tmp/before HEAD~1
    .venv/bin/python scripts/bench_ab.py /tmp/before . --rounds 4

Both checkouts run with this checkout's Python and packages, and must share its database
schema. Try both orders (A B, then B A) before believing a difference under a millisecond.
"""

import argparse
import shutil
import statistics
from pathlib import Path

from bench import direct_session, prepare, start_upstream, timed, warm_up
from harness import free_port, gunicorn, log_in, stop, wait_until_up

CUSTOMERS = 10_000  # as in the benchmark
# Each round is one sort order over pages 2-100: every page a cold miss for both instances.
ORDERS = ("", "order_direction=desc&", "order_field=name&", "order_field=org_no&")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs=2, type=Path, metavar="CHECKOUT")
    parser.add_argument("--rounds", type=int, choices=range(1, len(ORDERS) + 1), default=2)
    args = parser.parse_args()
    checkouts = [path.resolve() for path in args.checkouts]
    for checkout in checkouts:
        if not (checkout / "billodash" / "wsgi.py").is_file():
            raise SystemExit(f"{checkout} is not a billodash checkout")

    upstream_port = free_port()
    upstream = f"http://127.0.0.1:{upstream_port}"
    api = f"{upstream}/sandbox/api/v2"
    var, env, password, keys = prepare(CUSTOMERS, api)
    apps, processes = [], []
    for n, checkout in enumerate(checkouts):
        own = var.with_name(f"{var.name}-{n}")
        shutil.copytree(var, own)
        port = free_port()
        processes.append(
            gunicorn({**env, "BILLODASH_VAR_DIR": str(own)}, port, 1, 32, checkout=checkout)
        )
        apps.append(f"http://127.0.0.1:{port}")
    processes.append(start_upstream(env, upstream_port))
    try:
        for base in (upstream, *apps):
            wait_until_up(f"{base}/healthz")
        sessions = []
        for app in apps:
            clients = [log_in(app, "bench", password) for _ in range(8)]
            warm_up(app, clients, pages=32)  # threads with their connections open, never timed
            sessions.append(clients[0])
        direct = direct_session(keys)

        upstream_ms, miss_ms = [], [[], []]
        for order in ORDERS[: args.rounds]:
            for page in range(2, CUSTOMERS // 100 + 1):
                query = f"{order}page_size=100&page={page}"
                upstream_ms.append(timed(direct, f"{api}/customer?{query}"))
                for n in (0, 1) if page % 2 else (1, 0):
                    miss_ms[n].append(timed(sessions[n], f"{apps[n]}/customers/?{query}"))
    finally:
        stop(processes)

    upstream = statistics.median(upstream_ms)
    print(f"\n{'checkout':50} {'miss p50':>9} {'overhead':>9}")
    for checkout, samples in zip(checkouts, miss_ms, strict=True):
        miss = statistics.median(samples)
        print(f"{checkout!s:50} {miss:9.1f} {miss - upstream:9.1f}")
    print(f"upstream p50 {upstream:.1f} ms over {len(upstream_ms)} pages")


if __name__ == "__main__":
    main()
