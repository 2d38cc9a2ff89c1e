"""Shared pieces of the load and benchmark scripts: a throwaway instance on loopback."""

import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def wait_until_up(url, seconds=30):
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def log_in(base, username, password) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = CSRF_TOKEN.search(page.text).group(1)
    answer = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
    )
    if "/customers/" not in answer.url:
        raise SystemExit(f"login failed for {username}")
    return session


def percentile(values, p):
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if values else 0.0


def gunicorn(env, port, workers, threads, access_log=None, checkout=ROOT):
    """billodash (from `checkout`, this one unless another is given) in gunicorn on loopback."""
    command = [
        PYTHON, "-m", "gunicorn", "billodash.wsgi", "--bind", f"127.0.0.1:{port}",
        "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
        "--timeout", "40", "--log-level", "warning", "--no-control-socket",
    ]  # fmt: skip
    if access_log:
        command += ["--access-logfile", str(access_log)]
    return subprocess.Popen(
        command, cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop(processes):
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(timeout=30)
