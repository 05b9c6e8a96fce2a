#!/usr/bin/env python3
"""Benchmark `handbook serve`: from saving a file to the reload message.

usage: python3 benches/serve_bench.py [--pages 10000] [--edits 20] [--gen PATH] [--bin BINARY]

Generates the synthetic corpus (benches/corpus.py), starts `handbook serve` on it (release
build), listens to the live-reload event stream like an open page does, then
edits files and measures the time from the write to the `reload` event, for
body edits of plain pages and for front-matter edits of ADRs (a status change,
which touches the decision log). Prints p50/p95 of that and of the rebuild time
serve reports, the pages it re-rendered, and the memory serve holds.
"""
import argparse, os, random, re, shutil, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "handbook")


def events(port):
    """A socket reading the event stream; yields event names."""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /.handbook/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
    f = s.makefile("rb")
    while True:
        line = f.readline()
        if not line:
            return
        if line.startswith(b"event: "):
            yield line[7:].strip().decode()


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def rss(pid):
    status = open(f"/proc/{pid}/status").read()
    get = lambda key: int(re.search(rf"{key}:\s+(\d+)", status).group(1)) / 1024
    return get("VmRSS"), get("VmHWM")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--gen", default=os.path.join(ROOT, "benches", "corpus.py"))
    ap.add_argument("--bin", help="the handbook binary to measure (default: this checkout's release build)")
    args = ap.parse_args()
    binary = args.bin or BIN
    if not args.bin:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="handbook-serve-bench-")
    server = None
    try:
        subprocess.run([sys.executable, args.gen, str(args.pages), work], check=True, stdout=subprocess.DEVNULL)
        site = os.path.join(work, "handbook")
        log_path = os.path.join(work, "serve.log")
        log = open(log_path, "w")
        started = time.perf_counter()
        server = subprocess.Popen([binary, "serve", site, "--port", "0"], stdout=log, stderr=log)
        port = None
        while port is None:
            time.sleep(0.05)
            m = re.search(r"serving at http://127\.0\.0\.1:(\d+)/", open(log_path).read())
            if m:
                port = int(m.group(1))
            if server.poll() is not None:
                sys.exit(open(log_path).read()[-3000:])
        print(f"{args.pages} pages: serving after {time.perf_counter() - started:.2f} s")
        stream = events(port)
        time.sleep(0.5)
        rng = random.Random(1)
        pages = {"body": [], "adr": []}
        for dirpath, _, files in os.walk(site):
            for f in files:
                if f.endswith(".md") and f != "index.md":
                    path = os.path.join(dirpath, f)
                    pages["adr" if "/decisions/" in path else "body"].append(path)
        for kind in pages:
            pages[kind].sort()
        results = {}
        for kind in ["body", "adr"]:
            waits, rebuilds, counts = [], [], []
            for n in range(args.edits):
                path = rng.choice(pages[kind])
                text = open(path).read()
                if kind == "body":
                    text += f"\nAn added sentence, number {n}.\n"
                else:
                    text = re.sub(r'status = "(\w+)"', lambda m: 'status = "proposed"' if m.group(1) != "proposed" else 'status = "accepted"', text, count=1)
                before = open(log_path).read().count("\n")
                t0 = time.perf_counter()
                with open(path, "w") as f:
                    f.write(text)
                for name in stream:
                    if name == "reload":
                        break
                waits.append((time.perf_counter() - t0) * 1000)
                time.sleep(0.3)
                lines = open(log_path).read().splitlines()[before:]
                for line in lines:
                    m = re.match(r"rebuilt (\d+) pages? in (\d+) ms", line)
                    if m:
                        counts.append(int(m.group(1)))
                        rebuilds.append(int(m.group(2)))
                time.sleep(0.2)
            results[kind] = (waits, rebuilds, counts)
        now, peak = rss(server.pid)
        for kind, label in [("body", "body of one page"), ("adr", "front matter of one ADR")]:
            waits, rebuilds, counts = results[kind]
            print(f"  {label:<24} save->reload p50 {percentile(waits, .5):6.1f} ms  p95 {percentile(waits, .95):6.1f} ms"
                  f" | rebuild p50 {percentile(rebuilds, .5):5.1f} ms  p95 {percentile(rebuilds, .95):5.1f} ms"
                  f" | pages re-rendered {statistics.median(counts) if counts else '-'}")
        print(f"  memory held: {now:.0f} MB RSS (peak {peak:.0f} MB)")
    finally:
        if server:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
