#!/usr/bin/env python3
"""Write a synthetic team handbook of N pages in four generators' formats.

usage: python3 benches/corpus.py N OUTDIR [--seed S]

OUTDIR/handbook  ours: handbook.toml, TOML front matter with kinds
OUTDIR/hugo      hugo.toml, content/, minimal layouts
OUTDIR/zola      config.toml, content/ with _index.md sections, minimal templates
OUTDIR/mdbook    book.toml, src/SUMMARY.md

The page bodies are the same in every format; only front matter and wiring
differ, so the generators do the same work. Pages are decision records
(40 %), runbooks (25 %, one folder per service), after-action reviews (20 %)
and guides (15 %, in 20 sections). Each body has 2–5 sections of prose from a
made-up vocabulary (Zipf-like word frequencies, so the search index sees a
realistic long tail) mixed with operations words, some bullet lists, tables
and fenced code in five languages, and 0–4 relative links to other pages.
The same N and seed always give the same bytes.

This is the project's own generator; `../shared/bench/gen_corpus.py`, when
present, writes a corpus of the same shape and can be passed as `--gen` to
the benchmark scripts as a cross-check.
"""
import bisect
import datetime
import os
import random
import sys

ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr", "kl"]
NUCLEI = ["a", "e", "i", "o", "u", "ai", "ou"]
CODAS = ["", "", "n", "r", "s", "l", "k"]
OPS_WORDS = (
    "alert backlog backup canary capacity certificate cluster config consumer dashboard "
    "database deploy disk dns drain escalation failover firewall handoff incident latency "
    "lease migration monitor node oncall outage owner pager partition postmortem primary "
    "queue quota rebalance replica restore retention rollback rollout runbook schema "
    "secret service shard snapshot storage threshold timeout token upgrade worker"
).split()
SERVICES = ["billing", "search", "auth", "payments", "ingest", "reporting", "edge", "storage"]
PEOPLE = ["alice", "bob", "chen", "dana", "eve", "farid", "grace", "hiro"]
MIX = [("adr", 0.40), ("runbook", 0.25), ("aar", 0.20), ("page", 0.15)]
CODE = {
    "bash": "systemctl restart {w}-worker\njournalctl -u {w}-worker --since '-10 min' | tail -n 50",
    "rust": "fn {w}_budget(used: u64, total: u64) -> f64 {{\n    1.0 - used as f64 / total.max(1) as f64\n}}",
    "python": "def {w}_ready(nodes):\n    return sum(1 for n in nodes if n.healthy) >= len(nodes) // 2 + 1",
    "yaml": "name: {w}\nthreshold_ms: 250\nnotify:\n  - oncall",
    "sql": "UPDATE {w} SET state = 'drained' WHERE lease_expires_at < now();",
}


class Words:
    """A made-up vocabulary drawn with Zipf-like weights, plus operations words."""

    def __init__(self, rng, size=6000):
        seen = set()
        while len(seen) < size:
            syllables = rng.randint(2, 3)
            seen.add("".join(rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS) for _ in range(syllables)))
        self.list = sorted(seen)
        rng.shuffle(self.list)
        total, self.cumulative = 0.0, []
        for rank in range(len(self.list)):
            total += 1.0 / (rank + 12)
            self.cumulative.append(total)

    def word(self, rng):
        if rng.random() < 0.18:
            return rng.choice(OPS_WORDS)
        at = bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])
        return self.list[min(at, len(self.list) - 1)]

    def sentence(self, rng, low=6, high=18):
        text = " ".join(self.word(rng) for _ in range(rng.randint(low, high)))
        return text[0].upper() + text[1:] + "."

    def title(self, rng):
        text = " ".join(self.word(rng) for _ in range(rng.randint(2, 5)))
        return text[0].upper() + text[1:]


