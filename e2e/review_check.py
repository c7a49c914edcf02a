"""Checks a generated review report (DOCX) with python-docx.

Usage:
  python3 review_check.py REPORT.docx EXPECTED.json   the targets table
  python3 review_check.py --full REPORT.docx          the whole document

The first form finds the targets table by its first header cells (STT,
Chỉ tiêu), prints its data rows as JSON and compares them with EXPECTED.json
(a list of rows, each a list of strings).

The second checks the layout of Decree 30/2020/NĐ-CP and the content: A4
with the decree's margins, Times New Roman in 11–14 pt; the national motto,
the issuing body, "Số: …/BC-…", the place and date line, "BÁO CÁO" and a
subject; parts I, II (with its shortcomings and causes), III and the annex,
each with text; the targets tables and the per-commune annex; every table
that ends with "Tổng cộng" has that row once and it equals the sum of the
rows above, column by column; "Nơi nhận:" and the signer block (position,
"(Ký, ghi rõ họ tên, đóng dấu)", a name line); no "giai đoạn i" in lower
case. It prints what it checked.

Exit status: 0 when everything holds, 1 when something does not (each
failure printed), 2 on a usage error.
"""

import json
import re
import sys

import docx
from docx.shared import Mm

TARGETS_START = ["STT", "Chỉ tiêu"]
TOTAL = "Tổng cộng"
SIGN_HINT = "(Ký, ghi rõ họ tên, đóng dấu)"
PARTS = [
    "I. KẾT QUẢ ĐẠT ĐƯỢC",
    "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
    "1. Tồn tại, hạn chế",
    "2. Nguyên nhân",
    "III. PHƯƠNG HƯỚNG, GIẢI PHÁP",
    "PHỤ LỤC",
]


def cell_text(cell):
    # A cell's paragraphs joined by newlines, as the generator writes them.
    return "\n".join(p.text for p in cell.paragraphs)


def table_rows(table):
    return [[cell_text(c) for c in row.cells] for row in table.rows]


def targets_rows(path):
    document = docx.Document(path)
    for table in document.tables:
        rows = table_rows(table)
        if rows and rows[0][:2] == TARGETS_START and any(h.startswith("Lộ trình") for h in rows[0]):
            return rows[1:]
    return None


def number(text):
    """ "1.234.567" → 1234567; None for anything else. """
    t = text.strip()
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})*", t):
        return int(t.replace(".", ""))
    return None


def check_totals(rows, failures, name):
    totals = [i for i, r in enumerate(rows) if r and r[0] == TOTAL]
    if not totals:
        return False
    if len(totals) != 1 or totals[0] != len(rows) - 1:
        failures.append(f"{name}: {len(totals)} rows '{TOTAL}', expected one, last")
        return True
    body, total = rows[1:-1], rows[-1]
    for col in range(1, len(total)):
        want = number(total[col])
        got = sum(number(r[col]) or 0 for r in body)
        if want is None or want != got:
            failures.append(f"{name}: column {rows[0][col]!r} totals {total[col]!r}, the rows sum to {got}")
    return True


def full(path):
    document = docx.Document(path)
    failures, checked = [], []

    def need(ok, what):
        (checked if ok else failures).append(what)

    section = document.sections[0]
    need(abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1), "A4 page")
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    need(all(abs(m - Mm(w)) < Mm(1) for m, w in zip(margins, [20, 20, 30, 15])), "margins 20/20/30/15 mm")

    tables = [table_rows(t) for t in document.tables]
    paragraphs = [p.text for p in document.paragraphs]
    everything = paragraphs + [c for t in tables for r in t for c in r]
    lines = [line for text in everything for line in text.split("\n")]

    fonts, sizes = set(), set()
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    for r in runs:
        if r.text.strip():
            fonts.add(r.font.name)
            if r.font.size is not None:
                sizes.add(r.font.size.pt)
    need(fonts == {"Times New Roman"}, f"Times New Roman throughout (found {sorted(map(str, fonts))})")
    need(sizes and min(sizes) >= 11 and max(sizes) <= 14, f"sizes 11–14 pt (found {sorted(sizes)})")

    top = tables[0][0] if tables else ["", ""]
    left, right = top[0].split("\n"), top[-1].split("\n")
    need("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right, "national motto")
    need("Độc lập - Tự do - Hạnh phúc" in right, "Độc lập - Tự do - Hạnh phúc")
    need(any(l.strip() and l.upper() == l and not l.startswith("_") and not l.startswith("Số") for l in left),
         "issuing body in upper case")
    need(any(re.fullmatch(r"Số:\s*[\d\s…\.]*/BC(-\S+)?", l) for l in left), "number field 'Số: …/BC-…'")
    need(any(re.fullmatch(r".+, ngày \d{2} tháng (\d{2}|1[0-2]|[3-9]) năm \d{4}", l) for l in right),
         "place and date line")
    at = paragraphs.index("BÁO CÁO") if "BÁO CÁO" in paragraphs else -1
    need(at >= 0 and paragraphs[at + 1].strip() != "", "BÁO CÁO and its subject")

    for part in PARTS:
        if part not in paragraphs:
            failures.append(f"part {part!r} missing")
            continue
        i = paragraphs.index(part)
        following = [p for p in paragraphs[i + 1:i + 4] if p.strip()]
        need(bool(following), f"part {part!r} present, with text")

    need(any(t[0][:2] == TARGETS_START and any(h.startswith("Lộ trình") for h in t[0]) for t in tables),
         "targets table with the trajectory")
    years = [t for t in tables if t[0][0] == "Chỉ tiêu" and len(t[0]) > 1 and t[0][1] == "2024"]
    need(bool(years), "results by year from 2024")
    annex = [t for t in tables if t[0][:2] == ["STT", "Xã, phường"]]
    need(bool(annex) and len(annex[0]) > 1, f"per-commune annex ({len(annex[0]) - 1 if annex else 0} rows)")
    with_total = 0
    for i, t in enumerate(tables):
        if check_totals(t, failures, f"table {i + 1} ({t[0][0]!r})"):
            with_total += 1
    need(with_total >= 3, f"{with_total} tables closed by one total equal to the sum of their rows")
    need(any(t[0][0] == "Nội dung" and "Dự toán" in t[0] for t in tables), "budget table")

    bottom = [t for t in tables if t[0][0].startswith("Nơi nhận:")]
    need(bool(bottom), "'Nơi nhận:' block")
    if bottom:
        sign = [l for l in bottom[-1][0][-1].split("\n")]
        need(SIGN_HINT in sign, "signer hint '(Ký, ghi rõ họ tên, đóng dấu)'")
        need(bool(sign[0].strip()) and sign[0] == sign[0].upper(), f"signer position ({sign[0]!r})")
        need(bool(sign[-1].strip()), f"signer name line ({sign[-1]!r})")
    bad = [l for l in lines if re.search(r"giai đoạn i\b", l)]
    need(not bad, "no lower-case 'giai đoạn i'" + (f": {bad[0]!r}" if bad else ""))

    for c in checked:
        print(f"ok: {c}")
    for f in failures:
        print(f"FAILED: {f}", file=sys.stderr)
    return 1 if failures else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--full":
        return full(argv[2])
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    rows = targets_rows(argv[1])
    if rows is None:
        print("no targets table (STT | Chỉ tiêu | … | Lộ trình …)", file=sys.stderr)
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
