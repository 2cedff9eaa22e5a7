"""A real SMTP server on loopback (aiosmtpd) that the portal delivers to."""

import asyncio
import email
import email.policy
import threading

import pytest
from aiosmtpd.controller import Controller

from tests.circulation.realworker import free_port


class Sink:
    """Keeps what arrived; answers a chosen SMTP code for chosen addresses, or for all; can go
    down and come back on the same port; can hold a message in the middle of its transfer."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: dict[str, str] = {}  # address → "550 …" / "451 …"
        self.down_for: int = 0  # answer 421 to that many transactions
        self.delay: float = 0  # seconds each message takes to be accepted
        self.hold_at: int | None = None  # hold the message that arrives after that many
        self.holding = threading.Event()  # set while a message is held
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.refuse.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            if self.down_for > 0:
                self.down_for -= 1
                return "421 Service not available, try later"
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
            hold = self.hold_at is not None and len(self.messages) == self.hold_at + 1
        if hold:
            # The server has the message, but its "250" has not reached the sender yet.
            self.hold_at = None
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 Message accepted"

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(settings):
    sink = Sink(free_port())
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield sink
    sink.release.set()
    sink.stop()
