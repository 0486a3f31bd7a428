"""Which origins may read the widget cross-origin: corsheaders asks ``check_request_enabled``.

How django-cors-headers uses the signal (corsheaders/middleware.py): a request is CORS-
*enabled* when its path matches ``CORS_URLS_REGEX`` (``^/(widget|api/v1/widget)/``) **or**
a receiver returns True; for an enabled request with an ``Origin`` header, the response gets
``Access-Control-Allow-Origin: <origin>`` when the origin is in ``CORS_ALLOWED_ORIGINS``
(empty here) **or** a receiver returns True. A preflight (OPTIONS with
``Access-Control-Request-Method``) to an enabled path is answered 200 by the middleware;
without a True receiver it carries no ``Access-Control-Allow-Origin``, so the browser stops.

The receiver is therefore asked for requests to every path (when the regex does not match),
so it answers from the path first, without touching the database, and is True only for the
widget's public paths on a tenant host whose admin listed the request's origin (read through
the cached ``selectors.allowed_origins``). Credentials are never allowed
(``CORS_ALLOW_CREDENTIALS = False``).
"""

import re
from typing import Any

from django.http import HttpRequest

from programmes.widget import selectors

# The widget's public paths: the data endpoint, the script and the frame. Not its admin page.
PUBLIC_PATHS = re.compile(r"^/(api/v1/widget/|widget/embed\.js$|widget/frame/$)")


def allow_listed_origins(sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
    if not PUBLIC_PATHS.match(request.path_info):
        return False
    if getattr(request, "tenant", None) is None:  # the platform host has no widget
        return False
    return selectors.origin_allowed(request.headers.get("origin", ""))
