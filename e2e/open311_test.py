#!/usr/bin/env python3
"""Open311 GeoReport v2 against a running Khiên Mạng, through a third-party
client: the `georeport` package from PyPI (pinned in fixtures/requirements.txt).

It lists the services in JSON and XML, creates a request with a form-encoded
POST exactly as GeoReport v2 defines it (georeport itself cannot create
requests), then reads the request back through the client in JSON and XML.

    KHIENMANG_BASE_URL=http://127.0.0.1:8080 KHIENMANG_COMMUNE_CODE=07210 \\
        python3 e2e/open311_test.py

Prints each check; exits 1 if any failed, 2 if it could not run at all.
"""

import os
import sys
import xml.etree.ElementTree as ET

try:
    import requests
    from georeport import GeoReport
except ImportError as e:  # pragma: no cover - environment problem
    print(f"open311_test.py: {e}; install e2e/fixtures/requirements.txt", file=sys.stderr)
    sys.exit(2)

DESCRIPTION = (
    "Tài khoản Zalo giả danh cán bộ ngân hàng gửi đường dẫn cài ứng dụng "
    "hỗ trợ vay, yêu cầu nhập mã OTP. Kiểm thử Open311 tự động."
)
PHONE = "0912 345 671"
LAT, LONG = "21.18312", "106.07461"
# What must never be in a public answer.
PRIVATE = ["giả danh cán bộ ngân hàng", "Kiểm thử Open311", "345 671", "345671", "+84912345671", LAT, LONG]
TIMEOUT = 30


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok   - {name}")
        else:
            self.failed += 1
            print(f"FAIL - {name}" + (f": {detail}" if detail else ""))
        return ok


CHECKS = Checks()


