"""Stock value -> Tripletex's ledger: one voucher per closed period (daily, weekly, monthly),
dated the period's last day, that brings the inventory account to Rackbeat's stock value.

Once per period, whatever happens: a period's link (entity ``stock_value``, key the period) says
it is done; a voucher posted by a worker that died before writing the link is found again by its
external number (or, if Tripletex's lookup misses API vouchers, in that day's voucher list)
before anything is posted. Periods go oldest first and a failed one stops the rest (each voucher
is computed from the balance the earlier ones left), so missed periods are caught up in order
as soon as the cause is gone; the cursor is the last day of the last period done.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from rackbeat_tripletex.clients import ledger
from rackbeat_tripletex.clients.errors import AccessDenied, ValidationFailed
from rackbeat_tripletex.i18n import text
from rackbeat_tripletex.mappers.rackbeat_to_tripletex import stock_value as sv
from rackbeat_tripletex.models.sync import FailureReason, StreamName
from rackbeat_tripletex.streams.scheduled import Job, Scheduled

OSLO = ZoneInfo("Europe/Oslo")
# Keys of the stream's tenant-level failures (beside one per period).
ACCOUNTS_KEY = "accounts"
PERMISSION_KEY = "permission"
# Vouchers posted in one run at most; a long gap is caught up over a few runs.
MAX_POSTED_PER_RUN = 24


class StockValueToTripletex(Scheduled):
    name = StreamName.STOCK_VALUE_TO_TRIPLETEX
    label = "Stock value"
    tripletex_area = "ledger"

    def run(self, job: Job) -> None:
        chosen = job.settings.stock_value
        if chosen.inventory_account is None or chosen.offset_account is None:
            return  # the settings refuse this with the stream on; an older row may lack them
        today = job.now().astimezone(OSLO).date()
        periods = sv.due_periods(chosen.schedule, self._start(job, today), today)
        if not periods:
            return
        accounts = ledger.accounts(job.tripletex, (chosen.inventory_account, chosen.offset_account))
        for number in (chosen.inventory_account, chosen.offset_account):
            account = accounts.get(number)
            if account is None or account.is_inactive:
                job.fail(
                    ACCOUNTS_KEY,
                    FailureReason.UNKNOWN_ACCOUNT,
                    text("stock_value.account_missing", job.language, number=number),
                    text("stock_value.account_missing.fix", job.language),
                )
                return
        job.resolved(ACCOUNTS_KEY)
        inventory, offset = accounts[chosen.inventory_account], accounts[chosen.offset_account]
        posted = 0
        for period in periods:
            job.run.read += 1
            link = job.links.get(job.tenant_id, "stock_value", period.key)
            if link is not None and link.state == "synced":
                job.run.skipped += 1
            else:
                if posted == MAX_POSTED_PER_RUN:
                    return
                with job.leased(period.key):
                    done = self._post(job, period, inventory, offset)
                if not done:
                    return
                posted += 1
            job.advance(period.last.isoformat())

    @staticmethod
    def _start(job: Job, today: dt.date) -> dt.date:
        """The first day to look at: after the cursor's period, else the tenant's first period.
        The reconcile starts there too: the cursor never passes a period not done, and a period
        posted behind later ones would shift the balance those were computed from."""
        first = job.settings.stock_value.first_period_from
        if first is None:
            first = job.activated.astimezone(OSLO).date() if job.activated else today
        if job.cursor is None:
            return first
        return max(first, dt.date.fromisoformat(job.cursor[:10]) + dt.timedelta(days=1))

    def _post(
        self, job: Job, period: sv.Period, inventory: ledger.LedgerAccount, offset: ledger.LedgerAccount
    ) -> bool:
        """Post the period's voucher unless it is there already. False: it failed (recorded)."""
        external = sv.external_number(job.tenant_id, period)
        found = ledger.find_voucher(job.tripletex, external, period.last)
        if found is not None:
            self._done(job, period, found)
            job.run.skipped += 1
            return True
        value = ledger.stock_value(job.rackbeat, period.last)
        if value is None:
            job.fail(
                period.key,
                FailureReason.NOT_FOUND,
                text("stock_value.no_value", job.language, last_day=period.last.isoformat()),
                text("stock_value.no_value.fix", job.language),
            )
            return False
        amount = sv.adjustment(value, ledger.account_balance(job.tripletex, inventory.number, period.last))
        if amount == 0:
            self._done(job, period, None)
            job.run.skipped += 1
            return True
        body = sv.voucher(
            period,
            amount,
            inventory_account_id=inventory.id,
            offset_account_id=offset.id,
            description=text(
                "stock_value.description",
                job.language,
                period=period.key,
                last_day=period.last.isoformat(),
                value=_money(value),
                amount=_money(amount),
                external=external,
            ),
            external=external,
        )
        try:
            voucher_id = ledger.post_voucher(job.tripletex, body, period.last)
        except AccessDenied:
            job.fail(
                PERMISSION_KEY,
                FailureReason.NOT_AVAILABLE,
                text("stock_value.permission", job.language),
                text("stock_value.permission.fix", job.language),
            )
            return False
        except ValidationFailed as error:
            job.fail(
                period.key,
                FailureReason.REJECTED,
                text("stock_value.refused", job.language, period=period.key, reason=str(error)),
                text("stock_value.refused.fix", job.language),
            )
            return False
        job.resolved(PERMISSION_KEY)
        self._done(job, period, voucher_id)
        job.run.written += 1
        return True

    @staticmethod
    def _done(job: Job, period: sv.Period, voucher_id: int | None) -> None:
        job.links.record(
            job.tenant_id,
            "stock_value",
            period.key,
            tripletex_id=voucher_id,
            origin="created",
            synced_at=job.now(),
        )
        job.resolved(period.key)


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"
