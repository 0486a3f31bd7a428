"""The malware-scanning hook every upload passes after its content checks.

``scan(content)`` raises ValidationError when the file must be refused. The backend is the
``UPLOAD_SCANNER`` setting:

- ``clamd``: a ClamAV daemon over TCP (``CLAMD_HOST``/``CLAMD_PORT``) with the INSTREAM
  protocol; the production default. When the daemon cannot be reached or answers with an
  error, the upload is refused (fail closed) and an error is logged.
- ``fake``: flags the EICAR test string anywhere in the file; the test default.
- ``none``: accepts everything; the development default.
"""

import logging
import socket
import struct

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# The body of the EICAR anti-virus test file (https://www.eicar.org/download-anti-malware-testfile/).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!H+H*"
CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096


class ScannerUnavailable(Exception):
    """The scanner could not give a verdict (unreachable, timed out, answered an error)."""


def _infected() -> ValidationError:
    return ValidationError(_("The file was refused by the virus scanner."), code="infected")


def _unavailable() -> ValidationError:
    return ValidationError(
        _("The file could not be checked for viruses just now. Please try again later."),
        code="scanner_unavailable",
    )


def clamd_instream(
    content: bytes, *, host: str, port: int, timeout: float, chunk_bytes: int = CHUNK_BYTES
) -> str | None:
    """Send ``content`` to clamd with INSTREAM; the signature's name when it is infected,
    None when it is clean. ScannerUnavailable for every other outcome."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as connection:
            connection.settimeout(timeout)
            connection.sendall(b"zINSTREAM\0")
            for start in range(0, len(content), chunk_bytes):
                chunk = content[start : start + chunk_bytes]
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            reply = b""
            while b"\0" not in reply and len(reply) < MAX_REPLY_BYTES:
                received = connection.recv(MAX_REPLY_BYTES)
                if not received:
                    break
                reply += received
    except OSError as error:  # refused, unreachable, timed out, reset
        raise ScannerUnavailable(f"clamd at {host}:{port}: {error}") from error
    answer = reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
    # "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
    if answer.endswith(" OK"):
        return None
    if answer.endswith(" FOUND"):
        return answer.removeprefix("stream:").removesuffix(" FOUND").strip() or "unknown"
    raise ScannerUnavailable(f"clamd at {host}:{port} answered {answer[:200]!r}")


def scan(content: bytes) -> None:
    """Refuse ``content`` (ValidationError) when the configured scanner flags it, or when
    the production scanner cannot give a verdict."""
    backend = settings.UPLOAD_SCANNER
    if backend == "none":
        return
    if backend == "fake":
        if EICAR in content:
            raise _infected()
        return
    if backend != "clamd":
        raise ImproperlyConfigured(f"UPLOAD_SCANNER must be clamd, fake or none, not {backend!r}.")
    try:
        found = clamd_instream(
            content,
            host=settings.CLAMD_HOST,
            port=settings.CLAMD_PORT,
            timeout=settings.CLAMD_TIMEOUT,
        )
    except ScannerUnavailable as error:
        logger.error("Upload refused: the virus scanner gave no verdict (%s).", error)
        raise _unavailable() from None
    if found is not None:
        logger.warning("Upload refused by the virus scanner: %s.", found)
        raise _infected()
