"""Where a tenant's setup stands, and which accounts are taken, in the state table.

Layout:
  pk = TENANT#<id>, sk = SETUP                 steps the user passed that leave no other trace
                                               (the groups step, a skipped import)
  pk = ACCOUNT#<system>#<account id>, sk = CLAIM   tenant_id of the integration that holds it
Everything else the wizard resumes from is derived from the tenant's own state (tokens
validated, address confirmed, import run, settings saved); only what has no trace is stored.
A claim makes "one integration per Rackbeat account and per Tripletex company" a conditional
write, so two tabs saving the same tokens at the same moment cannot both win.
"""

from __future__ import annotations

from typing import Any, Literal

from rackbeat_tripletex.store.dynamo import conditionally, tenant_pk

SETUP_SK = "SETUP"
CLAIM_SK = "CLAIM"
System = Literal["rackbeat", "tripletex"]


def claim_pk(system: System, account_id: int) -> str:
    return f"ACCOUNT#{system}#{account_id}"


class SetupStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    # -- steps without another trace -----------------------------------------------------

    def passed(self, tenant_id: str) -> set[str]:
        item = self._table.get_item(
            Key={"pk": tenant_pk(tenant_id), "sk": SETUP_SK}, ConsistentRead=True
        ).get("Item")
        return set(item.get("passed", [])) if item else set()

    def mark_passed(self, tenant_id: str, step: str) -> None:
        self._table.update_item(
            Key={"pk": tenant_pk(tenant_id), "sk": SETUP_SK},
            UpdateExpression="ADD passed :step",
            ExpressionAttributeValues={":step": {step}},
        )

    def forget_passed(self, tenant_id: str, step: str) -> None:
        self._table.update_item(
            Key={"pk": tenant_pk(tenant_id), "sk": SETUP_SK},
            UpdateExpression="DELETE passed :step",
            ExpressionAttributeValues={":step": {step}},
        )

    # -- accounts ------------------------------------------------------------------------

    def holder(self, system: System, account_id: int) -> str | None:
        item = self._table.get_item(
            Key={"pk": claim_pk(system, account_id), "sk": CLAIM_SK}, ConsistentRead=True
        ).get("Item")
        return str(item["tenant_id"]) if item else None

    def claim(self, system: System, account_id: int, tenant_id: str, *, replacing: str | None = None) -> bool:
        """Take the account for `tenant_id`; False when another tenant holds it. `replacing`
        names a holder known to be gone (its claim outlived it), whose claim may be taken."""
        allowed = "attribute_not_exists(pk) OR tenant_id = :me"
        values = {":me": tenant_id}
        if replacing is not None:
            allowed += " OR tenant_id = :gone"
            values[":gone"] = replacing
        return conditionally(
            lambda: self._table.put_item(
                Item={"pk": claim_pk(system, account_id), "sk": CLAIM_SK, "tenant_id": tenant_id},
                ConditionExpression=allowed,
                ExpressionAttributeValues=values,
            )
        )

    def release(self, system: System, account_id: int, tenant_id: str) -> None:
        """Give the account up, if `tenant_id` holds it (a claim someone else took stays)."""
        conditionally(
            lambda: self._table.delete_item(
                Key={"pk": claim_pk(system, account_id), "sk": CLAIM_SK},
                ConditionExpression="tenant_id = :me",
                ExpressionAttributeValues={":me": tenant_id},
            )
        )
