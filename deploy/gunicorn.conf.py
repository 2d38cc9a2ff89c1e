"""gunicorn settings for billodash's production profile: `make serve`, or any deployment with
`gunicorn --config deploy/gunicorn.conf.py billodash.wsgi`.

Each value can be changed through the environment; the defaults suit a small app server.
"""

from billodash.env import BILLOGRAM_DEADLINE_DEFAULT, env_float, env_int, env_str

bind = env_str("BIND", "127.0.0.1:8000")
worker_class = "gthread"
# Worker processes, and threads in each; every thread keeps one database connection.
workers = env_int("WEB_CONCURRENCY", 2)
threads = env_int("GUNICORN_THREADS", 8)
# Above the longest a request may take: a Billogram call gives up after BILLOGRAM_DEADLINE.
timeout = int(env_float("BILLOGRAM_DEADLINE", BILLOGRAM_DEADLINE_DEFAULT)) + 15
graceful_timeout = 30
keepalive = 5
# No runtime control socket: several instances may share one host, and nothing uses it.
control_socket_disable = True
# The load balancer's address, trusted for X-Forwarded-* headers.
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
# billodash writes one JSON line per request itself, so gunicorn's access lines are dropped;
# its own messages go to stdout as JSON too.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "billodash.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}
