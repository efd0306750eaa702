"""Mapper CPU: records per second per core for each mapper, over the demo dataset.

CPU time (``time.process_time``) of one thread, so the figure is per core and does not count
waiting. Only the mapping is timed: the records are parsed into their models first, as the
clients hand them over. The Rackbeat -> Tripletex mappers read what the Rackbeat simulator
answers for the demo dataset once imported (the Tripletex -> Rackbeat writes, loaded into it).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from typing import Any

from bench.core import Figure, Run, Unavailable, benchmark

TARGET_PER_S = 20_000


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if (missing.name or "").startswith("rackbeat_tripletex"):
            raise Unavailable(f"{missing.name} is not in the tree yet") from missing
        raise


def _bound(map_one: Callable[..., Any], *context: Any) -> Callable[[Any], Any]:
    return lambda record: map_one(record, *context)


def records_per_cpu_second(records: Sequence[Any], map_one: Callable[[Any], Any], min_cpu_s: float) -> float:
    """Map `records` in whole passes until at least `min_cpu_s` of CPU time was spent."""
    for record in records[:50]:
        map_one(record)  # warm-up: lazily built validators, caches
    mapped = 0
    started = time.process_time()
    elapsed = 0.0
    while elapsed < min_cpu_s:
        for record in records:
            map_one(record)
        mapped += len(records)
        elapsed = time.process_time() - started
    return mapped / elapsed


def tripletex_to_rackbeat_inputs(seed: dict[str, Any]) -> tuple[dict[str, list[Any]], Any, Any]:
    """The demo's Tripletex records as models, the import request and the reference data."""
    tx = _module("rackbeat_tripletex.models.tripletex")
    sync = _module("rackbeat_tripletex.models.sync")
    tripletex, rackbeat = seed["tripletex"], seed["rackbeat"]
    records = {
        "customer": [tx.Customer.model_validate(r) for r in tripletex["customers"]],
        "supplier": [tx.Supplier.model_validate(r) for r in tripletex["suppliers"]],
        "product": [tx.Product.model_validate(r) for r in tripletex["products"]],
    }
    terms = {str(t["maturity_days"]): t["number"] for t in rackbeat["payment_terms"]}
    request = sync.InitialSyncRequest(
        customer_group=rackbeat["customer_groups"][0]["number"],
        supplier_group=rackbeat["supplier_groups"][0]["number"],
        product_group=next(g["number"] for g in rackbeat["product_groups"] if g["has_inventory"]),
        service_group=next(g["number"] for g in rackbeat["product_groups"] if not g["has_inventory"]),
        payment_terms=sync.PaymentTermsMapping(default=rackbeat["payment_terms"][0]["number"], by_days=terms),
    )
    refs = sync.ReferenceData(
        currency_codes={c["id"]: c["code"] for c in tripletex["currencies"]},
        unit_names={
            u["id"]: (u.get("nameShort") or u.get("name") or "").casefold() for u in tripletex["productUnits"]
        },
        rackbeat_units={u["name"].casefold(): u["number"] for u in rackbeat["units"]},
        rackbeat_payment_terms=[t["number"] for t in rackbeat["payment_terms"]],
    )
    return records, request, refs


def _tripletex_to_rackbeat(
    run: Run, seed: dict[str, Any], min_cpu_s: float
) -> tuple[list[Figure], dict[str, list[Any]]]:
    records, request, refs = tripletex_to_rackbeat_inputs(seed)
    mappers = {
        "customer": _module("rackbeat_tripletex.mappers.tripletex_to_rackbeat.customer").map_customer,
        "supplier": _module("rackbeat_tripletex.mappers.tripletex_to_rackbeat.supplier").map_supplier,
        "product": _module("rackbeat_tripletex.mappers.tripletex_to_rackbeat.product").map_product,
    }
    figures, writes = [], {}
    for entity, map_one in mappers.items():
        results = [map_one(r, request, refs) for r in records[entity]]
        writes[entity] = [w for w in results if hasattr(w, "payload")]
        run.detail[f"tripletex_to_rackbeat.{entity}"] = {
            "records": len(results),
            "mapped": len(writes[entity]),
            "failed": len(results) - len(writes[entity]),
        }
        rate = records_per_cpu_second(records[entity], _bound(map_one, request, refs), min_cpu_s)
        figures.append(
            Figure(f"Tripletex→Rackbeat {entity}", round(rate), "records/s/core", ">=", TARGET_PER_S)
        )
    return figures, writes


