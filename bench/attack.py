"""Tenant-safety attack run against a running portal (loopback only, bounded): prints each case and the leaks.

Not a test. Point it at a portal you started yourself (gunicorn or runserver) and at the same
database, so that it can create its own victim and outsiders and check their rows afterwards:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal \
        .venv/bin/python bench/attack.py --base http://127.0.0.1:8000

It creates a victim (a platform, an e-commerce enterprise, its customs broker, a carrier, a
payment enterprise) with a stored and a released parcel, and three outsiders with every role:
one unrelated, one that shares the victim's broker, one that sells on the victim's platform.
Each outsider then tries, through the JSON endpoints and the CEB XML endpoint, to change,
delete, take over, cancel or depart the victim's records and to read its goods and lists; a
hostile XML and JSON set follows. A case leaks when the victim's rows changed, when a receipt
names the victim (its codes, names, list numbers or states), when the answer differs from the
answer about a key nobody holds, or when the server answers 5xx. The last line is
``N cases, L leaks``; the exit status is 1 when L > 0.

Only loopback addresses are accepted; every request has a timeout and the run a deadline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import ipaddress
import json
import os
import socket
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings")

REQUEST_TIMEOUT = 30  # seconds, each request
RUN_DEADLINE = 600  # seconds, the whole run
MAX_REQUESTS = 400

JSON_PATHS = {
    "order": "/api/v1/orders/",
    "payment": "/api/v1/payments/",
    "waybill": "/api/v1/waybills/",
    "inventory": "/api/v1/inventories/",
    "cancel": "/api/v1/inventory-cancels/",
    "departure": "/api/v1/departures/",
}


def loopback_only(base: str) -> str:
    host = urllib.parse.urlsplit(base).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        sys.exit(f"attack: cannot resolve {host!r}")
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        sys.exit(
            f"attack: {base} is not a loopback address; this script only attacks a portal on this machine"
        )
    return base.rstrip("/")


class Http:
    def __init__(self, base: str):
        self.base = base
        self.count = 0
        self.started = time.monotonic()

    def request(self, method: str, path: str, *, key: str, body: bytes = b"", content_type: str = ""):
        """One request; a server that refuses a body before reading it all still gets its answer read."""
        if self.count >= MAX_REQUESTS or time.monotonic() - self.started > RUN_DEADLINE:
            raise SystemExit("attack: request budget or deadline reached; stopping")
        self.count += 1
        parts = urllib.parse.urlsplit(self.base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=REQUEST_TIMEOUT)
        try:
            connection.putrequest(method, path)
            headers = {
                "Authorization": f"Api-Key {key}",
                "Accept-Language": "en",
                "Accept": "application/json",
            }
            if content_type:
                headers["Content-Type"] = content_type
            headers["Content-Length"] = str(len(body))
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.endheaders()
            try:
                for start in range(0, len(body), 65536):
                    connection.send(body[start : start + 65536])
            except (BrokenPipeError, ConnectionResetError):
                pass  # refused before the whole body was read: its answer is still there
            response = connection.getresponse()
            return response.status, response.read()
        except (ConnectionError, http.client.HTTPException, TimeoutError) as error:
            return 0, f"no answer: {error}".encode()
        finally:
            connection.close()

    def json(self, method, path, *, key, payload):
        return self.request(
            method, path, key=key, body=json.dumps(payload).encode(), content_type="application/json"
        )


# --- the world -------------------------------------------------------------------------------------
def setup():
    """A victim with a stored and a released parcel, three outsiders, an API key each."""
    import django

    django.setup()
    from django.utils import timezone

    from authorization.models import Authorization
    from declarations.channels.models import InspectionSetting
    from declarations.models import Goods
    from registration.api_keys import api_key_create
    from registration.models import Enterprise, EnterpriseStatus
    from tests.conftest import make_uscc

    run = uuid.uuid4().int % 10**5
    counter = iter(range(1, 100))

    def enterprise(label, roles, **fields):
        n = next(counter)
        obj = Enterprise(
            name=f"Attack {label} {run:05d}",
            uscc=make_uscc(run * 100 + n + 50_000_000),
            customs_code=f"39{run:05d}{n:03d}",
            contact_name="Attack",
            contact_phone="13800000000",
            contact_email=f"attack-{run}-{n}@example.com",
            **{f"is_{role}": True for role in roles},
            **fields,
        )
        obj.__dict__["status"] = EnterpriseStatus.APPROVED  # protected FSM field: set once, at creation
        obj.save()
        return obj

    def authorize(principal, agent):
        today = timezone.localdate()
        obj = Authorization(
            principal=principal, agent=agent, principal_name=principal.name, principal_uscc=principal.uscc,
            principal_contact_name="a", principal_contact_phone="1", principal_contact_email="a@example.com",
            agent_name=agent.name, agent_uscc=agent.uscc, agent_contact_name="b", agent_contact_phone="2",
            agent_contact_email="b@example.com", scope="export", valid_from=today,
            valid_to=today + dt.timedelta(30), initiated_by="principal", number=f"ATK{run:05d}{next(counter):03d}",
        )  # fmt: skip
        obj.__dict__["status"] = "approved"
        obj.save()

    every_role = ("platform", "ecommerce", "owner", "broker", "logistics", "payment")
    victim = {
        "platform": enterprise("platform", ("platform",)),
        "ebc": enterprise("seller", ("ecommerce", "owner"), pilot_zone=True),
        "broker": enterprise("broker", ("broker",)),
        "logistics": enterprise("carrier", ("logistics",)),
        "payment": enterprise("payer", ("payment",)),
    }
    outsiders = {
        name: enterprise(name, every_role) for name in ("unrelated", "shared_broker", "shared_platform")
    }
    authorize(victim["ebc"], victim["broker"])
    authorize(outsiders["shared_broker"], victim["broker"])
    if not InspectionSetting.objects.exists():
        InspectionSetting.objects.create(rate=0)
    goods = Goods(enterprise=victim["ebc"], item_no="SKU-1", name="Bluetooth speaker", gcode="8518220000",
                  unit="007", unit1="007")  # fmt: skip
    goods.__dict__["status"] = "approved"
    goods.save()
    keys = {
        name: api_key_create(enterprise=obj, name=f"attack run {run}")[1]
        for name, obj in {**victim, **outsiders}.items()
    }
    return victim, outsiders, keys, goods


def snapshot(victim) -> dict:
    """Every row that names a victim enterprise, with its lines, as plain values."""
    from django.db.models import Q
    from django.forms.models import model_to_dict

    from declarations.models import (
        Departure,
        Goods,
        Inventory,
        InventoryCancelRequest,
        InventoryLine,
        Order,
        OrderLine,
        Payment,
        Waybill,
    )

    ids = [e.pk for e in victim.values()]
    lists = Inventory.objects.filter(Q(ebc_enterprise__in=ids) | Q(agent_enterprise__in=ids))
    orders = Order.objects.filter(ebp_enterprise__in=ids)
    querysets = {
        "order": orders,
        "order line": OrderLine.objects.filter(order__in=orders),
        "payment": Payment.objects.filter(ebp_enterprise__in=ids),
        "waybill": Waybill.objects.filter(logistics_enterprise__in=ids),
        "list": lists,
        "list line": InventoryLine.objects.filter(inventory__in=lists),
        "cancel": InventoryCancelRequest.objects.filter(inventory__in=lists),
        "departure": Departure.objects.filter(logistics_enterprise__in=ids),
        "goods": Goods.objects.filter(enterprise__in=ids),
    }
    return {
        name: sorted((model_to_dict(o) for o in qs), key=lambda r: r["id"]) for name, qs in querysets.items()
    }


# --- the run ---------------------------------------------------------------------------------------
class Attack:
    def __init__(self, http: Http, victim, outsiders, keys, goods):
        from tests.declarations import ceb_builders as b

        self.b = b
        self.http, self.victim, self.outsiders, self.keys, self.goods = http, victim, outsiders, keys, goods
        self.cases = 0
        self.leaks: list[str] = []

    def post(self, sender: str, kind: str, entry: dict, via: str) -> tuple[int, dict]:
        if via == "json":
            code, body = self.http.json(
                "POST", JSON_PATHS[kind], key=self.keys[sender], payload={"entries": [entry]}
            )
        else:
            code, body = self.http.request(
                "POST", "/api/v1/messages/", key=self.keys[sender], body=self.b.message(kind, [entry]),
                content_type="application/xml",
            )  # fmt: skip
        try:
            data = json.loads(body)
        except ValueError:
            data = {"info": body[:200].decode("utf-8", "replace")}
        return code, (data[0] if isinstance(data, list) and data else data)

    def case(self, name: str, problems: list[str]) -> None:
        self.cases += 1
        print(f"{'LEAK' if problems else 'ok  '}  {name}" + (f": {'; '.join(problems)}" if problems else ""))
        if problems:
            self.leaks.append(name)

    def marks(self, entry: dict) -> list[str]:
        from declarations.models import Inventory, InventoryStatus

        ids = [e.pk for e in self.victim.values()]
        numbers = (
            Inventory.objects.filter(ebc_enterprise__in=ids)
            .exclude(invt_no=None)
            .values_list("invt_no", flat=True)
        )
        marks = [
            self.victim["ebc"].customs_code,
            self.victim["ebc"].name,
            self.victim["broker"].name,
            *numbers,
        ]
        marks += [str(label) for label in InventoryStatus.labels] + [f"({v})" for v in InventoryStatus.values]
        sent = {str(value) for value in entry.values()}
        return [m for m in marks if m and m not in sent]

    # the victim's own parcels, sent by their own senders
    def send_victim_parcels(self):
        b, v = self.b, self.victim
        senders = {"order": "platform", "payment": "payment", "waybill": "logistics", "inventory": "broker"}
        parcels = {}
        for label, app_status in (("stored", "1"), ("released", "2")):
            n = uuid.uuid4().hex[:10].upper()
            lines = [
                {"itemNo": "SKU-1", "gcode": "8518220000", "qty": "2", "price": "50", "totalPrice": "100"}
            ]
            p = {
                "order": b.order_entry(ebp=v["platform"], ebc=v["ebc"], order_no=f"ATK-O{n}", lines=lines),
                "payment": b.payment_entry(ebp=v["platform"], ebc=v["ebc"], pay=v["payment"], order_no=f"ATK-O{n}"),
                "waybill": b.waybill_entry(logistics=v["logistics"], logistics_no=f"ATK-L{n}", ebc=v["ebc"]),
                "inventory": b.inventory_entry(
                    ebp=v["platform"], ebc=v["ebc"], agent=v["broker"], owner=v["ebc"], logistics=v["logistics"],
                    order_no=f"ATK-O{n}", logistics_no=f"ATK-L{n}", cop_no=f"ATK-C{n}", lines=lines,
                    app_status=app_status,
                ),
            }  # fmt: skip
            for kind, sender in senders.items():
                code, receipt = self.post(sender, kind, p[kind], "json")
                if receipt.get("status") != "accepted":
                    sys.exit(f"attack: the victim's own {kind} was refused ({code}): {receipt}")
            parcels[label] = p
        from declarations.models import Inventory

        released = Inventory.objects.get(cop_no=parcels["released"]["inventory"]["copNo"])
        if released.status != "released":
            sys.exit(
                f"attack: the victim's released list is {released.status}; run on a portal with random inspection at 0"
            )
        self.stored, self.released = parcels["stored"], parcels["released"]
        self.released_list = released

    def attack_entry(self, kind, outsider, app_type, key=None):
        b, o = self.b, self.outsiders[outsider]
        if kind == "order":
            entry = dict(self.stored["order"], ebcCode=o.customs_code, ebcName=o.name)
            entry["orderNo"] = key or entry["orderNo"]
        elif kind == "payment":
            entry = dict(self.stored["payment"], payCode=o.customs_code, payName=o.name)
            entry["orderNo"] = key or entry["orderNo"]
        elif kind == "waybill":
            entry = dict(self.stored["waybill"], logisticsCode=o.customs_code, logisticsName=o.name)
            entry["logisticsNo"] = key or entry["logisticsNo"]
        elif kind == "inventory":
            entry = dict(self.stored["inventory"], ebcCode=o.customs_code, ebcName=o.name, ownerCode=o.customs_code,
                         ownerName=o.name)  # fmt: skip
            entry["copNo"] = key or entry["copNo"]
        elif kind == "cancel":
            inv = self.released_list
            entry = b.cancel_entry(
                agent=self.victim["broker"], ebc=o, cop_no=key or inv.cop_no, invt_no=inv.invt_no
            )
        else:  # departure
            entry = b.departure_entry(
                logistics=o, logistics_nos=[key or self.released["inventory"]["logisticsNo"]]
            )
        return dict(entry, guid=b.guid(), appType=app_type)

    def run_matrix(self):
        kinds = [(k, t) for k in ("order", "payment", "waybill", "inventory") for t in ("1", "2", "3")]
        kinds = [c for c in kinds if c != ("waybill", "1")] + [("cancel", "1"), ("departure", "1")]
        for kind, app_type in kinds:
            for outsider in self.outsiders:
                for via in ("json", "xml"):
                    before = snapshot(self.victim)
                    entry = self.attack_entry(kind, outsider, app_type)
                    code, receipt = self.post(outsider, kind, entry, via)
                    problems = []
                    if code >= 500:
                        problems.append(f"server error {code}")
                    if snapshot(self.victim) != before:
                        problems.append("the victim's rows changed")
                    if receipt.get("status") != "rejected":
                        problems.append(f"answered {receipt.get('status')!r}")
                    info = str(receipt.get("info", ""))
                    problems += [f"the receipt names {m!r}" for m in self.marks(entry) if m in info]
                    if app_type != "1" or kind in ("cancel", "departure"):
                        unknown = f"NOBODY{uuid.uuid4().hex[:6].upper()}"
                        _c, control = self.post(
                            outsider, kind, self.attack_entry(kind, outsider, app_type, unknown), via
                        )
                        attacked = (
                            entry["lines"][0]["logisticsNo"]
                            if kind == "departure"
                            else receipt.get("key", "")
                        )
                        if info != str(control.get("info", "")).replace(unknown, attacked):
                            problems.append("answered differently from a key nobody holds")
                    self.case(f"{kind} appType {app_type} by {outsider} ({via})", problems)

    def run_reads(self):
        missing = self.goods.pk + 10**6
        for outsider in self.outsiders:
            key = self.keys[outsider]
            own = self.http.request("GET", f"/api/v1/goods/{self.goods.pk}/", key=key)
            none = self.http.request("GET", f"/api/v1/goods/{missing}/", key=key)
            self.case(
                f"goods {self.goods.pk} read by {outsider}",
                [] if own == none and own[0] == 404 else [f"{own[0]} vs {none[0]}"],
            )
            before = snapshot(self.victim)
            code, _body = self.http.json(
                "PATCH", f"/api/v1/goods/{self.goods.pk}/", key=key, payload={"name": "x"}
            )
            self.case(
                f"goods {self.goods.pk} edited by {outsider}",
                [] if code == 404 and snapshot(self.victim) == before else [str(code)],
            )
            order_no = urllib.parse.quote(self.released["inventory"]["orderNo"])
            code, body = self.http.request("GET", f"/api/v1/inventories/?orderNo={order_no}", key=key)
            found = self.released["inventory"]["copNo"] in body.decode("utf-8", "replace")
            self.case(
                f"lists polled by {outsider}", ["the victim's list is listed"] if found or code >= 500 else []
            )

    def run_hostile(self):
        b = self.b
        key = self.keys["unrelated"]
        entry = self.attack_entry("order", "unrelated", "1", key=f"HOSTILE{uuid.uuid4().hex[:6]}")
        doc = b.message("order", [entry]).decode()
        answers = []
        for target in ("file:///etc/passwd", "file:///nonexistent/attack.dtd"):
            prolog = f'<?xml version="1.0" encoding="UTF-8"?>\n<!--{"x" * 5000}-->\n<!DOCTYPE x SYSTEM "{target}">\n'
            body = prolog + doc.split("\n", 1)[1]
            started = time.monotonic()
            code, raw = self.http.request(
                "POST", "/api/v1/messages/", key=key, body=body.encode(), content_type="application/xml"
            )
            answers.append((code, raw))
            slow = time.monotonic() - started > 5
            self.case(f"DOCTYPE {target} after a 5 KB comment", [f"{code}"] * (code != 400) + ["slow"] * slow)
        self.case(
            "DOCTYPE answers alike for an existing and a missing file",
            [] if answers[0] == answers[1] else ["they differ"],
        )
        utf16 = (
            '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x SYSTEM "file:///etc/passwd">\n'
            + doc.split("\n", 1)[1]
        )
        code, _raw = self.http.request(
            "POST", "/api/v1/messages/", key=key, body=utf16.encode("utf-16"), content_type="application/xml"
        )
        self.case("DOCTYPE in a UTF-16 message", [] if code == 400 else [str(code)])
        for name, text in (
            ("NaN", '{"entries": [{"goodsValue": NaN}]}'),
            ("Infinity", '{"entries": [{"goodsValue": Infinity}]}'),
            ("NUL character", '{"entries": [{"orderNo": "a\\u0000b"}]}'),
            ("lone surrogate", '{"entries": [{"orderNo": "\\ud800"}]}'),
            ("2,000-deep nesting", '{"entries": [' + "[" * 2000 + "]" * 2000 + "]}"),
        ):
            code, _raw = self.http.request(
                "POST", JSON_PATHS["order"], key=key, body=text.encode(), content_type="application/json"
            )
            self.case(f"JSON with {name}", [] if code == 400 else [str(code)])
        big = b'{"entries": [{"note": "' + b"x" * (11 * 1024 * 1024) + b'"}]}'
        code, _raw = self.http.request(
            "POST", JSON_PATHS["order"], key=key, body=big, content_type="application/json"
        )
        self.case("an 11 MB JSON batch", [] if code == 413 else [str(code)])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the running portal (loopback only)")
    args = parser.parse_args(argv)
    http = Http(loopback_only(args.base))
    attack = Attack(http, *setup())
    attack.send_victim_parcels()
    attack.run_matrix()
    attack.run_reads()
    attack.run_hostile()
    print(f"{attack.cases} cases, {len(attack.leaks)} leaks ({http.count} requests)")
    return 1 if attack.leaks else 0


if __name__ == "__main__":
    sys.exit(main())
