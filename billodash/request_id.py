"""Request ids: one per request, in the response header, every log record and error pages.

Kept free of Django imports so the logging configuration can load it before apps are ready.
"""

import re
import uuid
from contextvars import ContextVar

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
current_request_id: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdMiddleware:
    """Gives every request an id: in the response header, the logs and error pages.

    An id set by the load balancer (X-Request-ID) is kept when it looks like one, so one
    request can be followed from the proxy's log to billodash's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request.request_id
        return response
