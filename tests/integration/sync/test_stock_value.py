"""Stock value -> Tripletex's ledger, end to end through the engine against both simulators:
one voucher per period, missed periods caught up in order, once under retries and a worker
killed after posting, and each simulator variant the evidence leaves open."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from local.simulators.rackbeat import reports
from rackbeat_tripletex.models.domain import StockValueSettings
from rackbeat_tripletex.models.sync import RunOutcome, StreamName
from rackbeat_tripletex.store.links import LinkStore
from rackbeat_tripletex.sync.history import list_sync_failures
from tests.support.sync_world import Env

STREAM = StreamName.STOCK_VALUE_TO_TRIPLETEX
INVENTORY, OFFSET = 1460, 4090


def at(day: str) -> dt.datetime:
    """Noon UTC on ``day``: the engine's clock for one run."""
    return dt.datetime.fromisoformat(day + "T12:00:00+00:00")


def switch_on(env: Env, *, schedule: str = "monthly", first: str = "2026-08-01", **extra: Any) -> None:
    settings = env.ctx.tenants.get_settings(env.tenant.tenant_id)
    assert settings is not None
    stock = StockValueSettings.model_validate(
        {
            "schedule": schedule,
            "inventory_account": INVENTORY,
            "offset_account": OFFSET,
            "first_period_from": first,
            **extra,
        }
    )
    streams = settings.streams.model_copy(update={STREAM.value: True})
    env.ctx.tenants.put_settings(
        env.tenant.tenant_id, settings.model_copy(update={"streams": streams, "stock_value": stock})
    )


def run_on(env: Env, day: str) -> Any:
    env.ctx.now = lambda: at(day)
    return env.run()[STREAM]


def vouchers(env: Env) -> list[dict[str, Any]]:
    return sorted(env.tripletex.store["vouchers"].values(), key=lambda v: v["date"])


def balance(env: Env, number: int, day: str) -> Decimal:
    from local.simulators.tripletex import ledger

    (account,) = [a for a in env.tripletex.store["accounts"].values() if a["number"] == number]
    return ledger.balance(env.tripletex, account["id"], dt.date.fromisoformat(day) + dt.timedelta(days=1))


def moved(env: Env, day: str, value: float) -> None:
    """Stock history as Rackbeat holds it: a movement on ``day``, recorded on that day."""
    reports.books(env.rackbeat).stock_movements.append((dt.date.fromisoformat(day), Decimal(str(value))))


@pytest.fixture
def stocked(env: Env) -> Env:
    """Stock bought in August and September; sold in October."""
    moved(env, "2026-08-10", 1000)
    moved(env, "2026-09-05", 500.5)
    moved(env, "2026-10-20", -200)
    return env


def test_missed_months_are_caught_up_in_order_one_voucher_each(stocked: Env) -> None:
    env = stocked
    switch_on(env)
    run = run_on(env, "2026-11-03")  # August, September and October have closed

    assert (run.written, run.failed, run.outcome) == (3, 0, RunOutcome.OK)
    made = vouchers(env)
    assert [v["date"] for v in made] == ["2026-08-31", "2026-09-30", "2026-10-31"]
    assert [v["postings"][0]["amountGross"] for v in made] == [1000.0, 500.5, -200.0]
    for voucher in made:
        assert sum(p["amountGross"] for p in voucher["postings"]) == 0
        assert [p["row"] for p in voucher["postings"]] == [1, 2]
    # The description names the period and the Rackbeat value it came from.
    assert made[1]["description"].startswith("Lagerverdi fra Rackbeat 2026-09 (2026-09-30): 1500.50 kr")
    assert made[1]["externalVoucherNumber"] == f"RB-STOCK-{env.tenant.tenant_id[:8]}-2026-09"
    # The inventory account now holds Rackbeat's value at each period's end.
    assert balance(env, INVENTORY, "2026-09-30") == Decimal("1500.5")
    assert balance(env, INVENTORY, "2026-10-31") == Decimal("1300.5")
    assert balance(env, OFFSET, "2026-10-31") == Decimal("-1300.5")

    # Again the same day, then the nightly reconcile: nothing new.
    assert run_on(env, "2026-11-03").written == 0
    env.ctx.now = lambda: at("2026-11-04")
    assert env.run(full=True)[STREAM].written == 0
    assert len(vouchers(env)) == 3


def test_a_worker_killed_after_posting_does_not_post_twice(stocked: Env) -> None:
    env = stocked
    switch_on(env)
    # The link write for September never happens: the worker died between POST and link.
    real = env.ctx.links.record
    died = {"done": False}

    def kill_once(tenant_id: str, entity: Any, key: str, **rest: Any) -> None:
        if entity == "stock_value" and key == "2026-09" and not died["done"]:
            died["done"] = True
            raise KeyboardInterrupt("worker killed")
        real(tenant_id, entity, key, **rest)

    env.ctx.links.record = kill_once  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        run_on(env, "2026-11-03")
    env.ctx.links.record = real  # type: ignore[method-assign]
    # The lease of the dead worker runs out before the next run.
    LinkStore(env.ctx.table).release_lease(env.tenant.tenant_id, "stock_value", "2026-09")

    run = run_on(env, "2026-11-03")
    assert (run.written, run.skipped) == (1, 1)  # September found again, October posted
    assert [v["date"] for v in vouchers(env)] == ["2026-08-31", "2026-09-30", "2026-10-31"]


