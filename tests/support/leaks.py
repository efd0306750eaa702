"""A secret-leak scanner any end-to-end test can use.

Give it the secret values a test handed to the service (vendor tokens, management tokens,
Tripletex session tokens) and the places the service could have written them: log lines
(`LogCapture`, caplog, capsys/capfd text), response bodies, the SES outbox, every SQS message
(read from moto's backend, so in-flight and dead-lettered messages count and nothing is
consumed) and every DynamoDB item (tokens belong in Secrets Manager only). It answers every
place a secret appears, in any encoding a careless line of code would produce: as is, URL- or
JSON-escaped, base64 (alone or as Tripletex's ``0:<token>`` Basic credentials).

A finding names the place and where in it; its excerpt has the secret masked, so a failing test
never prints a token itself.
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from local.cfn import ACCOUNT_ID, REGION

MASK = "<secret>"
# Shorter values could occur by chance in ordinary text; every real token is far longer.
MIN_SECRET_LENGTH = 8


@dataclass(frozen=True)
class Leak:
    place: str
    where: str
    encoding: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.place} [{self.where}] ({self.encoding}): {self.excerpt}"


def encodings(secret: str) -> dict[str, str]:
    forms = {
        "plain": secret,
        "url-encoded": urllib.parse.quote(secret, safe=""),
        "json-escaped": json.dumps(secret)[1:-1],
        "base64": base64.b64encode(secret.encode()).decode(),
        "basic-auth": base64.b64encode(f"0:{secret}".encode()).decode(),
    }
    unique: dict[str, str] = {}
    for name, form in forms.items():
        if len(form) >= MIN_SECRET_LENGTH and form not in unique.values():
            unique[name] = form
    return unique


def _excerpt(text: str, at: int, length: int, secrets: Iterable[str]) -> str:
    window = text[max(0, at - 80) : at + length + 80]
    for secret in secrets:
        for form in encodings(secret).values():
            window = window.replace(form, MASK)
    return window.replace("\n", " ")


def scan(secrets: Iterable[str], places: Mapping[str, Iterable[tuple[str, str]]]) -> list[Leak]:
    """Every occurrence of a secret in `places`: place -> (where, text) pairs."""
    wanted = [s for s in set(secrets) if s and len(s) >= MIN_SECRET_LENGTH]
    found: list[Leak] = []
    for place, texts in places.items():
        for where, text in texts:
            for secret in wanted:
                for encoding, form in encodings(secret).items():
                    at = text.find(form)
                    if at >= 0:
                        found.append(Leak(place, where, encoding, _excerpt(text, at, len(form), wanted)))
    return found


# ----- places -------------------------------------------------------------------------------


class LogCapture(logging.Handler):
    """Every log record, with its arguments and extra fields (Powertools puts keys there).

    `attach` hooks the root logger and every logger that does not propagate to it (Powertools'
    own loggers), so call it after the handlers are imported. It records from `level` on:
    INFO is what the template sets for every function (POWERTOOLS_LOG_LEVEL); at DEBUG botocore
    logs whole request bodies, secrets included, in any program that turns it on."""

    def __init__(self, level: int = logging.INFO) -> None:
        super().__init__(level=level)
        self.lines: list[tuple[str, str]] = []
        self._hooked: list[tuple[logging.Logger, int]] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is still evidence to search
            message = str(record.msg)
        self.lines.append((record.name, f"{message} {record.__dict__!r}"))

    def attach(self) -> LogCapture:
        loggers = [logging.getLogger()]
        loggers += [
            lg
            for lg in list(logging.root.manager.loggerDict.values())
            if isinstance(lg, logging.Logger) and not lg.propagate
        ]
        for logger in loggers:
            if self not in logger.handlers:
                self._hooked.append((logger, logger.level))
                logger.addHandler(self)
                if logger.level == logging.NOTSET or logger.level > self.level:
                    logger.setLevel(self.level)
        return self

    def detach(self) -> None:
        for logger, level in self._hooked:
            logger.removeHandler(self)
            logger.setLevel(level)
        self._hooked.clear()


def numbered(place: str, texts: Iterable[str]) -> Iterator[tuple[str, str]]:
    for index, text in enumerate(texts):
        yield f"{place} #{index}", text


def outbox() -> list[tuple[str, str]]:
    """Every email the stack sent (moto's SES backend)."""
    from local.outbox import sent_emails

    return [
        (
            f"email to {', '.join(mail.to)}: {mail.subject}",
            f"{mail.subject}\n{mail.text or ''}\n{mail.html or ''}",
        )
        for mail in sent_emails()
    ]


def queue_messages(account_id: str = ACCOUNT_ID, region: str = REGION) -> list[tuple[str, str]]:
    """Every message of every queue, visible, in flight or dead-lettered, read without receiving it."""
    from moto.sqs.models import sqs_backends

    found = []
    for name, queue in sqs_backends[account_id][region].queues.items():
        for message in list(queue._messages):
            attributes = json.dumps(getattr(message, "message_attributes", {}) or {}, default=str)
            found.append((f"queue {name}", f"{message.body} {attributes}"))
    return found


def table_items(account_id: str = ACCOUNT_ID, region: str = REGION) -> list[tuple[str, str]]:
    """Every item of every DynamoDB table: tokens belong in Secrets Manager, never here."""
    from moto.dynamodb.models import dynamodb_backends

    found = []
    for name, table in dynamodb_backends[account_id][region].tables.items():
        for item in table.all_items():
            found.append((f"table {name}", json.dumps(item.to_json(), default=str)))
    return found


def secret_names(account_id: str = ACCOUNT_ID, region: str = REGION) -> list[str]:
    from moto.secretsmanager.models import secretsmanager_backends

    backend: Any = secretsmanager_backends[account_id][region]
    return [secret.name for secret in backend.secrets.values()]


def service_places(
    *, logs: Iterable[tuple[str, str]] = (), responses: Iterable[str] = (), output: str = ""
) -> dict[str, list[tuple[str, str]]]:
    """The usual places of a local-stack test: logs, responses, stdout/stderr, emails, queues, tables."""
    return {
        "log": list(logs),
        "response": list(numbered("response", responses)),
        "output": [("captured stdout/stderr", output)] if output else [],
        "email": outbox(),
        "queue": queue_messages(),
        "table": table_items(),
    }
