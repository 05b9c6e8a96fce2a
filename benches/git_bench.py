#!/usr/bin/env python3
"""Benchmark the git history: the synthetic handbook committed over many commits.

usage: python3 benches/git_bench.py [--pages 10000] [--commits 50000] [--runs 3] [--repack] [--hugo]

Generates the synthetic corpus (benches/corpus.py), commits it with `git fast-import`: each page added
in a commit of its own, then edits to random pages, a rename every 500 commits,
eight authors, ten minutes apart. Then times cold builds of `handbook` with
`[git] history` on (without and with the history cache in the git folder) and off
(output on tmpfs when /dev/shm exists) and prints the differences, the history
stage's own time and peak RSS. `--repack` runs
`git repack -adf` first, which gives the pack a clone would have. `--hugo`
also commits the corpus's Hugo version the same way and times Hugo with and
without `--enableGitInfo` (which reads the history with `git log`).
"""
import argparse, os, random, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "handbook")
AUTHORS = ["Alice Moreau", "Bo Lindqvist", "Chen Wei", "Dana Okafor", "Eve Santos", "Farid Haddad", "Grace Kim", "Hiro Tanaka"]


def fast_import(site, commits, rng):
    files = {}
    for dirpath, _, names in os.walk(site):
        for name in names:
            path = os.path.join(dirpath, name)
            files[os.path.relpath(path, site)] = open(path, "rb").read()
    paths = sorted(files)
    out = []
    when = 1_600_000_000

    def commit(n, message, ops):
        author = AUTHORS[n % len(AUTHORS)]
        email = author.lower().replace(" ", ".") + "@example.org"
        msg = message.encode()
        out.append(b"commit refs/heads/main\n")
        out.append(f"author {author} <{email}> {when + n * 600} +0000\n".encode())
        out.append(f"committer {author} <{email}> {when + n * 600} +0000\n".encode())
        out.append(f"data {len(msg)}\n".encode() + msg + b"\n")
        out.extend(ops)
        out.append(b"\n")

    def modify(path, data):
        return [f"M 100644 inline {path}\n".encode(), f"data {len(data)}\n".encode(), data, b"\n"]

    n = 0
    for path in paths:
        commit(n, f"Add {path}", modify(path, files[path]))
        n += 1
    pages = [p for p in paths if p.endswith(".md") and p != "index.md"]
    # A page is renamed every 500 commits and renamed back 250 commits later,
    # so the history has renames to follow and the final tree no broken links.
    away = None
    while n < commits:
        if n % 250 == 0 and (away or n % 500 == 0):
            if away:
                i, old, new = away
                away = None
            else:
                i = rng.randrange(len(pages))
                old = pages[i]
                new = os.path.join(os.path.dirname(old), f"renamed-{os.path.basename(old)}")
                away = (i, new, old)
            pages[i] = new
            files[new] = files.pop(old)
            commit(n, f"Rename {old}", [f"R {old} {new}\n".encode()])
        else:
            path = rng.choice(pages)
            files[path] += f"\nEdit number {n}.\n".encode()
            commit(n, f"Edit {path}", modify(path, files[path]))
        n += 1
    return b"".join(out)


def timed(cmd):
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        err.seek(0)
        text = err.read().decode(errors="replace")
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{text[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, text


def make_repo(site, repo, commits):
    stream = fast_import(site, commits, random.Random(3))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=stream, check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=repo, check=True)


def main():
    if sys.argv[1:2] == ["--make-repo"]:
        make_repo(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--commits", type=int, default=50000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--repack", action="store_true")
    ap.add_argument("--keep", help="keep the repository in this folder")
    ap.add_argument("--hugo", action="store_true", help="also time Hugo's enableGitInfo on the same history")
    ap.add_argument("--gen", default=os.path.join(ROOT, "benches", "corpus.py"))
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    work = args.keep or tempfile.mkdtemp(prefix="handbook-git-bench-")
    out_root = "/dev/shm" if os.path.isdir("/dev/shm") else work
    out = tempfile.mkdtemp(prefix="handbook-git-out-", dir=out_root)
    try:
        corpus = os.path.join(work, "corpus")
        subprocess.run([sys.executable, args.gen, str(args.pages), corpus], check=True, stdout=subprocess.DEVNULL)
        repo = os.path.join(work, "repo")
        shutil.rmtree(repo, ignore_errors=True)
        subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
        t = time.perf_counter()
        # In a process of its own: the stream is large, and a child forked
        # from a big parent would report the parent's memory as its own peak.
        subprocess.run([sys.executable, __file__, "--make-repo", os.path.join(corpus, "handbook"), repo,
                        str(args.commits)], check=True)
        if args.repack:
            subprocess.run(["git", "repack", "-q", "-adf"], cwd=repo, check=True)
        print(f"{args.pages} pages over {args.commits} commits, made in {time.perf_counter() - t:.1f} s")
        config = os.path.join(repo, "handbook.toml")
        base = open(config).read()
        results = {}
        cache = os.path.join(repo, ".git", "handbook-history")
        runs = [
            ("no cache", "", True),
            ("cache", "", False),
            ("history off", "\n[git]\nhistory = false\n", False),
        ]
        for label, extra, cold in runs:
            open(config, "w").write(base + extra)
            times, rss, stages = [], [], []
            for _ in range(args.runs):
                shutil.rmtree(out, ignore_errors=True)
                if cold and os.path.exists(cache):
                    os.remove(cache)
                elapsed, peak, text = timed([BIN, "build", repo, "-o", out, "--verbose", "--format", "json"])
                times.append(elapsed)
                rss.append(peak)
                stages += [line for line in text.splitlines() if "git history" in line]
            results[label] = statistics.median(times)
            print(f"  {label:<12} median {statistics.median(times):6.2f} s  (min {min(times):.2f})  peak RSS {max(rss):5.0f} MB")
            for line in stages:
                print("   " + line.strip())
        open(config, "w").write(base)
        print(f"  history adds {results['no cache'] - results['history off']:.2f} s to a build without its cache "
              f"(the first in a clone), {results['cache'] - results['history off']:.2f} s with it")
        hugo = shutil.which("hugo")
        if args.hugo and hugo:
            # The same commits over the Hugo version of the corpus.
            hrepo = os.path.join(work, "hugo-repo")
            shutil.rmtree(hrepo, ignore_errors=True)
            subprocess.run(["git", "init", "-q", "-b", "main", hrepo], check=True)
            subprocess.run([sys.executable, __file__, "--make-repo", os.path.join(corpus, "hugo"), hrepo,
                            str(args.commits)], check=True)
            if args.repack:
                subprocess.run(["git", "repack", "-q", "-adf"], cwd=hrepo, check=True)
            hugo_times = {}
            for label, extra in [("hugo, git info", ["--enableGitInfo"]), ("hugo", [])]:
                times = []
                for _ in range(args.runs):
                    shutil.rmtree(out, ignore_errors=True)
                    elapsed, _, _ = timed([hugo, "--quiet", "-s", hrepo, "-d", out] + extra)
                    times.append(elapsed)
                hugo_times[label] = statistics.median(times)
                print(f"  {label:<14} median {hugo_times[label]:6.2f} s  (min {min(times):.2f})")
            print(f"  git info adds {hugo_times['hugo, git info'] - hugo_times['hugo']:.2f} s to Hugo; "
                  f"with it, Hugo / handbook (no cache) = {hugo_times['hugo, git info'] / results['no cache']:.1f}x")
        elif args.hugo:
            print("hugo not found (apt-get install hugo): timing handbook only")
    finally:
        shutil.rmtree(out, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
