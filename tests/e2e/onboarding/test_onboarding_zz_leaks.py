"""No token value in any log line, response body, email or queue message.

Named to run after the other onboarding end-to-end tests in the same session, so it searches
everything they produced too; it also runs a full lifecycle of its own, so it means something
when run alone.
"""

from __future__ import annotations

from local.outbox import sent_emails
from rackbeat_tripletex.onboarding.identity import is_session_token
from tests.support.stack import CONSUMER_TOKEN, EMPLOYEE_TOKEN, RACKBEAT_TOKEN, Stack, good_credentials


def test_no_token_value_leaks_anywhere(stack: Stack) -> None:
    tenant_id, token, email = stack.new_tenant()
    wrong = {**good_credentials(), "tripletex_employee_token": "employee-wrong-7f7f7f7f7f"}
    stack.request("PUT", f"/tenants/{tenant_id}/credentials", token=token, json=wrong)
    stack.request("PUT", f"/tenants/{tenant_id}/credentials", token=token, json=good_credentials())
    stack.request("GET", f"/tenants/{tenant_id}/prerequisites", token=token)
    stack.request("PUT", f"/tenants/{tenant_id}/settings", token=token, json={"notification_email": email})
    stack.rackbeat.revoke_token(RACKBEAT_TOKEN)
    stack.fire_daily_check()
    stack.request("POST", f"/tenants/{tenant_id}/management-token", token=token)

    vendor_secrets = {RACKBEAT_TOKEN, CONSUMER_TOKEN, EMPLOYEE_TOKEN, "employee-wrong-7f7f7f7f7f"}
    vendor_secrets |= set(stack.tripletex.sessions)  # Tripletex session tokens minted for us
    management_tokens = set(stack.known_secrets)
    assert stack.recorder.lines, "the recorder saw no log records: the leak search would be empty"

    # Vendor tokens: nowhere at all.
    emails = [f"{mail.subject}\n{mail.text}\n{mail.html}" for mail in sent_emails()]
    queues = stack.queue_messages()
    for place, texts in {
        "log": stack.recorder.lines,
        "response": stack.recorder.responses,
        "email": emails,
        "queue": queues,
    }.items():
        for text in texts:
            for secret in vendor_secrets:
                assert secret not in text, f"a vendor token appears in a {place}: {text[:300]}"

    # Management tokens: by design in the POST /tenants answer and in settings-link emails only;
    # a session token also in the answer that made it (POST /sessions or /sessions/setup).
    for place, texts in {
        "log": stack.recorder.lines,
        "queue": queues,
        "response": [r for r in stack.recorder.responses if not r.startswith("POST /tenants ->")],
    }.items():
        for text in texts:
            for secret in management_tokens:
                if place == "response" and is_session_token(secret) and text.startswith("POST /sessions"):
                    continue
                assert secret not in text, f"a management token appears in a {place}: {text[:300]}"
