"""The demo dataset: a Norwegian wholesaler in Tripletex and its fresh Rackbeat account.

Deterministic (one seeded RNG, no clock, no network): ``demo_seed()`` returns the same document
on every call, and ``python -m local.seed.demo > demo.json`` writes it. The format is described
in ``local/seed/README.md``. Tripletex records use Tripletex's own field names, Rackbeat records
Rackbeat's. A few records are deliberately bad; ``meta.bad_records`` lists each with the reason
the import must give when it rejects it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import sys
from typing import Any

from local.simulators.tripletex.countries import country_id

SEED = 20261124

CUSTOMER_COUNT = 300
SUPPLIER_COUNT = 50
PRODUCT_COUNT = 1000
FIRST_CUSTOMER_NUMBER = 10001
FIRST_SUPPLIER_NUMBER = 20001

# Tripletex's own outgoing VAT types (ledger/vatType, typeOfVat=OUTGOING): in every Tripletex
# company id and number coincide for these standard codes.
VAT_TYPES: list[dict[str, Any]] = [
    {"id": 3, "number": "3", "name": "Utgående mva, høy sats", "percentage": 25.0},
    {"id": 31, "number": "31", "name": "Utgående mva, middels sats", "percentage": 15.0},
    {"id": 33, "number": "33", "name": "Utgående mva, lav sats", "percentage": 12.0},
    {"id": 5, "number": "5", "name": "Ingen utgående mva (innenfor mva-loven)", "percentage": 0.0},
    {"id": 6, "number": "6", "name": "Ingen utgående mva (utenfor mva-loven)", "percentage": 0.0},
    {"id": 52, "number": "52", "name": "Utførsel av varer og tjenester, fritatt", "percentage": 0.0},
]

# Currency ids: NOK is 1 in every Tripletex company; the others are assigned here (assumed).
CURRENCIES: list[dict[str, Any]] = [
    {"id": 1, "code": "NOK", "description": "Norske kroner", "factor": 1},
    {"id": 2, "code": "SEK", "description": "Svenske kroner", "factor": 100},
    {"id": 3, "code": "DKK", "description": "Danske kroner", "factor": 100},
    {"id": 4, "code": "EUR", "description": "Euro", "factor": 1},
    {"id": 5, "code": "USD", "description": "Amerikanske dollar", "factor": 1},
    {"id": 6, "code": "GBP", "description": "Britiske pund", "factor": 1},
]
CURRENCY_ID = {c["code"]: c["id"] for c in CURRENCIES}
# The Rackbeat account's currencies: GBP is missing on purpose (a bad-record case).
RACKBEAT_CURRENCIES = ["NOK", "SEK", "DKK", "EUR", "USD"]

# Tripletex country ids, from the simulator's country list (Norway 161 and Sweden 191 are real
# Tripletex ids; the rest are the simulator's invented ones, see its ASSUMPTIONS.md "Countries").
COUNTRY_ID = {code: country_id(code) for code in ("NO", "SE", "DK", "DE", "GB", "US")}

PRODUCT_UNITS: list[dict[str, Any]] = [
    {"id": 1, "name": "Stykk", "nameShort": "stk", "commonCode": "EA"},
    {"id": 2, "name": "Time", "nameShort": "time", "commonCode": "HUR"},
    {"id": 3, "name": "Kilogram", "nameShort": "kg", "commonCode": "KGM"},
    {"id": 4, "name": "Meter", "nameShort": "m", "commonCode": "MTR"},
    {"id": 5, "name": "Liter", "nameShort": "l", "commonCode": "LTR"},
    # Rackbeat has no such unit: products using it are bad records.
    {"id": 6, "name": "Pakke", "nameShort": "pk", "commonCode": "PK"},
]
RACKBEAT_UNITS = ["stk", "time", "kg", "m", "l"]

PAYMENT_TYPES: list[dict[str, Any]] = [
    {"id": 1, "description": "Betalt til bank", "displayName": "Betalt til bank", "sequence": 1},
    {"id": 2, "description": "Kontant", "displayName": "Kontant", "sequence": 2},
    {"id": 3, "description": "Vipps", "displayName": "Vipps", "sequence": 3},
]

NO_PLACES = [
    ("0150", "Oslo"), ("0484", "Oslo"), ("5003", "Bergen"), ("7010", "Trondheim"), ("4006", "Stavanger"),
    ("9008", "Tromsø"), ("3110", "Tønsberg"), ("6002", "Ålesund"), ("8006", "Bodø"), ("2317", "Hamar"),
    ("1337", "Sandvika"), ("4611", "Kristiansand"), ("1605", "Fredrikstad"), ("6900", "Florø"),
    ("2609", "Lillehammer"), ("3015", "Drammen"), ("6100", "Volda"), ("9600", "Hammerfest"),
]  # fmt: skip
NO_STREETS = [
    "Storgata", "Kirkegata", "Fjordveien", "Bjørkeveien", "Skogveien", "Sjøgata", "Løkkeveien",
    "Åsveien", "Strandgata", "Kongens gate", "Brøttet", "Hølandsveien", "Skjærgårdsveien",
]  # fmt: skip
FOREIGN_PLACES = {
    "SE": ("Drottninggatan", "111 51", "Stockholm", "SEK", "sv"),
    "DK": ("Strøget", "1160", "København K", "DKK", "da"),
    "DE": ("Invalidenstraße", "10115", "Berlin", "EUR", "de"),
    "GB": ("Baker Street", "NW1 6XE", "London", "EUR", "en"),
    "US": ("Fifth Avenue", "10001", "New York", "USD", "en"),
}
FOREIGN_NAMES = {
    "SE": ["Svensk Järnhandel AB", "Göteborgs Bygg AB", "Malmö Verktyg AB", "Uppsala Trä AB"],
    "DK": ["Københavns Værktøj ApS", "Aarhus Byg A/S", "Jysk Trælast ApS", "Fynsk Handel A/S"],
    "DE": ["Müller Werkzeuge GmbH", "Schröder Bau GmbH", "Nordsee Handel GmbH", "Bäcker Technik KG"],
    "GB": ["Thames Tools Ltd", "Highland Timber Ltd", "Brighton Supplies Ltd", "Yorkshire Fixings Ltd"],
    "US": ["Hudson Hardware Inc", "Great Lakes Lumber LLC", "Pacific Fasteners Inc", "Liberty Supply Co"],
}
COMPANY_FIRST = [
    "Fjord", "Nordlys", "Bjørke", "Åsen", "Grønli", "Kværner", "Sørlandets", "Blåbær", "Tønsberg",
    "Bærum", "Ørsta", "Ålesund", "Lærdal", "Mjøsa", "Trøndelag", "Vestfjord", "Solbær", "Fjellstue",
    "Havbris", "Østlandets", "Skårer", "Hønefoss", "Brønnøy", "Sæter", "Vågsøy",
]  # fmt: skip
COMPANY_SECOND = [
    "Handel", "Bygg", "Elektro", "Transport", "Rør", "Maskin", "Regnskap", "Eiendom", "Snekkeri",
    "Marine", "Data", "Verksted", "Bakeri", "Fisk", "Landbruk", "Trelast", "Møbler", "Blikk",
]  # fmt: skip
COMPANY_FORMS = ["AS", "AS", "AS", "ASA", "ENK", "DA"]
FIRST_NAMES = [
    "Ola", "Kari", "Bjørn", "Åse", "Søren", "Øystein", "Håkon", "Ingrid", "Siri", "Jørgen", "Mette",
    "Tor", "Åshild", "Sølvi", "Pål", "Bård", "Grethe", "Eirik", "Ragnhild", "Kåre",
]  # fmt: skip
LAST_NAMES = [
    "Nordmann", "Hansen", "Sæther", "Bråten", "Kjær", "Løvås", "Ødegård", "Haugen", "Strøm", "Dahl",
    "Aasen", "Sørensen", "Bakkevold", "Mæland", "Fjærli", "Rønning",
]  # fmt: skip
STOCK_ITEMS = [
    ("Hyllebrakett", "cm", "stk"), ("Skruesett", "stk", "stk"), ("Treskrue", "mm", "stk"),
    ("Kabel", "mm²", "m"), ("Tau", "mm", "m"), ("Sement", "kg", "kg"), ("Spiker", "mm", "kg"),
    ("Maling", "l", "l"), ("Lakk", "l", "l"), ("Hengsel", "mm", "stk"), ("Lås", "mm", "stk"),
    ("Rørkobling", "mm", "stk"), ("Slange", "mm", "m"), ("Lim", "ml", "stk"), ("Vinkeljern", "mm", "stk"),
]  # fmt: skip
FOOD_ITEMS = [("Kaffe", "kg"), ("Sjokolade", "kg"), ("Kjeks", "stk"), ("Brus", "l"), ("Honning", "kg")]
SERVICES = [
    ("Montering", 3, "time"), ("Konsulenttime", 3, "time"), ("Service og vedlikehold", 3, "time"),
    ("Frakt innenlands", 3, "stk"), ("Persontransport", 33, "stk"), ("Kursavgift", 6, "time"),
    ("Rådgivning", 3, "time"), ("Kino- og arrangementsbillett", 33, "stk"),
]  # fmt: skip
BOOKS = ["Håndbok for snekkere", "Elektroforskriftene", "Rørleggerens ABC", "Båtbygging på norsk"]


def mod11_check_digit(first_eight: str) -> int | None:
    """The Brønnøysund check digit of a 9-digit organisation number, or None when none exists."""
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    remainder = sum(int(d) * w for d, w in zip(first_eight, weights, strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_organization_number(number: str) -> bool:
    if len(number) != 9 or not number.isdigit():
        return False
    return mod11_check_digit(number[:8]) == int(number[8])


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used_org_numbers: set[str] = set()
        self.bad_records: list[dict[str, Any]] = []

    def org_number(self) -> str:
        while True:
            first_eight = str(self.rng.choice((8, 9))) + "".join(
                str(self.rng.randint(0, 9)) for _ in range(7)
            )
            check = mod11_check_digit(first_eight)
            number = f"{first_eight}{check}"
            if check is not None and number not in self.used_org_numbers:
                self.used_org_numbers.add(number)
                return number

    def phone(self) -> str:
        return f"+47 {self.rng.choice((4, 9))}{self.rng.randint(0, 9999999):07d}"

    def norwegian_address(self) -> dict[str, Any]:
        postal_code, city = self.rng.choice(NO_PLACES)
        return {
            "addressLine1": f"{self.rng.choice(NO_STREETS)} {self.rng.randint(1, 120)}",
            "postalCode": postal_code,
            "city": city,
            "country": {"id": COUNTRY_ID["NO"]},
        }

    @staticmethod
    def email_for(name: str, domain_hint: str) -> str:
        ascii_name = (
            name.lower()
            .replace("æ", "ae")
            .replace("ø", "o")
            .replace("å", "a")
            .replace("ä", "a")
            .replace("ö", "o")
            .replace("ü", "u")
            .replace("ß", "ss")
        )
        slug = "".join(ch for ch in ascii_name if ch.isalnum())[:24]
        return f"post@{slug}.{domain_hint}"

    # ----- Tripletex ------------------------------------------------------------------------------
    def customers(self) -> list[dict[str, Any]]:
        customers: list[dict[str, Any]] = []
        used_names: set[str] = set()
        foreign_countries = list(FOREIGN_PLACES)
        for index in range(CUSTOMER_COUNT):
            number = FIRST_CUSTOMER_NUMBER + index
            kind = self.rng.random()
            record: dict[str, Any] = {
                "id": 1000 + index,
                "version": 0,
                "customerNumber": number,
                "isSupplier": False,
                "isInactive": self.rng.random() < 0.04,
                "singleCustomerInvoice": False,
                "invoicesDueIn": self.rng.choice((10, 14, 14, 30, 30)),
                "invoicesDueInType": "DAYS",
                "emailAttachmentType": "ATTACHMENT",
            }
            if index % 12 == 5:
                country = foreign_countries[(index // 12) % len(foreign_countries)]
                street, postal_code, city, currency, _locale = FOREIGN_PLACES[country]
                name = FOREIGN_NAMES[country][(index // 60) % len(FOREIGN_NAMES[country])]
                name = name if name not in used_names else f"{name} ({city})"
                address = {
                    "addressLine1": f"{street} {self.rng.randint(1, 200)}",
                    "postalCode": postal_code,
                    "city": city,
                    "country": {"id": COUNTRY_ID[country]},
                }
                email: str | None = self.email_for(name, "com")
                record.update(
                    name=name,
                    isPrivateIndividual=False,
                    language="EN",
                    currency={"id": CURRENCY_ID[currency]},
                    invoiceSendMethod="EMAIL",
                    postalAddress=address,
                    physicalAddress=dict(address),
                )
            elif kind < 0.3:
                name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
                has_email = self.rng.random() < 0.7
                has_address = self.rng.random() < 0.8
                email = self.email_for(name, "no").replace("post@", "") if has_email else None
                if email:
                    email = f"{email.split('.')[0]}@epost.no"
                record.update(
                    name=name,
                    isPrivateIndividual=True,
                    language="NO",
                    currency={"id": CURRENCY_ID["NOK"]},
                    invoiceSendMethod="EMAIL" if email else "PAPER",
                    phoneNumberMobile=self.phone(),
                )
                if has_address:
                    record["postalAddress"] = self.norwegian_address()
            else:
                while True:
                    name = (
                        f"{self.rng.choice(COMPANY_FIRST)} {self.rng.choice(COMPANY_SECOND)} "
                        f"{self.rng.choice(COMPANY_FORMS)}"
                    )
                    if name not in used_names:
                        break
                has_email = self.rng.random() < 0.85
                has_address = self.rng.random() < 0.9
                email = self.email_for(name.rsplit(" ", 1)[0], "no") if has_email else None
                record.update(
                    name=name,
                    organizationNumber=self.org_number(),
                    isPrivateIndividual=False,
                    language="NO",
                    currency={"id": CURRENCY_ID["NOK"]},
                    phoneNumber=self.phone(),
                    # EHF only where the data carries it: an org number and a postal address.
                    invoiceSendMethod="EHF" if has_address else ("EMAIL" if email else "MANUAL"),
                )
                if has_address:
                    record["postalAddress"] = self.norwegian_address()
                    record["physicalAddress"] = dict(record["postalAddress"])
            used_names.add(name)
            if email:
                record["email"] = email
                record["invoiceEmail"] = email
            customers.append(record)

        # Bad: a second customer with a number already in use.
        duplicate = dict(customers[42])
        duplicate.update(
            id=1000 + CUSTOMER_COUNT, name="Dobbeltnummer Handel AS", organizationNumber=self.org_number()
        )
        duplicate["email"] = duplicate["invoiceEmail"] = "post@dobbeltnummer.no"
        customers.append(duplicate)
        self.bad_records.append(
            {
                "system": "tripletex",
                "entity": "customer",
                "id": duplicate["id"],
                "number": duplicate["customerNumber"],
                "reason": "duplicate_number",
                "explanation": (
                    "Two Tripletex customers share this customer number; Rackbeat needs unique numbers."
                ),
            }
        )
        # Bad: a customer invoiced in a currency the Rackbeat account does not have.
        street, postal_code, city, _currency, _locale = FOREIGN_PLACES["GB"]
        gbp = {
            "id": 1000 + CUSTOMER_COUNT + 1,
            "version": 0,
            "customerNumber": FIRST_CUSTOMER_NUMBER + CUSTOMER_COUNT,
            "name": "Cornwall Chandlery Ltd",
            "isSupplier": False,
            "isInactive": False,
            "isPrivateIndividual": False,
            "language": "EN",
            "email": "accounts@cornwallchandlery.co.uk",
            "invoiceEmail": "accounts@cornwallchandlery.co.uk",
            "invoiceSendMethod": "EMAIL",
            "singleCustomerInvoice": False,
            "invoicesDueIn": 30,
            "invoicesDueInType": "DAYS",
            "currency": {"id": CURRENCY_ID["GBP"]},
            "postalAddress": {
                "addressLine1": "Harbour Road 3",
                "postalCode": "TR1 1AA",
                "city": "Truro",
                "country": {"id": COUNTRY_ID["GB"]},
            },
        }
        customers.append(gbp)
        self.bad_records.append(
            {
                "system": "tripletex",
                "entity": "customer",
                "id": gbp["id"],
                "number": gbp["customerNumber"],
                "reason": "unknown_currency",
                "explanation": "The customer uses GBP, which the Rackbeat account does not have.",
            }
        )
        return customers

    def suppliers(self) -> list[dict[str, Any]]:
        suppliers: list[dict[str, Any]] = []
        used: set[str] = set()
        for index in range(SUPPLIER_COUNT):
            while True:
                name = f"{self.rng.choice(COMPANY_FIRST)} {self.rng.choice(('Grossist', 'Import', 'Engros', 'Fabrikk', 'Distribusjon'))} AS"  # noqa: E501
                if name not in used:
                    used.add(name)
                    break
            record: dict[str, Any] = {
                "id": 5000 + index,
                "version": 0,
                "supplierNumber": FIRST_SUPPLIER_NUMBER + index,
                "name": name,
                "organizationNumber": self.org_number(),
                "isCustomer": False,
                "isInactive": index % 17 == 16,
                "isPrivateIndividual": False,
                "language": "NO",
                "phoneNumber": self.phone(),
                "currency": {"id": CURRENCY_ID["NOK"]},
            }
            if index % 9 != 4:
                record["email"] = self.email_for(name.rsplit(" ", 1)[0], "no")
            if index % 11 != 7:
                record["postalAddress"] = self.norwegian_address()
            if index % 10 == 3:
                # A few Swedish and Danish suppliers billing in their own currency.
                country = "SE" if index % 20 == 3 else "DK"
                street, postal_code, city, currency, _ = FOREIGN_PLACES[country]
                record.pop("organizationNumber")
                record["name"] = FOREIGN_NAMES[country][index % 4].replace("AB", "Export AB")
                record["currency"] = {"id": CURRENCY_ID[currency]}
                record["language"] = "EN"
                record["postalAddress"] = {
                    "addressLine1": f"{street} {index}",
                    "postalCode": postal_code,
                    "city": city,
                    "country": {"id": COUNTRY_ID[country]},
                }
            suppliers.append(record)
        return suppliers

    def products(self, suppliers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        unit_id = {u["nameShort"]: u["id"] for u in PRODUCT_UNITS}
        products: list[dict[str, Any]] = []
        for index in range(PRODUCT_COUNT):
            roll = self.rng.random()
            record: dict[str, Any] = {
                "id": 100000 + index,
                "version": 0,
                "currency": {"id": CURRENCY_ID["NOK"]},
            }
            if roll < 0.62:
                base, measure, unit = STOCK_ITEMS[index % len(STOCK_ITEMS)]
                size = self.rng.choice((4, 6, 8, 10, 12, 16, 20, 25, 40, 50, 75, 100))
                cost = round(self.rng.uniform(5, 900), 2)
                record.update(
                    name=f"{base} {size} {measure}",
                    isStockItem=True,
                    vatType={"id": 3},
                    productUnit={"id": unit_id[unit]},
                    costExcludingVatCurrency=cost,
                    priceExcludingVatCurrency=round(cost * self.rng.uniform(1.3, 2.2), 2),
                    ean=self.ean13(),
                    weight=round(self.rng.uniform(0.05, 25), 2),
                    weightUnit="kg",
                    supplier={"id": suppliers[index % len(suppliers)]["id"]},
                )
            elif roll < 0.74:
                base, unit = FOOD_ITEMS[index % len(FOOD_ITEMS)]
                cost = round(self.rng.uniform(10, 200), 2)
                record.update(
                    name=f"{base} {self.rng.choice(('original', 'økologisk', 'premium', 'lokal'))}",
                    isStockItem=True,
                    vatType={"id": 31},
                    productUnit={"id": unit_id[unit]},
                    costExcludingVatCurrency=cost,
                    priceExcludingVatCurrency=round(cost * 1.4, 2),
                    ean=self.ean13(),
                )
            elif roll < 0.78:
                record.update(
                    name=f"{BOOKS[index % len(BOOKS)]}, {self.rng.randint(1, 9)}. utgave",
                    isStockItem=True,
                    vatType={"id": 5},
                    productUnit={"id": unit_id["stk"]},
                    costExcludingVatCurrency=round(self.rng.uniform(100, 300), 2),
                    priceExcludingVatCurrency=round(self.rng.uniform(350, 700), 2),
                )
            else:
                base, vat_id, unit = SERVICES[index % len(SERVICES)]
                record.update(
                    name=f"{base} {self.rng.choice(('standard', 'helg', 'kveld', 'hast'))}",
                    isStockItem=False,
                    vatType={"id": vat_id},
                    productUnit={"id": unit_id[unit]},
                    priceExcludingVatCurrency=round(self.rng.choice((650, 790, 950, 1250, 1490)) * 1.0, 2),
                )
            record["number"] = self.product_number(index)
            record["isInactive"] = self.rng.random() < 0.05
            if self.rng.random() < 0.3:
                record["description"] = f"{record['name']} - lagerført hos Nordlys Verktøy."
            products.append(record)

        bad_unit = products[7]
        bad_unit["productUnit"] = {"id": unit_id["pk"]}
        self.bad_records.append(
            {
                "system": "tripletex",
                "entity": "product",
                "id": bad_unit["id"],
                "number": bad_unit["number"],
                "reason": "unknown_unit",
                "explanation": "The product's unit 'pk' does not exist in Rackbeat.",
            }
        )
        no_number = {
            "id": 100000 + PRODUCT_COUNT,
            "version": 0,
            "name": "Diverse småvarer",
            "isStockItem": True,
            "isInactive": False,
            "vatType": {"id": 3},
            "productUnit": {"id": unit_id["stk"]},
            "priceExcludingVatCurrency": 49.0,
            "currency": {"id": CURRENCY_ID["NOK"]},
        }
        products.append(no_number)
        self.bad_records.append(
            {
                "system": "tripletex",
                "entity": "product",
                "id": no_number["id"],
                "number": None,
                "reason": "missing_number",
                "explanation": "The product has no product number; Rackbeat identifies products by number.",
            }
        )
        return products

    def product_number(self, index: int) -> str:
        # Most numbers are plain; some carry '/', '+' or spaces, which Rackbeat paths must double-encode.
        if index % 50 == 10:
            return f"AB/{1000 + index}"
        if index % 50 == 20:
            return f"KIT+{index}"
        if index % 50 == 30:
            return f"NV {index:04d}"
        return f"{1000 + index}"

    def ean13(self) -> str:
        digits = [7, 0, 4, 0] + [self.rng.randint(0, 9) for _ in range(8)]
        total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
        return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def _jwt_looking(subject: str) -> str:
    def b64(data: dict[str, Any]) -> str:
        return (
            base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).rstrip(b"=").decode()
        )

    header = b64({"typ": "JWT", "alg": "RS256"})
    payload = b64({"aud": "1", "sub": subject, "scopes": ["*"]})
    signature = base64.urlsafe_b64encode(hashlib.sha256(f"{header}.{payload}".encode()).digest()).rstrip(b"=")
    return f"{header}.{payload}.{signature.decode()}"


def demo_seed(seed: int = SEED) -> dict[str, Any]:
    """The whole seed document; the same value for the same ``seed``."""
    gen = _Generator(seed)
    customers = gen.customers()
    suppliers = gen.suppliers()
    products = gen.products(suppliers)
    company_org = gen.org_number()
    tripletex = {
        "consumer_token": "demo-consumer-" + hashlib.sha256(f"{seed}-consumer".encode()).hexdigest()[:32],
        "employee_token": "demo-employee-" + hashlib.sha256(f"{seed}-employee".encode()).hexdigest()[:32],
        "grants": ["customer", "supplier", "product", "invoice", "employee"],
        "company": {
            "id": 1,
            "name": "Nordlys Verktøy AS",
            "organizationNumber": company_org,
            "email": "post@nordlysverktoy.no",
            "phoneNumber": "+47 22000000",
            "type": "AS",
            "address": {
                "addressLine1": "Brynsveien 12",
                "postalCode": "0667",
                "city": "Oslo",
                "country": {"id": COUNTRY_ID["NO"]},
            },
            "currency": {"id": CURRENCY_ID["NOK"]},
        },
        "customers": customers,
        "suppliers": suppliers,
        "products": products,
        "productUnits": PRODUCT_UNITS,
        # The optional employee import: one already in Rackbeat by e-mail (in another case), one
        # new, one without e-mail, one without e-mail whose name Rackbeat has, and a contact.
        "employees": [
            {
                "id": 11,
                "firstName": "Åse",
                "lastName": "Lagerløf",
                "email": "Ase@Nordlysverktoy.no",
                "employeeNumber": "1",
            },
            {
                "id": 12,
                "firstName": "Ola",
                "lastName": "Hansen",
                "email": "ola.hansen@nordlysverktoy.no",
                "employeeNumber": "2",
            },
            {"id": 13, "firstName": "Kari", "lastName": "Berg", "email": "", "employeeNumber": ""},
            {"id": 14, "firstName": "Nils", "lastName": "Lager", "email": ""},
            {
                "id": 15,
                "firstName": "Regnskap",
                "lastName": "Partner",
                "email": "post@regnskap.example",
                "isContact": True,
            },
        ],
        "vatTypes": VAT_TYPES,
        "currencies": CURRENCIES,
        "paymentTypes": PAYMENT_TYPES,
        # A company that can invoice (bank account registered) and send EHF: the happy path.
        "invoiceSettings": {
            "bankAccountReady": True,
            "defaultSendTypeB2B": "EHF",
            "defaultSendTypeB2C": "EMAIL",
            "sendTypes": ["EMAIL", "EHF", "PAPER", "MANUAL"],
            "invoicesDueIn": 14,
            "invoicesDueInType": "DAYS",
        },
    }
    rackbeat = {
        "api_token": _jwt_looking(f"demo-{seed}"),
        "self": {
            "user_account": {
                "id": 15355,
                "company_name": "Nordlys Verktøy AS",
                "address": {"street": "Brynsveien 12", "city": "Oslo", "zipcode": "0667", "country": "NO"},
            },
            "user": {"id": 1, "name": "Åse Lagerløf", "email": "ase@nordlysverktoy.no"},
        },
        "currencies": RACKBEAT_CURRENCIES,
        "customer_groups": [{"number": 1, "name": "Kunder"}],
        "supplier_groups": [{"number": 1, "name": "Leverandører"}],
        "product_groups": [
            {
                "number": 1,
                "name": "Varer",
                "has_inventory": True,
                "vat_domestic": 25,
                "vat_domestic_exempt": 0,
                "vat_eu": 0,
                "vat_abroad": 0,
            },
            {
                "number": 2,
                "name": "Tjenester",
                "has_inventory": False,
                "vat_domestic": 25,
                "vat_domestic_exempt": 0,
                "vat_eu": 0,
                "vat_abroad": 0,
            },
        ],
        "payment_terms": [
            {"number": 1, "name": "Netto 14 dager", "maturity_days": 14, "type": "net"},
            {"number": 2, "name": "Netto 30 dager", "maturity_days": 30, "type": "net"},
        ],
        "units": [{"number": n, "name": name} for n, name in enumerate(RACKBEAT_UNITS, start=1)],
        "customers": [
            {
                "number": FIRST_CUSTOMER_NUMBER + i,
                "company_name": customers[i]["name"],
                "contact_email": customers[i].get("email"),
                "currency": "NOK",
                "vat_zone": "domestic",
                "locale": "nb",
                "payment_terms_id": 1 if customers[i]["invoicesDueIn"] <= 14 else 2,
                "customer_group_id": 1,
            }
            for i in range(3)
        ],
        "suppliers": [],
        "products": [],
        # Issue 15: stock bought and sold over the autumn (what the stock-value stream posts),
        # and a booked purchase order from the first supplier for two stock products (both in
        # Rackbeat once the initial import has brought them).
        "stock_movements": [
            {"date": "2026-09-05", "value": 184250.0},
            {"date": "2026-10-12", "value": 23980.5},
            {"date": "2026-11-03", "value": -15400.0},
        ],
        "purchase_orders": [
            {
                "supplier": suppliers[0]["supplierNumber"],
                "lines": [[products[0]["number"], 40, 55.0], [products[1]["number"], 12, 120.0]],
                "delivery_date": "2026-12-15",
                "is_booked": True,
            }
        ],
        "employees": [
            {"number": 1, "name": "Åse Lagerløf", "initials": "ÅL", "contact_email": "ase@nordlysverktoy.no"},
            {"number": 2, "name": "Nils Lager", "initials": "NL"},
        ],
        # Bills of materials sold as one item: kits of the Tripletex products the import brings
        # (components are referenced by number; Rackbeat holds them once the import has run).
        "lots": [
            {
                "number": "SETT-100",
                "name": "Startsett verktøy",
                "group": 1,
                "sales_price": 1490.0,
                "lines": [{"product_id": gen.product_number(0), "quantity": 1}],
            },
            {
                "number": "SETT-200",
                "name": "Monteringspakke",
                "group": 1,
                "sales_price": 2990.0,
                "lines": [
                    {"product_id": gen.product_number(1), "quantity": 2},
                    {"product_id": gen.product_number(2), "quantity": 1},
                ],
            },
        ],
    }
    return {
        "tripletex": tripletex,
        "rackbeat": rackbeat,
        "meta": {"generator": "local.seed.demo", "seed": seed, "bad_records": gen.bad_records},
    }


def main() -> None:
    json.dump(demo_seed(), sys.stdout, ensure_ascii=False, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
