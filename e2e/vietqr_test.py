#!/usr/bin/env python3
"""VietQR payloads made by a third-party encoder, read by Khiên Mạng's CLI.

The encoder is the `vietnam-qr-pay` package from PyPI (the Python port of the
vietnam-qr-pay library; pinned in fixtures/requirements.txt). The script
builds transfer codes for several banks and wallets, to an account or a card,
with and without an amount and a message, and for each runs

    $KHIENMANG_BIN scamcheck parse-qr PAYLOAD

then checks that the BIN and the account read back are the ones encoded. A
code whose checksum was altered must make the command exit non-zero.

Assumption about the command's output (the command is not this script's):
it prints one JSON object, and somewhere in it (at the top level, or nested,
e.g. under "transfer" or "qr") is an object with the string fields "bin" and
"account", as in core's `QrPayload::VietQr { bin, account, .. }`. An object
with "account_key" ("BIN:account", as `QrPayload::account_key`) is accepted
too. The first such object found, breadth first, is used.

    KHIENMANG_BIN=target/debug/khienmang python3 e2e/vietqr_test.py

Prints each check; exits 1 if any failed, 2 if it could not run at all.
"""

import json
import os
import shlex
import subprocess
import sys

try:
    from vietnam_qr_pay import QRPay, VietQRService
except ImportError as e:  # pragma: no cover - environment problem
    print(f"vietqr_test.py: {e}; install e2e/fixtures/requirements.txt", file=sys.stderr)
    sys.exit(2)

TIMEOUT = 60

# (BIN, account or card number, amount in đồng, message, service)
CASES = [
    ("970436", "0011001234567", None, None, VietQRService.BY_ACCOUNT_NUMBER),  # Vietcombank
    ("970422", "0123456789", "150000", "chuyen tien hoc phi", VietQRService.BY_ACCOUNT_NUMBER),  # MB
    ("970407", "19036123456789", "2000000", None, VietQRService.BY_ACCOUNT_NUMBER),  # Techcombank
    ("970418", "9704180123456789", None, None, VietQRService.BY_CARD_NUMBER),  # BIDV card
    ("971005", "0912345678", "50000", "ung ho", VietQRService.BY_ACCOUNT_NUMBER),  # Viettel Money
]


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


def run_parse_qr(command, payload):
    return subprocess.run(
        [*command, "scamcheck", "parse-qr", payload],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def find_transfer(value):
    """The first object, breadth first, naming a BIN and an account."""
    queue = [value]
    while queue:
        node = queue.pop(0)
        if isinstance(node, dict):
            if isinstance(node.get("bin"), str) and isinstance(node.get("account"), str):
                return node["bin"], node["account"]
            key = node.get("account_key")
            if isinstance(key, str) and ":" in key:
                bin_, account = key.split(":", 1)
                return bin_, account
            queue.extend(node.values())
        elif isinstance(node, list):
            queue.extend(node)
    return None


def flip_crc(payload):
    """The same code with the last checksum digit changed."""
    last = payload[-1]
    replacement = "0" if last != "0" else "1"
    return payload[:-1] + replacement


def main():
    binary = os.environ.get("KHIENMANG_BIN")
    if not binary:
        print("vietqr_test.py: set KHIENMANG_BIN to the khienmang command", file=sys.stderr)
        return 2
    command = shlex.split(binary)

    payloads = []
    for bin_, account, amount, purpose, service in CASES:
        payload = QRPay.init_viet_qr(
            bank_bin=bin_, bank_number=account, amount=amount, purpose=purpose, service=service
        ).build()
        payloads.append(payload)
        # The encoder must agree with itself before the CLI is judged.
        CHECKS.check(f"encoder reads back its own code for {bin_}", QRPay(payload).is_valid, payload)
        try:
            result = run_parse_qr(command, payload)
        except (OSError, subprocess.TimeoutExpired) as e:
            print(f"vietqr_test.py: cannot run {binary}: {e}", file=sys.stderr)
            return 2
        name = f"parse-qr {bin_}:{account}" + (f" amount {amount}" if amount else "")
        if not CHECKS.check(f"{name} exits 0", result.returncode == 0, result.stderr.strip()):
            continue
        try:
            output = json.loads(result.stdout)
        except json.JSONDecodeError as e:
            CHECKS.check(f"{name} prints JSON", False, f"{e}: {result.stdout[:200]!r}")
            continue
        found = find_transfer(output)
        CHECKS.check(f"{name} gives BIN and account", found == (bin_, account), f"got {found}: {result.stdout[:300]}")

    for payload in payloads[:2]:
        damaged = flip_crc(payload)
        result = run_parse_qr(command, damaged)
        CHECKS.check(
            f"parse-qr refuses a damaged checksum ({damaged[-8:]})",
            result.returncode != 0,
            f"exit {result.returncode}: {result.stdout[:200]}",
        )

    print(f"{CHECKS.passed} passed, {CHECKS.failed} failed")
    return 1 if CHECKS.failed else 0


if __name__ == "__main__":
    sys.exit(main())
