#!/usr/bin/env python3
"""Benchmark `handbook build` against Hugo on the synthetic corpus (benches/corpus.py).

usage: python3 benches/bench.py [--sizes 1000,10000] [--runs 5] [--gen PATH] [--baseline BINARY] [--search]

Generates corpora with benches/corpus.py (or --gen, e.g. ../shared/bench/gen_corpus.py as a cross-check), then times a cold
build of each (fresh process, empty output folder) several times for handbook and,
when `hugo` is on PATH, for Hugo on the same corpus in the same run. Prints medians,
the Hugo/handbook ratio, peak RSS (from wait4), handbook's stage timings, and the
mean per-page HTML size at 100 pages vs the largest size. With --baseline, an
earlier handbook binary is timed in the same run too (a refactor's "no regression").
After each size's cold builds it times builds after a one-page edit, from the
build cache and without it, then `handbook check` from the cache and in full.
When git is installed, it then commits the corpus, edits one page and times
`handbook diff HEAD` (the pull-request report).
With --search, it then runs the search benchmark (tests/integration/search_bench.rs):
handbook's index against Pagefind's (npm, pinned) on the same 10,000-page HTML, in
headless Chromium: build time, size, bytes per first query, typos, relevance.
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "handbook")


def timed(cmd, cwd=None):
    """Runs cmd; returns (seconds, peak RSS in MB)."""
    # stderr goes to a file: a pipe nobody reads would block a chatty build.
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            sys.exit(f"command failed: {' '.join(cmd)}\n{err.read().decode(errors='replace')[-4000:]}")
    return elapsed, usage.ru_maxrss / 1024.0


def bench(label, make_cmd, out, runs):
    times, rss = [], []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        t, m = timed(make_cmd())
        times.append(t)
        rss.append(m)
    med = statistics.median(times)
    print(f"  {label:<9} median {med*1000:8.0f} ms  (min {min(times)*1000:.0f}, max {max(times)*1000:.0f})  peak RSS {max(rss):6.0f} MB")
    return med, max(rss)


def git(cwd, *args):
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.invalid",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.invalid")
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "gc.auto=0", *args], cwd=cwd, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def bench_diff(src, runs):
    """`handbook diff HEAD` after one page's body changed: the corpus is
    committed, one page gets a new section, and the diff is timed."""
    git(src, "init", "-q")
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", "corpus")
    git(src, "repack", "-adq")  # packed, as a clone is
    pages = sorted(os.path.join(d, f) for d, _, fs in os.walk(src) if ".git" not in d
                   for f in fs if f.endswith(".md") and f != "index.md")
    page = pages[len(pages) // 2]
    with open(page, "a") as f:
        f.write("\n## A section added in review\n\nOne more paragraph.\n")
    times, rss = [], []
    for _ in range(runs):
        t, m = timed([BIN, "diff", "HEAD", src, "--format", "json"])
        times.append(t)
        rss.append(m)
    print(f"  diff      median {statistics.median(times)*1000:8.0f} ms  (min {min(times)*1000:.0f}, "
          f"max {max(times)*1000:.0f})  peak RSS {max(rss):6.0f} MB  (one page edited, against HEAD)")
    return statistics.median(times)


def bench_rebuild(src, out, runs, hugo_ms=None):
    """Builds after one page's body changed, into the previous output: from the
    build cache (the default: only changed pages rendered, the output updated in
    place) and without it (`--no-cache`: every page rendered, unchanged files
    kept by hard links). Prints both, what was written, and the ratio to Hugo's
    cold build of the same corpus (Hugo renders everything on every build)."""
    timed([BIN, "build", src, "-o", out, "--quiet"])
    pages = sorted(os.path.join(d, f) for d, _, fs in os.walk(src) if ".git" not in d
                   for f in fs if f.endswith(".md") and f != "index.md")
    page = pages[len(pages) // 3]
    edits = iter(range(10 ** 6))

    def edit():
        with open(page, "a") as f:
            f.write(f"\nAnother line {next(edits)}.\n")

    def one(extra):
        times = []
        for _ in range(runs):
            edit()
            times.append(timed([BIN, "build", src, "-o", out, "--quiet", *extra])[0])
        edit()
        proc = subprocess.run([BIN, "build", src, "-o", out, "--verbose", "--format", "json", *extra],
                              capture_output=True, text=True)
        said = [l.strip() for l in proc.stderr.splitlines() if l.strip().startswith(("files:", "pages:"))]
        return statistics.median(times), min(times), max(times), said

    med, lo, hi, said = one([])
    ratio = f", hugo / this = {hugo_ms / med:.1f}x" if hugo_ms else ""
    print(f"  incremental median {med*1000:6.0f} ms  (min {lo*1000:.0f}, max {hi*1000:.0f}; one page edited, "
          f"from the build cache{ratio}) — {'; '.join(said)}")
    med, lo, hi, said = one(["--no-cache"])
    print(f"  rebuild   median {med*1000:8.0f} ms  (min {lo*1000:.0f}, max {hi*1000:.0f}; one page edited, "
          f"--no-cache, into the previous output) — {'; '.join(said)}")
    # `check` after an edit: from the build cache (the last cached build's),
    # and in full.
    timed([BIN, "build", src, "-o", out, "--quiet"])
    for label, extra in (("check", []), ("check", ["--no-cache"])):
        times = []
        for _ in range(runs):
            edit()
            times.append(timed([BIN, "check", src, "-o", out, *extra])[0])
        how = "in full (--no-cache)" if extra else "from the build cache"
        print(f"  {label:<9} median {statistics.median(times)*1000:8.0f} ms  (min {min(times)*1000:.0f}, "
              f"max {max(times)*1000:.0f}; one page edited, {how})")


def mean_page_size(corpus, out):
    """Mean size of the HTML of content pages (section listings excluded)."""
    sizes = []
    for dirpath, _, files in os.walk(corpus):
        for f in files:
            if f.endswith(".md") and f != "index.md":
                rel = os.path.relpath(os.path.join(dirpath, f[:-3]), corpus)
                path = os.path.join(out, rel, "index.html")
                if os.path.exists(path):
                    sizes.append(os.path.getsize(path))
    return statistics.mean(sizes) if sizes else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--gen", default=os.path.join(ROOT, "benches", "corpus.py"))
    ap.add_argument("--baseline", help="an earlier handbook binary to time in the same run")
    ap.add_argument("--search", action="store_true", help="also run the search benchmark against Pagefind")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    hugo = shutil.which("hugo")
    if not hugo:
        print("hugo not found (apt-get install hugo): timing handbook only")
    work = tempfile.mkdtemp(prefix="handbook-bench-")
    try:
        page_sizes = {}
        cold = {}
        for n in sorted(set(sizes + [100])):
            corpus = os.path.join(work, f"c{n}")
            subprocess.run([sys.executable, args.gen, str(n), corpus], check=True, stdout=subprocess.DEVNULL)
            src = os.path.join(corpus, "handbook")
            out = os.path.join(work, f"out{n}")
            if n not in sizes:
                timed([BIN, "build", src, "-o", out, "--quiet"])
                page_sizes[n] = mean_page_size(src, out)
                continue
            print(f"\n{n} pages, {args.runs} cold builds each:")
            ours, our_rss = bench("handbook", lambda: [BIN, "build", src, "-o", out, "--quiet"], out, args.runs)
            cold[n] = (ours, our_rss)
            page_sizes[n] = mean_page_size(src, out)
            if args.baseline:
                bout = os.path.join(work, f"base{n}")
                base, base_rss = bench("baseline", lambda: [args.baseline, "build", src, "-o", bout, "--quiet"], bout, args.runs)
                print(f"  ratio     baseline / handbook = {base / ours:.2f}x time, {base_rss / our_rss:.2f}x peak RSS")
                shutil.rmtree(bout, ignore_errors=True)
            theirs = None
            if hugo:
                hout = os.path.join(work, f"hugo{n}")
                theirs, _ = bench("hugo", lambda: [hugo, "--quiet", "-s", os.path.join(corpus, "hugo"), "-d", hout], hout, args.runs)
                print(f"  ratio     hugo / handbook = {theirs / ours:.1f}x")
            shutil.rmtree(out, ignore_errors=True)
            proc = subprocess.run([BIN, "build", src, "-o", out, "--verbose", "--format", "json"],
                                  capture_output=True, text=True)
            print(f"  diagnostics: {len(proc.stdout.splitlines())} (the synthetic corpus has no AAR sections "
                  "and old review dates)")
            print("  where the time goes (one run):")
            for line in proc.stderr.splitlines()[1:]:
                print("   " + line)
            bench_rebuild(src, out, args.runs, theirs)
            if shutil.which("git"):
                bench_diff(src, args.runs)
        if len(cold) > 1:
            small, large = min(cold), max(cold)
            print(f"\nscale: {large} pages took {cold[large][0] / cold[small][0]:.1f}x the time of {small} "
                  f"({large // small}x the pages), peak RSS {cold[large][1]:.0f} MB vs {cold[small][1]:.0f} MB")
        big = max(sizes)
        if page_sizes.get(100):
            print(f"\nper-page HTML: {page_sizes[100]:.0f} B at 100 pages, {page_sizes[big]:.0f} B at {big} pages "
                  f"({page_sizes[big] / page_sizes[100]:.2f}x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.search:
        print("\nsearch, against Pagefind on the same HTML (Chromium):", flush=True)
        env = dict(os.environ, GEN_CORPUS=os.path.abspath(args.gen))
        subprocess.run(["cargo", "test", "--release", "--quiet", "--test", "integration", "--",
                        "--ignored", "--exact", "search_bench::search_budget_on_the_benchmark_corpus",
                        "--nocapture"], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