def body(rng, words, links):
    """Sections of prose with lists, tables, code and links; no title."""
    parts = []
    for _ in range(rng.randint(2, 5)):
        parts.append("## " + words.sentence(rng, 2, 6)[:-1] + "\n")
        for _ in range(rng.randint(1, 2)):
            prose = " ".join(words.sentence(rng) for _ in range(rng.randint(3, 7)))
            if links and rng.random() < 0.6:
                target, text = rng.choice(links)
                prose += f" Read [{text}]({target}) first."
            parts.append(prose + "\n")
        pick = rng.random()
        if pick < 0.25:
            parts.append("".join(f"- {words.sentence(rng, 4, 12)}\n" for _ in range(rng.randint(3, 6))))
        elif pick < 0.4:
            rows = "".join(
                f"| {n} | {rng.choice(PEOPLE)} | {words.sentence(rng, 3, 9)} |\n" for n in range(1, rng.randint(3, 6))
            )
            parts.append("| Step | Who | What |\n|---|---|---|\n" + rows)
        elif pick < 0.55:
            lang = rng.choice(sorted(CODE))
            parts.append(f"```{lang}\n{CODE[lang].format(w=words.word(rng))}\n```\n")
    return "\n".join(parts)


def plan(n, rng, words):
    """Each page's kind, path (no extension), title, date and number in its kind."""
    counts = {kind: 0 for kind, _ in MIX}
    start = datetime.date(2021, 1, 4)
    pages = []
    for i in range(n):
        roll, kind = rng.random(), MIX[-1][0]
        for name, share in MIX:
            if roll < share:
                kind = name
                break
            roll -= share
        counts[kind] += 1
        k = counts[kind]
        title = words.title(rng)
        slug = "-".join(title.lower().split())[:40].rstrip("-")
        day = start + datetime.timedelta(days=(i * 211) % 1825)
        path = {
            "adr": f"decisions/{k:04d}-{slug}",
            "runbook": f"runbooks/{SERVICES[k % len(SERVICES)]}/{slug}-{k}",
            "aar": f"aars/{day.isoformat()}-{slug}-{k}",
            "page": f"guides/part-{k % 20:02d}/{slug}-{k}",
        }[kind]
        pages.append({"kind": kind, "path": path, "title": title, "date": day, "k": k})
    return pages


def fronts(page, owner, tags, prng):
    """The front matter of one page for each format (None: no front matter)."""
    kind, day = page["kind"], page["date"].isoformat()
    extra = []
    if kind == "adr":
        extra = [f'status = "{prng.choice(["accepted", "accepted", "proposed", "deprecated"])}"', f'deciders = ["{owner}"]']
    elif kind == "runbook":
        extra = [f'service = "{SERVICES[page["k"] % len(SERVICES)]}"', f'owner = "{owner}"', f"last_reviewed = {day}"]
    elif kind == "aar":
        extra = [f'severity = "SEV{prng.randint(1, 3)}"', f'owner = "{owner}"']
    tag_list = ", ".join(f'"{t}"' for t in tags)
    head = [f'title = "{page["title"]}"', f"date = {day}"]
    ours = head + [f'kind = "{kind}"', f"tags = [{tag_list}]"] + extra
    hugo = head + [f"tags = [{tag_list}]", f'kind = "{kind}"'] + extra
    zola = head + ["[taxonomies]", f"tags = [{tag_list}]", "[extra]", f'kind = "{kind}"'] + extra
    fence = lambda lines: "+++\n" + "\n".join(lines) + "\n+++\n\n"
    return {"handbook": fence(ours), "hugo": fence(hugo), "zola": fence(zola), "mdbook": None}


