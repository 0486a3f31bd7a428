"""The malware-scanning hook: the fake scanner of the tests, the clamd client against a tiny
clamd in a thread (OK, FOUND, ERROR, silence, nobody there), and failing closed."""

import logging
import socket
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError

from programmes.core import scanning
from programmes.core.scanning import EICAR, ScannerUnavailable, clamd_instream, scan


@dataclass
class FakeClamd:
    """Answers one INSTREAM per connection with ``reply`` (None: stays silent)."""

    reply: bytes | None = b"stream: OK\0"
    received: list[bytes] = field(default_factory=list)
    commands: list[bytes] = field(default_factory=list)
    chunks: list[int] = field(default_factory=list)
    port: int = 0

    def serve(self, listener: socket.socket) -> None:
        while True:
            try:
                connection, _address = listener.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                try:
                    self._one(connection)
                except OSError:
                    continue

    def _read(self, connection: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            received = connection.recv(size - len(data))
            if not received:
                raise OSError("closed")
            data += received
        return data

    def _one(self, connection: socket.socket) -> None:
        command = b""
        while not command.endswith(b"\0"):
            command += self._read(connection, 1)
        self.commands.append(command)
        content = b""
        while True:
            (size,) = struct.unpack("!L", self._read(connection, 4))
            if size == 0:
                break
            self.chunks.append(size)
            content += self._read(connection, size)
        self.received.append(content)
        if self.reply is None:
            threading.Event().wait(2)  # never answers within the client's timeout
            return
        connection.sendall(self.reply)


@pytest.fixture
def clamd(settings) -> Iterator[FakeClamd]:  # type: ignore[no-untyped-def]
    fake = FakeClamd()
    listener = socket.create_server(("127.0.0.1", 0))
    fake.port = listener.getsockname()[1]
    thread = threading.Thread(target=fake.serve, args=(listener,), daemon=True)
    thread.start()
    settings.UPLOAD_SCANNER = "clamd"
    settings.CLAMD_HOST = "127.0.0.1"
    settings.CLAMD_PORT = fake.port
    settings.CLAMD_TIMEOUT = 0.5
    yield fake
    listener.close()
    thread.join(timeout=3)


def test_the_test_settings_use_the_fake_scanner(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.UPLOAD_SCANNER == "fake"


def test_the_fake_scanner_flags_eicar_anywhere_and_passes_the_rest() -> None:
    scan(b"a harmless file")
    with pytest.raises(ValidationError) as refused:
        scan(b"prefix " + EICAR + b" suffix")
    assert refused.value.code == "infected"
    assert refused.value.messages == ["The file was refused by the virus scanner."]


def test_no_scanner_in_development_accepts_everything(settings) -> None:  # type: ignore[no-untyped-def]
    settings.UPLOAD_SCANNER = "none"
    scan(EICAR)


def test_a_clean_file_passes_clamd_in_size_limited_chunks(clamd: FakeClamd) -> None:
    content = bytes(range(256)) * 1000  # 256 000 bytes
    assert clamd_instream(content, host="127.0.0.1", port=clamd.port, timeout=1) is None
    assert clamd.commands == [b"zINSTREAM\0"]
    assert clamd.received == [content]
    assert max(clamd.chunks) <= scanning.CHUNK_BYTES and len(clamd.chunks) == 4
    scan(content)  # through the setting, too


def test_a_file_clamd_finds_infected_is_refused(clamd: FakeClamd, caplog) -> None:  # type: ignore[no-untyped-def]
    clamd.reply = b"stream: Eicar-Test-Signature FOUND\0"
    assert (
        clamd_instream(EICAR, host="127.0.0.1", port=clamd.port, timeout=1)
        == "Eicar-Test-Signature"
    )
    with (
        caplog.at_level(logging.WARNING, logger="programmes.core.scanning"),
        pytest.raises(ValidationError) as refused,
    ):
        scan(EICAR)
    assert refused.value.code == "infected"
    assert "Eicar-Test-Signature" in caplog.text


@pytest.mark.parametrize(
    "reply",
    [
        b"INSTREAM size limit exceeded. ERROR\0",
        b"stream: Can't allocate memory ERROR\0",
        b"UNKNOWN COMMAND\0",
        b"",  # the daemon hangs up without a word
    ],
)
def test_an_error_from_clamd_refuses_the_upload_and_logs_an_error(
    clamd: FakeClamd, reply: bytes, caplog
) -> None:  # type: ignore[no-untyped-def]
    clamd.reply = reply
    with pytest.raises(ScannerUnavailable):
        clamd_instream(b"x", host="127.0.0.1", port=clamd.port, timeout=1)
    with (
        caplog.at_level(logging.ERROR, logger="programmes.core.scanning"),
        pytest.raises(ValidationError) as refused,
    ):
        scan(b"x")
    assert refused.value.code == "scanner_unavailable"
    assert "could not be checked for viruses" in refused.value.messages[0]
    assert [r.levelno for r in caplog.records] == [logging.ERROR]


def test_a_silent_clamd_times_out_and_the_upload_is_refused(clamd: FakeClamd) -> None:
    clamd.reply = None
    with pytest.raises(ValidationError) as refused:
        scan(b"x")
    assert refused.value.code == "scanner_unavailable"


def test_an_unreachable_clamd_refuses_the_upload(settings, caplog) -> None:  # type: ignore[no-untyped-def]
    with socket.create_server(("127.0.0.1", 0)) as spare:
        port = spare.getsockname()[1]
    # The port is closed now: nobody listens there.
    settings.UPLOAD_SCANNER = "clamd"
    settings.CLAMD_HOST, settings.CLAMD_PORT, settings.CLAMD_TIMEOUT = "127.0.0.1", port, 0.5
    with (
        caplog.at_level(logging.ERROR, logger="programmes.core.scanning"),
        pytest.raises(ValidationError) as refused,
    ):
        scan(b"x")
    assert refused.value.code == "scanner_unavailable"
    assert f"127.0.0.1:{port}" in caplog.text