def _rackbeat_records(seed: dict[str, Any], writes: dict[str, list[Any]]) -> dict[str, Any]:
    """The demo dataset as Rackbeat answers it after the import (the simulator renders the records)."""
    from local.simulators.rackbeat import create_app

    app = create_app(dict(seed["rackbeat"], customers=[], suppliers=[], products=[]))
    for entity, key in (("supplier", "suppliers"), ("customer", "customers"), ("product", "products")):
        for write in writes[entity]:
            try:
                app.load_seed({key: [write.payload()]})
            except ValueError:
                # Rackbeat refuses it (a duplicate number, a currency the account lacks): the
                # import records it as failed, so it is not in Rackbeat to be mapped back.
                continue
    return app.dump_state()


def _rackbeat_to_tripletex(
    run: Run, seed: dict[str, Any], writes: dict[str, list[Any]], min_cpu_s: float
) -> list[Figure]:
    r2t = _module("rackbeat_tripletex.mappers.rackbeat_to_tripletex")
    rb = _module("rackbeat_tripletex.models.rackbeat")
    tx = _module("rackbeat_tripletex.models.tripletex")
    from local.seed.demo import COUNTRY_ID

    state = _rackbeat_records(seed, writes)
    tripletex = seed["tripletex"]
    reference = r2t.Reference.build(
        vat_types=[tx.VatType.model_validate(v) for v in tripletex["vatTypes"]],
        product_units=[tx.ProductUnit.model_validate(u) for u in tripletex["productUnits"]],
        currencies=[tx.Currency.model_validate(c) for c in tripletex["currencies"]],
        countries=COUNTRY_ID,
        rackbeat_units=[rb.Unit.model_validate(u) for u in state["units"]],
        payment_terms=[rb.PaymentTerm.model_validate(t) for t in state["payment_terms"]],
        product_groups=[rb.ProductGroup.model_validate(g) for g in state["product_groups"]],
    )
    inputs = {
        "customer": ([rb.Customer.model_validate(r) for r in state["customers"]], r2t.map_customer),
        "supplier": ([rb.Supplier.model_validate(r) for r in state["suppliers"]], r2t.map_supplier),
        "product": ([rb.Product.model_validate(r) for r in state["products"]], r2t.map_product),
    }
    figures = []
    for entity, (records, map_one) in inputs.items():
        if not records:
            continue
        failed = sum(1 for r in records if isinstance(map_one(r, reference), r2t.MappingFailure))
        run.detail[f"rackbeat_to_tripletex.{entity}"] = {"records": len(records), "failed": failed}
        rate = records_per_cpu_second(records, _bound(map_one, reference), min_cpu_s)
        figures.append(
            Figure(f"Rackbeat→Tripletex {entity}", round(rate), "records/s/core", ">=", TARGET_PER_S)
        )
    return figures


@benchmark("mapper_cpu", "Mapper CPU")
def mapper_cpu(run: Run) -> list[Figure]:
    from local.seed.demo import demo_seed

    seed = demo_seed()
    min_cpu_s = 0.3 if run.quick else 1.5
    figures, writes = _tripletex_to_rackbeat(run, seed, min_cpu_s)
    try:
        figures += _rackbeat_to_tripletex(run, seed, writes, min_cpu_s)
    except Unavailable as missing:
        run.detail["rackbeat_to_tripletex"] = f"skipped: {missing}"
    return figures
