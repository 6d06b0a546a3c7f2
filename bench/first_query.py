#!/usr/bin/env python3
"""Bytes a browser loads to show the first results of a one-word query.

    python3 bench/first_query.py OUT_DIR [WORD ...]

Replays what themes/default/static/search.js does for a query typed on the
search page (search/index.html?q=WORD) of a built site, with nothing cached:
the page itself, the stylesheets and scripts it names, search.css (added by
search.js), meta.js, the shards the word needs (the same prefix lookup and
byte budget as search.js `lookup`), and the doc files of the first PAGE
results (ranked as search.js `matchWord` does for a single word). Prints one
line per word and, last, `median BYTES max BYTES`.
"""

import json
import os
import re
import statistics
import sys
import unicodedata

PAGE = 20  # results shown at a time on the search page (search.js PAGE)
WORDS = ["backup", "vpn", "mfa", "firewall", "printer", "restore", "escal"]


def payload(path):
    """The JSON argument of a `cairnSearch.x(N, {...});` registration file."""
    text = open(path, encoding="utf-8").read()
    return json.loads(text[text.index("{") : text.rindex("}") + 1])


def normalize(s):
    s = unicodedata.normalize("NFKD", s).lower()
    return "".join(c for c in s if not unicodedata.category(c).startswith("M"))


def size(path):
    return os.path.getsize(path) if os.path.isfile(path) else 0


def lookup(word, meta):
    cand, total = [], 0
    for i, (key, nbytes, *exact) in enumerate(meta["shards"]):
        if key.startswith(word) or (exact != [1] and word.startswith(key)):
            cand.append(i)
            total += nbytes
    if total <= meta["budget"]:
        return cand, True
    for i, (key, _nbytes, *exact) in enumerate(meta["shards"]):
        if (key == word) if exact == [1] else word.startswith(key):
            return [i], False
    return [], False


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    words = [normalize(w) for w in sys.argv[2:]] or WORDS
    search = os.path.join(out, "search")
    page = os.path.join(search, "index.html")
    if not os.path.isfile(os.path.join(search, "meta.js")):
        sys.exit(f"{search}/meta.js not found: not a cairn build with a search index")
    html = open(page, encoding="utf-8").read()
    assets = set(re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^":#?]+)"', html))
    fixed = size(page) + sum(size(os.path.normpath(os.path.join(search, a))) for a in assets)
    fixed += size(os.path.join(out, "assets", "search.css"))
    fixed += size(os.path.join(search, "meta.js"))
    meta = payload(os.path.join(search, "meta.js"))

    totals = []
    for word in words:
        shards, prefix = lookup(word, meta)
        files = sorted(shards)
        shard_bytes = sum(size(os.path.join(search, "t", f"{n}.js")) for n in files)
        scores = {}
        for n in files:
            for term, postings in payload(os.path.join(search, "t", f"{n}.js")).items():
                exact = term == word
                if not (exact or (prefix and term.startswith(word))):
                    continue
                d = 0
                for j in range(0, len(postings), 2):
                    d += postings[j]
                    s = 2 * postings[j + 1] if exact else postings[j + 1]
                    scores[d] = max(scores.get(d, s), s)
        hits = sorted(scores.items(), key=lambda h: (-h[1], h[0]))[:PAGE]
        doc_bytes = sum(size(os.path.join(search, "d", f"{d}.js")) for d, _ in hits)
        total = fixed + shard_bytes + doc_bytes
        totals.append(total)
        print(
            f"{word}: {total} bytes ({len(scores)} hits; page+assets+meta {fixed}, "
            f"{len(files)} shard(s) {shard_bytes}, {len(hits)} docs {doc_bytes})"
        )
    print(f"median {int(statistics.median(totals))} max {max(totals)}")


if __name__ == "__main__":
    main()
