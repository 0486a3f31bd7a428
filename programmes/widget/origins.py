"""Web origins as the admin types them and as browsers send them (``Origin`` header).

An origin is a scheme, a host and an optional port: ``https://www.hjoring.dk``. What the
admin lists is normalised the way browsers write an ``Origin`` header, so the CORS check is
an exact string comparison: lower case, an international host name in its ASCII (IDNA)
form, no default port (443 for https, 80 for http), no trailing slash. Refused: other
schemes, http except for a local development host, paths, queries, fragments, user names or
passwords, wildcards, bad host names and ports.
"""

import ipaddress
import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ORIGINS_MAX = 20
ORIGIN_MAX_LENGTH = 200
DEFAULT_PORTS = {"https": 443, "http": 80}
# Hosts where http:// is accepted (a municipality's web team testing on its own machine).
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _is_local(host: str) -> bool:
    return host in LOCAL_HOSTS or host.endswith(".localhost")


def _ascii_host(host: str) -> str | None:
    """The host in lower-case ASCII (IDNA for international names), or None if invalid."""
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return None
        return host
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    if len(host) > 253:
        return None
    labels = host.split(".")
    if all(label.isdigit() for label in labels):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return None
        return host
    if not all(_LABEL.match(label) for label in labels):
        return None
    # A public host has a dot and a top-level domain of letters (or punycode).
    if len(labels) == 1 and host != "localhost":
        return None
    if len(labels) > 1 and not re.match(r"^([a-z]{2,63}|xn--[a-z0-9-]+)$", labels[-1]):
        return None
    return host


def normalise_origin(text: str) -> str:
    """``text`` as a browser's ``Origin`` header writes it; a ValidationError (translated,
    naming the value) if it is not an origin the widget may be opened to."""
    value = text.strip()
    shown = value if len(value) <= 80 else value[:77] + "…"
    if len(value) > ORIGIN_MAX_LENGTH:
        raise ValidationError(
            _("“%(value)s” is too long for a website address.") % {"value": shown},
            code="origin_too_long",
        )
    if "*" in value:
        raise ValidationError(
            _("“%(value)s”: wildcards are not allowed; list each website on its own line.")
            % {"value": shown},
            code="origin_wildcard",
        )
    if any(character.isspace() for character in value):
        raise ValidationError(
            _("“%(value)s” contains spaces; give one website per line.") % {"value": shown},
            code="origin_spaces",
        )
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValidationError(
            _("“%(value)s” has an invalid host name or port.") % {"value": shown},
            code="origin_invalid",
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.netloc:
        raise ValidationError(
            _(
                "“%(value)s” is not a website address: write it with https://, "
                "for example https://www.example.dk."
            )
            % {"value": shown},
            code="origin_scheme",
        )
    if "@" in parts.netloc:
        raise ValidationError(
            _("“%(value)s”: a user name or password is not allowed.") % {"value": shown},
            code="origin_userinfo",
        )
    if parts.path not in ("", "/") or "?" in value or "#" in value:
        raise ValidationError(
            _(
                "“%(value)s”: give only the website's address without a page, query or "
                "fragment, for example https://www.example.dk."
            )
            % {"value": shown},
            code="origin_path",
        )
    netloc_host = parts.netloc.rsplit(":", 1)[0] if port is not None else parts.netloc
    if netloc_host.endswith(":"):  # "https://example.dk:" has an empty port
        netloc_host = netloc_host[:-1]
    host = _ascii_host(netloc_host.lower())
    if host is None:
        raise ValidationError(
            _("“%(value)s” has an invalid host name or port.") % {"value": shown},
            code="origin_invalid",
        )
    if scheme == "http" and not _is_local(host):
        raise ValidationError(
            _("“%(value)s”: use https:// (http:// is accepted only for localhost).")
            % {"value": shown},
            code="origin_insecure",
        )
    if port is not None and port == 0:
        raise ValidationError(
            _("“%(value)s” has an invalid host name or port.") % {"value": shown},
            code="origin_invalid",
        )
    suffix = f":{port}" if port is not None and port != DEFAULT_PORTS[scheme] else ""
    return f"{scheme}://{host}{suffix}"


def normalise_origins(values: list[str]) -> list[str]:
    """Each value normalised, empty ones skipped, duplicates dropped (first kept). Raises
    one ValidationError listing every refused value, so the admin can fix all at once."""
    origins: list[str] = []
    errors: list[ValidationError] = []
    for value in values:
        if not value.strip():
            continue
        try:
            origin = normalise_origin(value)
        except ValidationError as error:
            errors.append(error)
            continue
        if origin not in origins:
            origins.append(origin)
    if not errors and len(origins) > ORIGINS_MAX:
        errors.append(
            ValidationError(
                _("List at most %(count)s websites.") % {"count": ORIGINS_MAX},
                code="origins_too_many",
            )
        )
    if errors:
        raise ValidationError(errors)
    return origins


def origin_of_header(header: str) -> str:
    """A browser's ``Origin`` header in the form the admin's list is stored in."""
    return header.strip().lower()