@pytest.mark.parametrize("lookup", ["works", "import_only", "duplicate_refused"])
def test_each_external_number_lookup_variant_posts_once(stocked: Env, lookup: str) -> None:
    env = stocked
    env.tripletex.set_options({"external_voucher_lookup": lookup})
    switch_on(env)
    run_on(env, "2026-10-02")
    # Links and cursor are lost (a restore): the vouchers must be found, not posted again.
    pk = f"TENANT#{env.tenant.tenant_id}"
    for sk in ("LINK#stock_value#2026-08", "LINK#stock_value#2026-09", f"CURSOR#{STREAM.value}"):
        env.ctx.table.delete_item(Key={"pk": pk, "sk": sk})
    env.ctx.now = lambda: at("2026-10-02")
    run = env.run(full=True)[STREAM]
    assert (run.written, run.skipped, run.failed) == (0, 2, 0)
    assert len(vouchers(env)) == 2


@pytest.mark.parametrize("key", ["total_value", "value", "total", "absent"])
def test_every_valuation_total_shape_gives_the_same_voucher(stocked: Env, key: str) -> None:
    env = stocked
    env.rackbeat.set_options({"valuation_total_key": key})
    switch_on(env)
    run_on(env, "2026-09-01")
    (voucher,) = vouchers(env)
    assert voucher["postings"][0]["amountGross"] == 1000.0


def test_a_backdated_receipt_is_absorbed_by_the_next_period(stocked: Env) -> None:
    env = stocked
    env.rackbeat.set_options({"valuation_drift": "backdated"})
    switch_on(env)
    run_on(env, "2026-09-02")  # August posted at 1000
    reports.add_stock_movement(env.rackbeat, dt.date(2026, 8, 15), 40)  # rewrites August's value
    run_on(env, "2026-10-02")
    assert [v["postings"][0]["amountGross"] for v in vouchers(env)] == [1000.0, 540.5]
    assert balance(env, INVENTORY, "2026-09-30") == Decimal("1540.5")


def test_weekly_and_daily_schedules_post_per_week_and_per_day(stocked: Env) -> None:
    env = stocked
    switch_on(env, schedule="weekly", first="2026-09-01")
    run = run_on(env, "2026-09-15")  # weeks 36 (Aug 31 - Sep 6) and 37 (Sep 7 - 13) have closed
    assert (run.written, run.skipped) == (1, 1)  # nothing moved in week 37
    assert [v["date"] for v in vouchers(env)] == ["2026-09-06"]
    assert vouchers(env)[0]["postings"][0]["amountGross"] == 1500.5
    moved(env, "2026-09-15", 10)
    switch_on(env, schedule="daily", first="2026-09-01")
    run = run_on(env, "2026-09-17")  # days after the last week posted: 14, 15, 16
    assert (run.written, run.skipped) == (1, 2)
    assert [v["date"] for v in vouchers(env)] == ["2026-09-06", "2026-09-15"]
    assert balance(env, INVENTORY, "2026-09-16") == Decimal("1510.5")


def test_a_zero_difference_posts_nothing_and_counts_the_period_done(env: Env) -> None:
    switch_on(env)
    run = run_on(env, "2026-09-02")
    assert (run.written, run.skipped, run.failed) == (0, 1, 0)
    assert vouchers(env) == []


def test_a_locked_period_fails_alone_and_later_periods_wait_for_it(stocked: Env) -> None:
    env = stocked
    env.tripletex.locked_before = dt.date(2026, 9, 1)
    switch_on(env)
    run = run_on(env, "2026-10-02")
    assert (run.written, run.failed, run.outcome) == (0, 1, RunOutcome.PARTIAL)
    failures = list_sync_failures(env.tenant.tenant_id, table=env.ctx.table)
    (failure,) = [f for f in failures if f.source == STREAM.value]
    assert failure.key == "2026-08"
    assert "låst" in failure.message
    assert "Prøv igjen" in failure.suggested_fix

    env.tripletex.locked_before = None  # the accountant reopened August
    run = run_on(env, "2026-10-02")
    assert run.written == 2
    assert [
        f for f in list_sync_failures(env.tenant.tenant_id, table=env.ctx.table) if f.source == STREAM.value
    ] == []


def test_missing_permission_and_unknown_accounts_are_one_failure_each(stocked: Env) -> None:
    env = stocked
    env.tripletex.set_options({"advanced_voucher": "denied"})
    switch_on(env)
    run_on(env, "2026-10-02")
    keys = {f.key for f in list_sync_failures(env.tenant.tenant_id, table=env.ctx.table)}
    assert keys == {"permission"}
    assert vouchers(env) == []

    env.tripletex.set_options({"advanced_voucher": "granted"})
    for account in env.tripletex.store["accounts"].values():
        if account["number"] == OFFSET:
            account["isInactive"] = True
    run_on(env, "2026-10-02")
    keys = {f.key for f in list_sync_failures(env.tenant.tenant_id, table=env.ctx.table)}
    assert "accounts" in keys
    assert vouchers(env) == []
