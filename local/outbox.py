"""Every email SES "sent" in the local stack, as a page a person can click through.

moto keeps sent messages in its in-process backend (the server runs in this process), so the
outbox reads them there; SES v1 and v2 sends land in the same list.
"""

from __future__ import annotations

import email
import email.policy
import html
import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from werkzeug.wrappers import Request, Response

from local.cfn import ACCOUNT_ID, REGION

_URL = re.compile(r"https?://[^\s<>\"']+")
# The links whose code the wizard posts back: #verify, #sign-in and #confirm.
_EMAILED_LINK = re.compile(
    r"#(?P<page>verify|sign-in|confirm)\?tenant=(?P<tenant>[0-9a-f]+)&code=(?P<code>[\w\-]+)"
)


@dataclass(frozen=True)
class SentEmail:
    message_id: str
    source: str
    to: list[str]
    subject: str
    text: str | None
    html: str | None


def _from_raw(message_id: str, source: str, destinations: list[str], raw: str) -> SentEmail:
    parsed = email.message_from_string(raw, policy=email.policy.default)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    return SentEmail(
        message_id=message_id,
        source=str(parsed.get("From") or source),
        to=list(destinations) or [str(parsed.get("To", ""))],
        subject=str(parsed.get("Subject", "")),
        text=text_part.get_content() if text_part is not None else None,
        html=html_part.get_content() if html_part is not None else None,
    )


def _looks_like_html(body: str) -> bool:
    return bool(re.search(r"<(html|body|p|a|div|table|br)\b", body, re.IGNORECASE))


def sent_emails(account_id: str = ACCOUNT_ID, region: str = REGION) -> list[SentEmail]:
    """Oldest first."""
    from moto.ses.models import ses_backends

    backend = ses_backends[account_id][region]
    emails: list[SentEmail] = []
    for message in list(backend.sent_messages):
        if hasattr(message, "raw_data"):
            emails.append(_from_raw(message.id, message.source, list(message.destinations), message.raw_data))
            continue
        if not hasattr(message, "body"):
            continue  # templated sends keep no rendered body in moto
        destinations: dict[str, list[str]] = message.destinations or {}
        to = [
            address
            for key in ("ToAddresses", "CcAddresses", "BccAddresses")
            for address in destinations.get(key, [])
        ]
        body = str(message.body or "")
        is_html = _looks_like_html(body)
        emails.append(
            SentEmail(
                message_id=message.id,
                source=message.source,
                to=to,
                subject=str(message.subject or ""),
                text=None if is_html else body,
                html=body if is_html else None,
            )
        )
    return emails


def emailed_link(address: str, page: str) -> dict[str, str] | None:
    """The body the wizard posts for the latest `page` link (`verify`, `sign-in`, `confirm`)
    emailed to `address`: ``{"tenant_id": ..., "code": ...}``; None when there is none."""
    for sent in reversed(sent_emails()):
        if address not in sent.to:
            continue
        for match in _EMAILED_LINK.finditer(sent.text or ""):
            if match.group("page") == page:
                return {"tenant_id": match.group("tenant"), "code": match.group("code")}
    return None


def confirm_contact(http: Any, address: str) -> None:
    """Open the verification link emailed to `address`, as the contact would (for harnesses
    that onboard a tenant over `http`, an httpx client on the local API)."""
    link = emailed_link(address, "verify")
    assert link is not None, f"no verification link was emailed to {address}"
    answer = http.post("/email-verification", json=link)
    assert answer.status_code == 200, answer.text


def _linkified(text: str) -> str:
    pieces: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        pieces.append(html.escape(text[last : match.start()]))
        url = html.escape(match.group(0))
        pieces.append(f'<a href="{url}">{url}</a>')
        last = match.end()
    pieces.append(html.escape(text[last:]))
    return "".join(pieces)


def render_outbox(emails: list[SentEmail]) -> str:
    items = []
    for sent in reversed(emails):
        if sent.html is not None:
            # srcdoc keeps the email's own styles away from the page; links open in this tab.
            rendered = (
                f'<iframe sandbox="allow-top-navigation-by-user-activation allow-popups" '
                f'srcdoc="{html.escape("<base target=_top>" + sent.html)}"></iframe>'
            )
        else:
            rendered = f"<pre>{_linkified(sent.text or '')}</pre>"
        items.append(
            "<article>"
            f"<h2>{html.escape(sent.subject)}</h2>"
            f"<p class=meta>From {html.escape(sent.source)} to {html.escape(', '.join(sent.to))}"
            f" &middot; {html.escape(sent.message_id)}</p>"
            f"{rendered}</article>"
        )
    body = "".join(items) or "<p>No email has been sent yet.</p>"
    return (
        "<!doctype html><html><head><meta charset=utf-8><title>Local outbox</title>"
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}"
        "article{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}"
        ".meta{color:#555}iframe{width:100%;height:24rem;border:1px solid #eee}"
        "pre{white-space:pre-wrap}</style></head><body>"
        f"<h1>Local outbox ({len(emails)})</h1>{body}</body></html>"
    )


def outbox_page(request: Request) -> Response:
    del request
    return Response(render_outbox(sent_emails()), content_type="text/html; charset=utf-8")


def outbox_json(request: Request) -> Response:
    del request
    document: list[dict[str, Any]] = [asdict(sent) for sent in sent_emails()]
    return Response(json.dumps(document), content_type="application/json")


LOCAL_PAGES = {"/_local/outbox": outbox_page, "/_local/outbox.json": outbox_json}


def confirm_step_up(http: Any, address: str) -> None:
    """Open the latest confirmation link emailed to `address` (delete, token replacement, alert
    address), as the contact would, so the repeated request is allowed."""
    link = emailed_link(address, "confirm")
    assert link is not None, f"no confirmation link was emailed to {address}"
    answer = http.post("/confirmations", json=link)
    assert answer.status_code == 200, answer.text
