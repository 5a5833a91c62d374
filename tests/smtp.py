"""A real SMTP server on loopback (aiosmtpd) that collects what it receives."""

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from app.config import Settings
from tests.pg import free_port


@dataclass
class SmtpServer:
    """Collects what it receives; `delay` makes every DATA command slow."""

    delay: float = 0.0
    port: int = 0
    received: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        await asyncio.sleep(self.delay)
        self.received.append(envelope)
        return "250 OK"

    def mails(self) -> list[EmailMessage]:
        """The received messages, parsed."""
        return [message_from_bytes(e.content, policy=policy.default) for e in self.received]

    def recipients(self) -> list[str]:
        return sorted(address for envelope in self.received for address in envelope.rcpt_tos)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    yield server
    controller.stop()


@pytest.fixture
def mail_settings(settings: Settings, smtp_server: SmtpServer) -> Settings:
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_server.port,
            "mail_from": "MDO <mdo@gemeente.nl>",
        }
    )