def put(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def wiring(outdir, pages):
    """Each format's configuration, templates and section files."""
    put(outdir, "handbook/handbook.toml", 'title = "Synthetic Handbook"\nbase_url = "/"\n')
    put(outdir, "handbook/index.md", '+++\ntitle = "Synthetic Handbook"\n+++\n\nThe synthetic handbook.\n')
    # Hugo gives up on a page whose content takes longer than `timeout` (30 s by
    # default) to make, which a loaded 2-core machine reaches at 100,000 pages.
    put(outdir, "hugo/hugo.toml", 'baseURL = "http://localhost/"\ntitle = "Synthetic Handbook"\ntimeout = "10m"\n'
        '[markup.highlight]\nnoClasses = false\n')
    put(outdir, "hugo/layouts/_default/single.html",
        "<html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>")
    put(outdir, "hugo/layouts/_default/list.html",
        "<html><body><h1>{{ .Title }}</h1>{{ range .Pages }}<a href='{{ .RelPermalink }}'>{{ .Title }}</a>{{ end }}</body></html>")
    put(outdir, "zola/config.toml",
        'base_url = "http://localhost"\nbuild_search_index = true\ntaxonomies = [{name = "tags"}]\n'
        '[markdown.highlighting]\nstyle = "class"\ntheme = "github-light"\n[link_checker]\ninternal_level = "warn"\n')
    templates = {
        "index.html": "<html><body>{{ section.content | safe }}</body></html>",
        "section.html": "<html><body><h1>{{ section.title }}</h1>{% for p in section.pages %}<a href='{{ p.permalink }}'>{{ p.title }}</a>{% endfor %}</body></html>",
        "page.html": "<html><head><title>{{ page.title }}</title></head><body><h1>{{ page.title }}</h1>{{ page.content | safe }}</body></html>",
        "taxonomy_list.html": "<html><body>{% for t in terms %}{{ t.name }}{% endfor %}</body></html>",
        "taxonomy_single.html": "<html><body>{% for p in term.pages %}{{ p.title }}{% endfor %}</body></html>",
    }
    for name, text in templates.items():
        put(outdir, f"zola/templates/{name}", text)
    put(outdir, "zola/content/_index.md", '+++\ntitle = "Synthetic Handbook"\n+++\n')
    folders = set()
    for page in pages:
        folder = os.path.dirname(page["path"])
        while folder:
            folders.add(folder)
            folder = os.path.dirname(folder)
    for folder in sorted(folders):
        put(outdir, f"zola/content/{folder}/_index.md", f'+++\ntitle = "{folder}"\n+++\n')
    put(outdir, "mdbook/book.toml", '[book]\ntitle = "Synthetic Handbook"\n[output.html.search]\nenable = true\n')
    put(outdir, "mdbook/src/intro.md", "# Intro\n\nThe synthetic handbook.\n")
    summary = "# Summary\n\n[Intro](intro.md)\n" + "".join(f"- [{p['title']}]({p['path']}.md)\n" for p in pages)
    put(outdir, "mdbook/src/SUMMARY.md", summary)


def main():
    args = sys.argv[1:]
    seed = 11
    if "--seed" in args:
        at = args.index("--seed")
        seed = int(args[at + 1])
        del args[at:at + 2]
    if len(args) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    n, outdir = int(args[0]), args[1]
    rng = random.Random(seed)
    words = Words(rng)
    pages = plan(n, rng, words)
    roots = {"handbook": "handbook", "hugo": "hugo/content", "zola": "zola/content", "mdbook": "mdbook/src"}
    for i, page in enumerate(pages):
        # A generator of its own per page: one page's text never depends on
        # how much randomness the pages before it drew.
        prng = random.Random(seed * 7_919 + i)
        here = os.path.dirname(page["path"])
        links = []
        for _ in range(prng.randint(0, 4)):
            other = pages[prng.randrange(n)]
            if other is not page:
                links.append((os.path.relpath(other["path"] + ".md", here or "."), other["title"]))
        text = body(prng, words, links)
        owner = PEOPLE[i % len(PEOPLE)]
        tags = sorted({prng.choice(OPS_WORDS) for _ in range(prng.randint(1, 3))})
        for fmt, front in fronts(page, owner, tags, prng).items():
            content = front + text if front else f"# {page['title']}\n\n{text}"
            put(outdir, os.path.join(roots[fmt], page["path"] + ".md"), content)
    wiring(outdir, pages)
    print(f"wrote {n} pages in 4 formats to {outdir}")


if __name__ == "__main__":
    main()
