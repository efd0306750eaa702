"""Sign-in codes, confirmation codes and session tokens are secrets too: a code travels only in
its email, a session token only in the answer that issues it (POST /sessions, or the
X-Session-Token header of the request that rotated it), and the table keeps only their hashes.
The same scanner as test_secret_leaks looks for them in every encoding."""

from __future__ import annotations

import pytest

from local.outbox import emailed_link
from tests.security.identity_support import Clock, open_link, sign_in, use_clock
from tests.support import leaks
from tests.support.live_stack import LiveStack


def test_codes_and_session_tokens_are_stored_as_hashes_and_never_logged(
    live_stack: LiveStack, capfd: pytest.CaptureFixture[str]
) -> None:
    clock = Clock()
    use_clock(live_stack, clock)
    capture = leaks.LogCapture().attach()
    codes: set[str] = set()
    session_tokens: set[str] = set()
    try:
        tenant = live_stack.onboarded_tenant()
        first = emailed_link(tenant.contact_email, "verify")
        assert first is not None
        codes.add(first["code"])
        token = sign_in(live_stack, tenant.contact_email)
        session_tokens.add(token)
        sign_in_link = emailed_link(tenant.contact_email, "sign-in")
        assert sign_in_link is not None
        codes.add(sign_in_link["code"])
        for _ in range(3):
            clock.advance(minutes=6)
            answer = live_stack.request("GET", f"/tenants/{tenant.tenant_id}", token=token)
            assert answer.status_code == 200
            token = answer.headers.get("X-Session-Token", token)
            session_tokens.add(token)
        assert len(session_tokens) == 4, "each use after five minutes rotated the token"
        body = {"confirm_company_name": tenant.company_name}
        assert (
            live_stack.request("DELETE", f"/tenants/{tenant.tenant_id}", token=token, json=body).status_code
            == 202
        )
        confirm = emailed_link(tenant.contact_email, "confirm")
        assert confirm is not None
        codes.add(confirm["code"])
        assert open_link(live_stack, tenant.contact_email, "confirm", "/confirmations").status_code == 200
        # Wrong and used codes are refused without echoing them.
        assert live_stack.request("POST", "/sessions", json=sign_in_link).status_code == 400
        signed_out = live_stack.request("DELETE", f"/tenants/{tenant.tenant_id}/session", token=token)
        assert signed_out.status_code == 200
    finally:
        capture.detach()

    assert capture.lines, "no log record was captured: the log scan would prove nothing"
    places = leaks.service_places(
        logs=capture.lines, responses=live_stack.responses, output="".join(capfd.readouterr())
    )
    assert any(code in text for _, text in places["email"] for code in codes), "the code scan is blind"
    issued = [(where, text) for where, text in places["response"] if "-> 201" in text and "/sessions" in text]
    assert issued, "the session scan is blind"

    found = leaks.scan(codes, {**places, "email": []})
    not_by_design = {**places, "response": [(w, t) for w, t in places["response"] if (w, t) not in issued]}
    found += leaks.scan(session_tokens, not_by_design)
    assert not found, "secrets found:\n" + "\n".join(str(leak) for leak in found)
