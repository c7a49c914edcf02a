"""Checks the warnings feeds against the rules of their standards.

Usage: python3 feed_check.py ATOM_FILE RSS_FILE

Atom (RFC 4287): the feed has exactly one atom:id (an IRI), atom:title and
atom:updated (RFC 3339), an author (on the feed or on every entry) and a
rel="self" link; every entry has exactly one id, title and updated, a
rel="alternate" link or content, and ids are unique. RSS 2.0: one channel
with title, link and description; every item has a title or description,
and a guid. Prints a summary; exit status 0 when every rule holds.
"""

import re
import sys

from lxml import etree

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def one(parent, tag, where):
    found = parent.findall(tag)
    if len(found) != 1:
        fail(f"{where}: {len(found)} <{tag.replace(A, 'atom:')}>, expected exactly one")
    return found[0]


def check_atom(path):
    root = etree.parse(path).getroot()
    if root.tag != A + "feed":
        fail(f"root is {root.tag}, not atom:feed")
    for tag in ("id", "title", "updated"):
        el = one(root, A + tag, "feed")
        if not (el.text or "").strip():
            fail(f"feed: empty atom:{tag}")
    if not RFC3339.match(one(root, A + "updated", "feed").text):
        fail("feed: atom:updated is not RFC 3339")
    if not any(l.get("rel") == "self" for l in root.findall(A + "link")):
        fail("feed: no rel=self link")
    feed_author = root.find(A + "author") is not None
    ids = set()
    entries = root.findall(A + "entry")
    for i, e in enumerate(entries, 1):
        where = f"entry {i}"
        ident = one(e, A + "id", where).text
        if ident in ids:
            fail(f"{where}: duplicate id {ident}")
        ids.add(ident)
        one(e, A + "title", where)
        if not RFC3339.match(one(e, A + "updated", where).text or ""):
            fail(f"{where}: atom:updated is not RFC 3339")
        if not feed_author and e.find(A + "author") is None:
            fail(f"{where}: no author on the entry or the feed")
        if e.find(A + "content") is None and not any(
            l.get("rel", "alternate") == "alternate" for l in e.findall(A + "link")
        ):
            fail(f"{where}: neither content nor an alternate link")
    return len(entries)


def check_rss(path):
    root = etree.parse(path).getroot()
    if root.tag != "rss" or root.get("version") != "2.0":
        fail("RSS: root is not <rss version=\"2.0\">")
    channel = one(root, "channel", "rss")
    for tag in ("title", "link", "description"):
        one(channel, tag, "channel")
    items = channel.findall("item")
    for i, item in enumerate(items, 1):
        if item.find("title") is None and item.find("description") is None:
            fail(f"item {i}: neither title nor description")
        if item.find("guid") is None:
            fail(f"item {i}: no guid")
    return len(items)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    entries = check_atom(argv[1])
    items = check_rss(argv[2])
    print(f"Atom: {entries} entries valid; RSS: {items} items valid")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
