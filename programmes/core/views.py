"""View helpers shared by every topic."""

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache

View = Callable[..., HttpResponse]


def role_required(*roles: str) -> Callable[[View], View]:
    """Signed-in people of this tenant with one of ``roles``; others are sent to sign in
    (anonymous) or refused (403). Pages behind it are never cached."""

    def decorator(view: View) -> View:
        @wraps(view)
        @never_cache
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


municipal_admin_required = role_required("municipal_admin")


# Uploaded pictures that pages show in <img> (logos, the programme's symbol) may be served
# inline; everything else is always a download.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/svg+xml"})
# No scripts, plugins, forms or fetches, even if a browser opened the file as a document.
FILE_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"


def stored_file_response(
    field_file: Any, content_type: str, *, download_name: str, inline: bool | None = None
) -> FileResponse:
    """Serve a file from the tenant's storage (the caller has checked the viewer may see
    it) with headers that stop browsers from running or sniffing it: a download
    (``Content-Disposition: attachment``) unless ``inline`` (default: only for pictures),
    under ``download_name`` (never the uploader's name), ``nosniff`` and a sandboxing CSP."""
    if not field_file:
        raise Http404
    if inline is None:
        inline = content_type in INLINE_TYPES
    response = FileResponse(
        field_file.open("rb"),
        content_type=content_type,
        filename=download_name,
        as_attachment=not (inline and content_type in INLINE_TYPES),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    return response


def import_preview_keep(request: HttpRequest, key: str, data: dict[str, Any]) -> str:
    """Keep an import's checked tables in the session (server-side) between its preview and
    the confirmation; returns the random token the confirmation must send back."""
    token = secrets.token_urlsafe(24)
    request.session[key] = {**data, "token": token}
    return token


def import_preview_take(request: HttpRequest, key: str) -> dict[str, Any] | None:
    """The kept preview, once: None when there is none or the POSTed token is not its own
    (the import then asks for the file again; nothing the browser sends is trusted)."""
    stored = request.session.pop(key, None)
    if not stored or not constant_time_compare(stored["token"], request.POST.get("token", "")):
        return None
    return stored
