"""A Rackbeat token revoked mid-run, through the local stack: the worker's 401 pauses the tenant
(needs_relink, one email), nothing is read while paused, and after new credentials through
``PUT /tenants/{id}/credentials`` the change made in between arrives in Tripletex, once."""

from __future__ import annotations

from local.outbox import emailed_link, sent_emails
from tests.support.seeds import CONSUMER_TOKEN, EMPLOYEE_TOKEN, NEW_RACKBEAT_TOKEN, RACKBEAT_TOKEN
from tests.support.sync_stack import World
from tests.support.sync_world import RackbeatUser, tripletex_rows


def _status(world: World, tenant_id: str) -> str:
    view = world.http.get(f"/tenants/{tenant_id}", headers=world.auth(tenant_id))
    assert view.status_code == 200, view.text
    status: str = view.json()["status"]
    return status


def _customer_numbers(world: World) -> list[int]:
    return sorted(c["customerNumber"] for c in tripletex_rows(world.tripletex, "customers"))


def test_revoked_token_pauses_and_new_credentials_bring_the_missed_change_once(world: World) -> None:
    tenant_id = world.onboard()
    world.user.create_customer(8001, "Før Tilbakekalling AS")
    world.rackbeat.deliver_pending()
    world.wait_for("the first customer", lambda: _customer_numbers(world) == [8001])
    world.wait_for("the queue to drain", world.queue_empty)

    # The user revokes our token in Rackbeat and makes a new one, then keeps working.
    world.rackbeat.revoke_token(RACKBEAT_TOKEN)
    world.rackbeat.grant_token(NEW_RACKBEAT_TOKEN)
    RackbeatUser(world.rackbeat, NEW_RACKBEAT_TOKEN).create_customer(8002, "Mens Pauset AS")
    world.rackbeat.deliver_pending()  # the webhook arrives; the worker's read gets a 401
    world.wait_for("the queue to drain", world.queue_empty)
    assert _status(world, tenant_id) == "needs_relink"
    paused_mails = [m for m in sent_emails() if "paused" in m.subject and "i@fjordlager.no" in m.to]
    assert len(paused_mails) == 1
    assert RACKBEAT_TOKEN not in paused_mails[0].text

    # Paused: the schedule does not even enqueue the tenant.
    assert world.local.runner is not None
    assert world.local.runner.fire_schedule("SyncSchedule").payload == {"enqueued": 0}
    assert _customer_numbers(world) == [8001]

    renewal = {
        "rackbeat_api_token": NEW_RACKBEAT_TOKEN,
        "tripletex_consumer_token": CONSUMER_TOKEN,
        "tripletex_employee_token": EMPLOYEE_TOKEN,
    }
    # Issue 13: replacing stored tokens waits for the contact to open the emailed confirmation.
    asked = world.http.put(f"/tenants/{tenant_id}/credentials", json=renewal, headers=world.auth(tenant_id))
    assert asked.status_code == 202, asked.text
    confirmed = world.http.post("/confirmations", json=emailed_link("i@fjordlager.no", "confirm"))
    assert confirmed.status_code == 200, confirmed.text
    relinked = world.http.put(
        f"/tenants/{tenant_id}/credentials", json=renewal, headers=world.auth(tenant_id)
    )
    assert relinked.status_code == 200, relinked.text
    assert NEW_RACKBEAT_TOKEN not in relinked.text
    assert _status(world, tenant_id) == "active"

    # The next scheduled runs read from the cursors the pause left: the change arrives, once.
    for _ in range(2):
        world.fire_schedule()
        world.wait_for("the scheduled run", world.queue_empty)
    assert _customer_numbers(world) == [8001, 8002]
    assert len([m for m in sent_emails() if "paused" in m.subject and "i@fjordlager.no" in m.to]) == 1
