"""Two billodash app servers sharing PostgreSQL and Redis behave as one.

Once per module this starts three processes on loopback:

- the upstream: the built-in sandbox in the embedded profile, in its own gunicorn, with its own
  SQLite database, 200 seeded customers, 300 ms of injected latency (so that concurrent
  requests overlap) and an access log that counts every call reaching it;
- two billodash instances, A and B, in the production profile (deploy/gunicorn.conf.py),
  sharing a fresh PostgreSQL database and Redis db 15 under a key prefix of their own.

The tests talk to A and B over HTTP only, as a load balancer would hand them requests. The
database, the Redis keys, the processes and the temporary folder are gone afterwards. Nothing
is skipped: an unreachable PostgreSQL or Redis fails the module.
"""

import fcntl
import importlib.util
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import psycopg
import pytest
import redis
import requests
from cryptography.fernet import Fernet

from tests.helpers import FRESHNESS

# One worker runs the whole module, so its processes start once (--dist loadgroup).
pytestmark = [pytest.mark.services, pytest.mark.xdist_group("two_instances")]

ROOT = Path(__file__).resolve().parents[2]
USERS = ("alice", "carol", "dave")
API_USER = "acme-api"
LABEL = "Acme"
FAILURE_LIMIT = 5  # AXES_FAILURE_LIMIT's default, which the instances run with


