"""The SES outbox page, and a clear message when a port is taken."""

from __future__ import annotations

import socket
from collections.abc import Callable

import httpx
import pytest

from local.aws import aws_client
from local.servers import PortBusy
from local.stack import LocalStack, StackPorts
from tests.support.paths import RUNNER_TEMPLATE


def test_every_email_sent_through_ses_is_in_the_outbox_with_clickable_links(
    start_local_stack: Callable[..., LocalStack],
) -> None:
    stack = start_local_stack(RUNNER_TEMPLATE, poll_queues=False, run_schedules=False)
    assert stack.aws is not None
    link = f"{stack.api_url}/settings?token=abc"
    aws_client("sesv2", stack.aws.endpoint).send_email(
        FromEmailAddress="sender@example.com",
        Destination={"ToAddresses": ["owner@example.com"]},
        Content={
            "Simple": {"Subject": {"Data": "Your settings link"}, "Body": {"Text": {"Data": f"Open {link}"}}}
        },
    )
    aws_client("ses", stack.aws.endpoint).send_email(
        Source="sender@example.com",
        Destination={"ToAddresses": ["other@example.com"]},
        Message={
            "Subject": {"Data": "Html one"},
            "Body": {"Html": {"Data": '<p><a href="https://x.test/">x</a></p>'}},
        },
    )

    emails = httpx.get(f"{stack.api_url}/_local/outbox.json").json()
    page = httpx.get(f"{stack.api_url}/_local/outbox")

    texts = [e for e in emails if e["subject"] == "Your settings link"]
    assert texts[-1]["to"] == ["owner@example.com"]
    assert texts[-1]["text"] == f"Open {link}"
    assert any(e["subject"] == "Html one" and "https://x.test/" in e["html"] for e in emails)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert f'<a href="{link}">' in page.text.replace("&amp;", "&")


def test_a_busy_port_is_reported_by_number_not_by_traceback(
    start_local_stack: Callable[..., LocalStack],
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(PortBusy) as caught:
            start_local_stack(RUNNER_TEMPLATE, ports=StackPorts(api=port, moto=0, invoke=0))

    assert str(caught.value) == f"port {port} is busy (another make run?) - needed for the API"
