"""Compares the HTML5 trees of an original and a corrected page, as parsed by
html5lib (an independent parser): the same elements, attributes, comments and
doctype, and the same text wherever readers do not read prose (scripts,
styles, the title, code); a text node that differs must turn into its
corrected form by the records' find -> replace substitutions.

usage: python3 compare.py ORIGINAL CORRECTED RECORDS.json
prints the changed text nodes, one per line, as "old => new"."""

import json
import sys

import html5lib
from xml.dom import Node

NOT_PROSE = {"script", "style", "title", "textarea", "noscript", "template", "pre", "svg", "math",
             "code", "kbd", "samp", "xmp", "iframe", "noembed", "noframes"}


def parse(path):
    with open(path, "rb") as f:
        return html5lib.parse(f.read(), treebuilder="dom", namespaceHTMLElements=False)


def attributes(element):
    return sorted((a.name, a.value) for a in element.attributes.values())


def walk(a, b, records, changed, where, prose):
    assert a.nodeType == b.nodeType, f"{where}: node types {a.nodeType} != {b.nodeType}"
    if a.nodeType == Node.TEXT_NODE:
        if a.data == b.data:
            return
        assert prose, f"{where}: text outside prose changed: {a.data!r} -> {b.data!r}"
        expected = a.data
        for r in records:
            expected = expected.replace(r["find"], r["replace"])
        assert expected == b.data, f"{where}: {a.data!r} -> {b.data!r}, the records give {expected!r}"
        changed.append((a.data, b.data))
        return
    if a.nodeType == Node.COMMENT_NODE:
        assert a.data == b.data, f"{where}: comment {a.data!r} -> {b.data!r}"
        return
    if a.nodeType == Node.DOCUMENT_TYPE_NODE:
        assert a.name == b.name, f"{where}: doctype {a.name!r} -> {b.name!r}"
        return
    if a.nodeType == Node.ELEMENT_NODE:
        assert a.tagName == b.tagName, f"{where}: <{a.tagName}> -> <{b.tagName}>"
        assert attributes(a) == attributes(b), f"{where}: attributes of <{a.tagName}> changed"
        where = f"{where}/{a.tagName}"
        prose = prose and a.tagName.lower() not in NOT_PROSE
    kids_a, kids_b = a.childNodes, b.childNodes
    assert len(kids_a) == len(kids_b), f"{where}: {len(kids_a)} children -> {len(kids_b)}"
    for i, (x, y) in enumerate(zip(kids_a, kids_b)):
        walk(x, y, records, changed, f"{where}[{i}]", prose)


def main():
    original, corrected, records = sys.argv[1:4]
    with open(records, encoding="utf-8") as f:
        records = json.load(f)
    changed = []
    walk(parse(original), parse(corrected), records, changed, "", True)
    for old, new in changed:
        print(f"{old!r} => {new!r}")


main()