def _load_harness():
    """scripts/harness.py, the benchmark's helpers (free ports, manage.py, gunicorn, waiting):
    loaded from its file, since scripts/ is not a package."""
    spec = importlib.util.spec_from_file_location(
        "billodash_scripts_harness", ROOT / "scripts" / "harness.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


harness = _load_harness()


def _postgres_admin_url() -> str:
    """The server of DATABASE_URL when it is PostgreSQL (`make test-services` sets it), else
    the local one; its database is only used to create and drop the instances' own."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return "postgres://postgres@127.0.0.1:5432/test"


def _redis_url() -> str:
    """Redis db 15 (other test workers use 1-14), on REDIS_URL's server if one is set."""
    server = urlsplit(os.environ.get("REDIS_URL", "")).netloc or "127.0.0.1:6379"
    return f"redis://{server}/15"


# ---------------------------------------------------------------------------- the client


class BalancedClient(requests.Session):
    """A browser reaching A and B the way a TLS-terminating load balancer hands them requests.

    In production billodash's cookies are Secure with __Host- names, and requests (rightly)
    sends a Secure cookie only over https://. The browser does talk HTTPS, to the balancer,
    which passes plain HTTP on to the instances; here the client talks to the instances
    directly over http:// on loopback, so after every response it clears each cookie's secure
    flag, as if the hop it skipped were there. Redirects are followed here one hop at a time,
    clearing the flag in between: requests would otherwise prepare the next hop's cookies
    before anything could clear it. A and B share the host 127.0.0.1, so like one site behind
    one balancer they share this cookie jar; cookies do not depend on the port.
    """

    def request(self, method, url, *args, allow_redirects=True, **kwargs):
        kwargs.setdefault("timeout", 60)
        response = super().request(method, url, *args, allow_redirects=False, **kwargs)
        self._trust_cookies()
        for _ in range(5):
            if not (allow_redirects and response.is_redirect):
                break
            target = urljoin(response.url, response.headers["Location"])
            response = super().request(
                "GET", target, allow_redirects=False, timeout=kwargs["timeout"]
            )
            self._trust_cookies()
        return response

    def _trust_cookies(self):
        for cookie in self.cookies:
            cookie.secure = False


def csrf_token(page: requests.Response) -> str:
    match = harness.CSRF_TOKEN.search(page.text)
    assert match, f"no CSRF token on {page.url} ({page.status_code})"
    return match.group(1)


def post_form(client: BalancedClient, url: str, data: dict) -> requests.Response:
    """GET the form at `url` for its CSRF token, then POST `data` to it (not following)."""
    form = client.get(url)
    return client.post(
        url,
        data={**data, "csrfmiddlewaretoken": csrf_token(form)},
        headers={"Referer": url},
        allow_redirects=False,
    )


def log_in(client: BalancedClient, base: str, username: str, password: str):
    return post_form(
        client, f"{base}/accounts/login/", {"username": username, "password": password}
    )


def search_path(value: str) -> str:
    """A quick search, spelled as customers/query.py's canonical URL (so no redirect)."""
    params = [("filter_type", "special"), ("filter_field", "search"), ("filter_value", value)]
    return f"/customers/?{urlencode(params)}"


def freshness(page: requests.Response) -> tuple[str, bool]:
    """The results' "fetched HH:MM:SS[, cached]" line: (the time, whether from the cache)."""
    assert page.status_code == 200, f"{page.url}: {page.status_code}"
    match = FRESHNESS.search(page.text)
    assert match, f"no freshness line on {page.url}"
    return match.group(1), bool(match.group(2))


# ----------------------------------------------------------------------------- the stack


@dataclass
class Stack:
    a: str  # billodash instance A
    b: str  # billodash instance B
    api: str  # the sandbox's API base URL, the users' Billogram
    access_log: Path  # the sandbox's gunicorn access log
    passwords: dict[str, str]
    cache: redis.Redis
    cache_prefix: str
    logs: dict[str, Path]  # each instance's output (gunicorn's and billodash's JSON lines)

    def diagnostics(self) -> str:
        """What the instances logged above INFO (their output is gone after the module)."""
        noted = [
            f"{name}: {line}"
            for name, log in self.logs.items()
            for line in log.read_text(errors="replace").splitlines()
            if '"level": "INFO"' not in line
        ]
        return "instances logged:\n" + "\n".join(noted[-40:]) if noted else "nothing logged"

    def log_in(self, base: str, username: str) -> BalancedClient:
        client = BalancedClient()
        answer = log_in(client, base, username, self.passwords[username])
        assert answer.status_code == 302, f"login of {username} on {base}: {answer.status_code}"
        assert "/accounts/login/" not in answer.headers["Location"]
        assert "__Host-sessionid" in client.cookies
        return client

    def upstream_calls(self, value: str) -> int:
        """How many customer-list calls for the quick search `value` reached the sandbox."""
        call = re.compile(
            rf"GET /sandbox/api/v2/customer\?\S*filter_value={re.escape(value)}(?:[&\s]|$)"
        )
        return sum(1 for line in self.access_log.read_text().splitlines() if call.search(line))

    def settled_calls(self, value: str, expected: int) -> int:
        """upstream_calls(value), once the access log has caught up with `expected` calls.

        gunicorn writes an access line just after its answer, so a call can reach the log a
        moment after the page it served; any call beyond `expected` was made before the
        pages came back, so it is in the log by the time the wait is over as well.
        """
        give_up_at = time.monotonic() + 5
        while self.upstream_calls(value) < expected and time.monotonic() < give_up_at:
            time.sleep(0.05)
        time.sleep(0.3)
        return self.upstream_calls(value)


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _wait_until_up(url: str, process: subprocess.Popen, log: Path | None = None):
    try:
        harness.wait_until_up(url)
    except SystemExit as exc:
        output = f"; its output ends:\n{_tail(log)}" if log else ""
        pytest.fail(f"{exc} (exit code {process.poll()}){output}", pytrace=False)


def _start_app(env: dict, port: int, log: Path) -> subprocess.Popen:
    """One billodash instance as deployed: deploy/gunicorn.conf.py, settings from `env`."""
    command = [harness.PYTHON, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"]
    env = {**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "16"}
    with log.open("wb") as output:
        return subprocess.Popen(
            [*command, "billodash.wsgi"],
            cwd=harness.ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _postgres(admin_url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        pytest.fail(f"PostgreSQL at {admin_url} is unreachable: {exc}", pytrace=False)


def _drop_database(admin_url: str, name: str):
    with _postgres(admin_url) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _delete_keys(cache: redis.Redis, prefix: str):
    keys = list(cache.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        cache.delete(*keys)


def _exclusive_lock(path: Path, cleanup: ExitStack):
    """Hold an exclusive lock on `path` until the stack is torn down."""
    lock = cleanup.enter_context(path.open("a"))
    fcntl.flock(lock, fcntl.LOCK_EX)
    cleanup.callback(fcntl.flock, lock, fcntl.LOCK_UN)


def _start_stack(cleanup: ExitStack) -> Stack:
    tmp = Path(tempfile.mkdtemp(prefix="billodash-two-instances-"))
    cleanup.callback(shutil.rmtree, tmp, ignore_errors=True)

    # The shared services, checked first so that an unreachable one fails loudly.
    admin_url = _postgres_admin_url()
    database = f"billodash_two_instances_{secrets.token_hex(6)}"
    with _postgres(admin_url) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    cleanup.callback(_drop_database, admin_url, database)
    cache = redis.Redis.from_url(_redis_url(), socket_timeout=5)
    try:
        cache.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {_redis_url()} is unreachable: {exc}", pytrace=False)
    cache_prefix = f"billodash-two-instances-{secrets.token_hex(6)}"
    cleanup.callback(_delete_keys, cache, cache_prefix)

    # Child processes get only what they need from this one's environment: not the
    # DATABASE_URL or REDIS_URL `make test-services` gives the rest of the suite.
    base_env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    base_env["LOG_LEVEL"] = "WARNING"

    # The upstream: the sandbox in the embedded profile, in its own folder and SQLite.
    ports = set()
    while len(ports) < 3:
        ports.add(harness.free_port())
    sandbox_port, a_port, b_port = ports
    api = f"http://127.0.0.1:{sandbox_port}/sandbox/api/v2"
    api_key = secrets.token_urlsafe(16)
    sandbox_env = {**base_env, "DJANGO_ENV": "development", "BILLODASH_VAR_DIR": str(tmp / "sb"),
                   "BILLODASH_SANDBOX_FAULTS": "latency_ms=300"}  # fmt: skip
    harness.manage(sandbox_env, "migrate", "--noinput")
    harness.manage(sandbox_env, "seed_sandbox", "--customers", "200", "--account", "acme",
                   "--api-user", API_USER, "--api-key", api_key)  # fmt: skip

    # The two instances' shared production settings.
    app_env = {
        **base_env,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BILLODASH_CREDENTIAL_KEYS": Fernet.generate_key().decode(),
        "BILLODASH_VAR_DIR": str(tmp / "app"),
        "DATABASE_URL": f"postgres://{urlsplit(admin_url).netloc}/{database}",
        "REDIS_URL": _redis_url(),
        "CACHE_KEY_PREFIX": cache_prefix,
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback, behind the "balancer"
        "LOG_LEVEL": "INFO",  # one line per request, as production logs
    }
    harness.manage(app_env, "check_services")
    harness.manage(app_env, "migrate", "--noinput")
    passwords = {username: secrets.token_urlsafe(16) for username in USERS}
    for username, password in passwords.items():
        harness.manage({**app_env, "PW": password, "KEY": api_key}, "provision_user", username,
                       "--password-env", "PW", "--api-base", api, "--api-user", API_USER,
                       "--api-key-env", "KEY", "--label", LABEL)  # fmt: skip

    # Production pages need the hashed static files' manifest in staticfiles/, which
    # collectstatic rewrites (deletes, then writes) on every run. Other runs of this module
    # (another xdist worker, another person's test run) use the same folder: collect, and run
    # the instances, while no other run does.
    _exclusive_lock(Path(tempfile.gettempdir()) / "billodash-staticfiles.lock", cleanup)
    harness.manage(app_env, "collectstatic", "--noinput")

    access_log = tmp / "sandbox-access.log"
    sandbox = harness.gunicorn(sandbox_env, sandbox_port, 1, 16, access_log=access_log)
    cleanup.callback(harness.stop, [sandbox])
    logs = {"A": tmp / "a.log", "B": tmp / "b.log"}
    apps = {
        "A": _start_app(app_env, a_port, logs["A"]),
        "B": _start_app(app_env, b_port, logs["B"]),
    }
    cleanup.callback(harness.stop, list(apps.values()))
    _wait_until_up(f"http://127.0.0.1:{sandbox_port}/healthz", sandbox)
    for name, port in (("A", a_port), ("B", b_port)):
        _wait_until_up(f"http://127.0.0.1:{port}/healthz", apps[name], logs[name])

    return Stack(
        a=f"http://127.0.0.1:{a_port}",
        b=f"http://127.0.0.1:{b_port}",
        api=api,
        access_log=access_log,
        passwords=passwords,
        cache=cache,
        cache_prefix=cache_prefix,
        logs=logs,
    )


@pytest.fixture(scope="module")
def stack():
    with ExitStack() as cleanup:
        yield _start_stack(cleanup)


# ----------------------------------------------------------------------------- the tests


def test_each_instance_logs_json_lines_carrying_the_request_id(stack):
    request_id = f"two-instances-{secrets.token_hex(6)}"

    answer = BalancedClient().get(f"{stack.a}/healthz", headers={"X-Request-ID": request_id})

    assert answer.headers["X-Request-ID"] == request_id
    lines = stack.logs["A"].read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line, gunicorn's too, is JSON
    assert any(record["logger"].startswith("gunicorn") for record in records)
    assert [
        record
        for record in records
        if record.get("request_id") == request_id
        and record["message"] == "request"
        and record["path"] == "/healthz"
        and record["status"] == 200
    ]


def test_a_login_made_on_a_is_valid_on_b(stack):
    client = stack.log_in(stack.a, "alice")

    page = client.get(f"{stack.b}/customers/", allow_redirects=False)

    assert page.status_code == 200
    assert "<title>Customers · billodash</title>" in page.text
    assert '<span class="user-name">alice</span>' in page.text
    # The control: without that session, B sends the visitor to the login page.
    stranger = BalancedClient().get(f"{stack.b}/customers/", allow_redirects=False)
    assert stranger.status_code == 302
    assert stranger.headers["Location"].startswith("/accounts/login/")


def test_a_search_cached_through_a_is_served_from_cache_on_b(stack):
    client = stack.log_in(stack.a, "alice")
    path = search_path("karlsson")

    first = client.get(stack.a + path, allow_redirects=False)
    second = client.get(stack.b + path, allow_redirects=False)

    fetched_on_a, cached_on_a = freshness(first)
    fetched_on_b, cached_on_b = freshness(second)
    assert not cached_on_a
    assert cached_on_b
    assert fetched_on_b == fetched_on_a  # the very answer A fetched
    assert re.search(r"Showing 1–\d+ of \d+ customers?", second.text)
    assert stack.settled_calls("karlsson", 1) == 1, stack.diagnostics()
    # Both used Redis db 15 under this run's prefix, not a cache of their own.
    assert any(stack.cache.scan_iter(match=f"{stack.cache_prefix}:*"))


def test_a_lockout_on_a_holds_on_b(stack):
    # The right password works on B to begin with: its refusal below is the lockout's.
    stack.log_in(stack.b, "carol")
    failures = [
        log_in(BalancedClient(), stack.a, "carol", "not-the-password") for _ in range(FAILURE_LIMIT)
    ]
    assert [answer.status_code for answer in failures[:-1]] == [200] * (FAILURE_LIMIT - 1)

    client = BalancedClient()
    refused = log_in(client, stack.b, "carol", stack.passwords["carol"])

    assert refused.status_code == 429
    assert "Too many failed logins" in refused.text
    assert "__Host-sessionid" not in client.cookies
    assert client.get(f"{stack.b}/customers/", allow_redirects=False).status_code == 302


def test_a_connection_change_on_a_invalidates_the_results_b_cached(stack):
    client = stack.log_in(stack.b, "dave")
    path = search_path("nilsson")
    assert freshness(client.get(stack.b + path, allow_redirects=False))[1] is False
    assert freshness(client.get(stack.b + path, allow_redirects=False))[1] is True
    assert stack.settled_calls("nilsson", 1) == 1, stack.diagnostics()

    listing = client.get(f"{stack.a}/settings/connections/", allow_redirects=False)
    assert listing.status_code == 200
    edits = re.findall(r'href="(/settings/connections/\d+/edit/)"', listing.text)
    assert len(edits) == 1, edits
    saved = post_form(
        client,
        stack.a + edits[0],
        {"label": "Acme renamed", "environment": "custom", "custom_base_url": stack.api,
         "api_user": API_USER, "api_password": ""},
    )  # fmt: skip
    assert saved.status_code == 302, saved.text
    assert saved.headers["Location"] == "/settings/connections/"

    after = client.get(stack.b + path, allow_redirects=False)

    assert freshness(after)[1] is False
    assert "<strong>Acme renamed</strong>" in after.text
    assert stack.settled_calls("nilsson", 2) == 2, stack.diagnostics()


def test_forty_concurrent_cold_searches_on_a_and_b_make_one_upstream_call(stack):
    path = search_path("larsson")
    # Every request logged in: one login per instance, each session shared by 20 clients
    # (a login costs a deliberately slow password hash).
    sessions = {"A": stack.log_in(stack.a, "alice"), "B": stack.log_in(stack.b, "alice")}
    searches = []
    for name, base in (("A", stack.a), ("B", stack.b)):
        for _ in range(20):
            client = BalancedClient()
            client.cookies.update(sessions[name].cookies)
            searches.append((name, base, client))
    barrier = threading.Barrier(len(searches))

    def search(name, base, client):
        barrier.wait(timeout=30)
        started = time.monotonic()
        page = client.get(base + path, allow_redirects=False)
        return name, started, time.monotonic(), page

    with ThreadPoolExecutor(max_workers=len(searches)) as pool:
        answers = list(pool.map(lambda args: search(*args), searches))

    assert [page.status_code for *_, page in answers] == [200] * 40
    seen = [(name, *freshness(page)) for name, _, _, page in answers]
    assert stack.settled_calls("larsson", 1) == 1, f"{seen}\n{stack.diagnostics()}"
    assert len({fetched for _, fetched, _ in seen}) == 1  # one answer for all 40
    assert sum(not cached for *_, cached in seen) == 1  # the one that fetched it
    # The burst overlapped: A and B both had requests waiting before the first answer came.
    first_answer = min(ended for _, _, ended, _ in answers)
    assert {name for name, started, _, _ in answers if started < first_answer} == {"A", "B"}
