"""The optional clamd scan: a clean file is stored, an infected one refused, and when the
scanner is configured but down every upload is refused (fails closed)."""

import socket
import threading

import pytest

from documents.models import Document
from networks.scoping import network_scope
from tests.circulation.realworker import free_port
from tests.documents.files import pdf, upload
from tests.documents.test_library import UPLOAD, form


class FakeClamd:
    """Speaks clamd's INSTREAM: reads the chunks, answers FOUND when the file holds the
    EICAR marker, OK otherwise."""

    def __init__(self):
        self.port = free_port()
        self.server = socket.create_server(("127.0.0.1", self.port))
        self.scanned = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                command = b""
                while not command.endswith(b"\0"):
                    command += connection.recv(1)
                data = b""
                while True:
                    size = int.from_bytes(self._exactly(connection, 4), "big")
                    if size == 0:
                        break
                    data += self._exactly(connection, size)
                self.scanned += 1
                found = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in data
                connection.sendall(
                    b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0"
                )

    @staticmethod
    def _exactly(connection, size):
        data = b""
        while len(data) < size:
            data += connection.recv(size - len(data))
        return data

    def close(self):
        self.server.close()


@pytest.fixture
def clamd(settings):
    fake = FakeClamd()
    settings.CLAMD_ADDRESS = f"tcp://127.0.0.1:{fake.port}"
    yield fake
    fake.close()


def documents(net):
    with network_scope(net.network):
        return list(Document.objects.values_list("title", flat=True))


def test_a_clean_file_is_scanned_and_stored(kyrgyzstan, login, clamd):
    login(kyrgyzstan.secretariat).post(UPLOAD, {**form(), "file": upload("s.pdf", pdf())})
    assert clamd.scanned == 1 and documents(kyrgyzstan) == ["Labour migration study"]


def test_an_infected_file_is_refused(kyrgyzstan, login, clamd):
    infected = pdf("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
    response = login(kyrgyzstan.secretariat).post(
        UPLOAD, {**form(), "file": upload("s.pdf", infected)}
    )
    assert "found a threat" in response.content.decode()
    assert documents(kyrgyzstan) == []


def test_a_configured_scanner_that_is_down_refuses_every_upload(kyrgyzstan, login, settings):
    settings.CLAMD_ADDRESS = f"tcp://127.0.0.1:{free_port()}"
    response = login(kyrgyzstan.secretariat).post(
        UPLOAD, {**form(), "file": upload("s.pdf", pdf())}
    )
    assert "cannot be reached" in response.content.decode()
    assert documents(kyrgyzstan) == []
