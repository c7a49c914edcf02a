"""Checks the targets table of a generated review report (DOCX).

Usage: python3 review_check.py REPORT.docx EXPECTED.json

Opens the DOCX with python-docx, finds the targets table by its header row
(STT, Chỉ tiêu, Mục tiêu, Kết quả, Đánh giá), prints its data rows as JSON and
compares them with EXPECTED.json (a list of rows, each a list of strings).
Exit status: 0 when they are equal, 1 when they differ or the table is
missing, 2 on a usage error.
"""

import json
import sys

import docx

HEADER = ["STT", "Chỉ tiêu", "Mục tiêu", "Kết quả", "Đánh giá"]


def cell_text(cell):
    # A cell's paragraphs joined by newlines, as the generator writes them.
    return "\n".join(p.text for p in cell.paragraphs)


def targets_rows(path):
    document = docx.Document(path)
    for table in document.tables:
        rows = [[cell_text(c) for c in row.cells] for row in table.rows]
        if rows and rows[0] == HEADER:
            return rows[1:]
    return None


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    rows = targets_rows(argv[1])
    if rows is None:
        print("no table with header " + " | ".join(HEADER), file=sys.stderr)
        return 1
    print(json.dumps(rows, ensure_ascii=False, indent=2))
    with open(argv[2], encoding="utf-8") as f:
        expected = json.load(f)
    if rows != expected:
        for i, (got, want) in enumerate(zip(rows, expected), start=1):
            if got != want:
                print(f"row {i}: got {got!r}, expected {want!r}", file=sys.stderr)
        if len(rows) != len(expected):
            print(f"{len(rows)} rows, expected {len(expected)}", file=sys.stderr)
        return 1
    print(f"OK: {len(rows)} rows match", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