def as_list(value):
    """xmltodict gives a dict for one repeated element and a list for more."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def main():
    base = os.environ.get("KHIENMANG_BASE_URL", "").rstrip("/")
    commune = os.environ.get("KHIENMANG_COMMUNE_CODE", "").strip()
    if not base or not commune:
        print("open311_test.py: set KHIENMANG_BASE_URL and KHIENMANG_COMMUNE_CODE", file=sys.stderr)
        return 2
    root = f"{base}/open311/v2"
    print(f"Open311 GeoReport v2 at {root} (commune {commune})")
    c = CHECKS
    as_json = GeoReport(root, output_format="json")
    as_xml = GeoReport(root, output_format="xml")

    # --- the service list, through the client ---------------------------------
    services = as_json.get_service_list()
    codes = [s.get("service_code") for s in services]
    c.check("services.json lists the eight categories", len(services) == 8 and "fraud" in codes, codes)
    fraud = next((s for s in services if s.get("service_code") == "fraud"), {})
    c.check(
        "services.json: fraud is a realtime service without metadata",
        fraud.get("type") == "realtime" and fraud.get("metadata") is False and fraud.get("service_name"),
        fraud,
    )
    xml_services = as_list(as_xml.get_service_list())
    xml_codes = [s.get("service_code") for s in xml_services]
    c.check("services.xml lists the same services", xml_codes == codes, xml_codes)
    c.check(
        "services.xml: fraud has the same name",
        any(s.get("service_code") == "fraud" and s.get("service_name") == fraud.get("service_name") for s in xml_services),
    )
    definition = as_json.get_service_definition("fraud")
    c.check("services/fraud.json is the definition", definition.get("service_code") == "fraud", definition)
    definition = as_xml.get_service_definition("fraud")
    c.check("services/fraud.xml is the definition", definition.get("service_code") == "fraud", definition)

    res = requests.get(f"{base}/open311/discovery.json", timeout=TIMEOUT)
    endpoints = res.json().get("endpoints", []) if res.status_code == 200 else []
    c.check(
        "discovery.json points at this endpoint",
        any(e.get("url") == root and "text/xml" in e.get("formats", []) for e in endpoints),
        f"{res.status_code} {res.text}",
    )

    # --- a new request: form-encoded POST, as GeoReport v2 defines it ----------
    form = {
        "service_code": "fraud",
        "description": DESCRIPTION,
        "attribute[commune]": commune,
        "lat": LAT,
        "long": LONG,
        "phone": PHONE,
    }
    res = requests.post(f"{root}/requests.json", data=form, timeout=TIMEOUT)
    sent_as = res.request.headers.get("Content-Type", "")
    c.check("the POST was form-encoded", sent_as == "application/x-www-form-urlencoded", sent_as)
    if not c.check("POST requests.json answers 201", res.status_code == 201, f"{res.status_code} {res.text}"):
        return finish(c)
    created = res.json()
    request_id = created[0].get("service_request_id", "") if isinstance(created, list) and created else ""
    c.check(
        "the answer has service_request_id, service_notice and the secret",
        request_id.startswith("PA-") and created[0].get("service_notice") and len(created[0].get("secret", "")) == 26,
        created,
    )
    if not request_id:
        return finish(c)
    print(f"     created {request_id}")

    # --- read back through the client ------------------------------------------
    public = []
    one = as_json.get_service_request(request_id)
    public.append(repr(one))
    c.check(
        "requests/{id}.json: id, service_code fraud, status open",
        one.get("service_request_id") == request_id and one.get("service_code") == "fraud" and one.get("status") == "open",
        one,
    )
    c.check(
        "requests/{id}.json: location blurred to 0.01°",
        one.get("lat") == 21.18 and one.get("long") == 106.07,
        (one.get("lat"), one.get("long")),
    )
    c.check("requests/{id}.json: no description", "description" not in one, one)
    one = as_xml.get_service_request(request_id)
    public.append(repr(one))
    c.check(
        "requests/{id}.xml: id, service_code fraud, status open",
        isinstance(one, dict)
        and one.get("service_request_id") == request_id
        and one.get("service_code") == "fraud"
        and one.get("status") == "open",
        one,
    )
    listed = as_json.get_service_requests(service_request_id=request_id)
    public.append(repr(listed))
    c.check(
        "requests.json?service_request_id= finds it",
        [r.get("service_request_id") for r in listed] == [request_id],
        listed,
    )
    listed = as_list(as_xml.get_service_requests(service_request_id=request_id))
    public.append(repr(listed))
    c.check(
        "requests.xml?service_request_id= finds it",
        [(r.get("service_request_id"), r.get("service_code"), r.get("status")) for r in listed]
        == [(request_id, "fraud", "open")],
        listed,
    )
    recent = as_json.get_service_requests(service_code="fraud", status="open")
    public.append(repr(recent))
    c.check(
        "requests.json?service_code=fraud&status=open lists it",
        any(r.get("service_request_id") == request_id for r in recent),
    )
    closed = as_json.get_service_requests(status="closed")
    c.check("requests.json?status=closed does not", all(r.get("service_request_id") != request_id for r in closed))

    # --- creation answered in XML, and errors in GeoReport's shape -------------
    res = requests.post(
        f"{root}/requests.xml",
        data={"service_code": "gambling", "description": "Nhóm cá độ bóng đá trên Telegram, kiểm thử Open311.",
              "attribute[commune]": commune},
        timeout=TIMEOUT,
    )
    ok = res.status_code == 201 and res.headers.get("Content-Type", "").startswith("text/xml")
    if c.check("POST requests.xml answers 201 in XML", ok, f"{res.status_code} {res.text}"):
        doc = ET.fromstring(res.content)
        c.check(
            "the XML answer is <service_requests><request> with an id",
            doc.tag == "service_requests" and (doc.findtext("request/service_request_id") or "").startswith("PA-"),
            res.text,
        )
    res = requests.post(f"{root}/requests.json", data={"service_code": "fraud"}, timeout=TIMEOUT)
    body = res.json() if res.headers.get("Content-Type", "").startswith("application/json") else None
    c.check(
        "a request without description is refused with a GeoReport error",
        res.status_code == 400 and isinstance(body, list) and body[0].get("code") == 400 and body[0].get("description"),
        f"{res.status_code} {res.text}",
    )
    res = requests.get(f"{root}/requests/PA-00000-00000.xml", timeout=TIMEOUT)
    ok = res.status_code == 404
    if ok:
        doc = ET.fromstring(res.content)
        ok = doc.tag == "errors" and doc.findtext("error/code") == "404"
    c.check("an unknown id is a 404 GeoReport error in XML", ok, f"{res.status_code} {res.text}")

    leaked = [p for p in PRIVATE for text in public if p in text]
    c.check("no public answer carries the description, the phone or the exact place", not leaked, leaked)
    return finish(c)


def finish(c):
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # an unexpected answer is a failure, not a crash
        CHECKS.check("no unexpected error", False, f"{type(e).__name__}: {e}")
        sys.exit(finish(CHECKS))
