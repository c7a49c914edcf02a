#!/usr/bin/env python3
"""Validates a STIX 2.1 bundle exported by Khiên Mạng with the OASIS
`stix2-validator` package (pinned in fixtures/requirements.txt).

    python3 e2e/stix_validate.py bundle.json

Runs the validator's default checks (errors for anything the specification
requires, warnings for its recommendations), prints every result, and exits
1 if there is any error, 0 if there are none (warnings are printed but
allowed), 2 if it could not run at all.
"""

import logging
import sys

try:
    from stix2validator import ValidationOptions, print_results, validate_file
except ImportError as e:  # pragma: no cover - environment problem
    print(f"stix_validate.py: {e}; install e2e/fixtures/requirements.txt", file=sys.stderr)
    sys.exit(2)


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} BUNDLE.json", file=sys.stderr)
        return 2
    # The validator prints through `logging`, as its own command does.
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    # The bundle says nothing about its version; the export is STIX 2.1.
    options = ValidationOptions(version="2.1")
    try:
        results = validate_file(argv[1], options)
    except OSError as e:
        print(f"stix_validate.py: {e}", file=sys.stderr)
        return 2
    print_results(results)
    errors = sum(len(r.errors or []) for r in results.object_results)
    warnings = sum(len(r.warnings or []) for r in results.object_results)
    if results.fatal:
        errors += 1
    print(f"{len(results.object_results)} objects: {errors} errors, {warnings} warnings")
    return 0 if results.is_valid and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
