#!/usr/bin/env python3
"""Lighthouse scores of the default theme, on the example handbook.

Builds the example handbook with the given binary, serves it on loopback,
and runs Lighthouse (from npm, with the machine's Chromium) on the home
page, a runbook and the decision log, as a phone and as a desktop. Prints
Performance, Accessibility, Best Practices and SEO for each.

    npm install --prefix /tmp/lh lighthouse@12.8.2   # once; needs Node 18.16+
    python3 benches/lighthouse.py --bin target/release/handbook --lighthouse /tmp/lh

By default files are served as they are on disk; `--gzip` serves text
compressed, as GitHub Pages, Netlify or an nginx with `gzip on` do.

Not part of CI: Lighthouse is large and its Performance score depends on the
machine. The accessibility rules it shares with axe-core run in every CI run
(tests/integration/theme.rs).
"""

import argparse
import functools
import gzip
import io
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

PAGES = [
    ("home", ""),
    ("runbook", "runbooks/database-failover/"),
    ("decision log", "decisions/"),
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Compressing(Quiet):
    """Sends text gzipped when the browser accepts it, as static hosts do."""

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        kind = self.guess_type(path)
        if not accepts or not os.path.isfile(path) or not kind.startswith(
            ("text/", "application/javascript", "application/json", "image/svg+xml")
        ):
            return super().send_head()
        if os.path.isdir(self.translate_path(self.path)) and not self.path.split("?")[0].endswith("/"):
            return super().send_head()
        with open(path, "rb") as f:
            body = gzip.compress(f.read(), 6)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(root, compress):
    handler = functools.partial(Compressing if compress else Quiet, directory=root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(here, "..", "target", "release", "handbook"))
    parser.add_argument("--lighthouse", required=True, help="the npm prefix lighthouse is installed in")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--gzip", action="store_true", help="serve text gzipped, as static hosts do")
    args = parser.parse_args()
    args.bin = os.path.abspath(args.bin)

    work = tempfile.mkdtemp(prefix="handbook-lighthouse-")
    site = os.path.join(work, "example")
    shutil.copytree(os.path.join(here, "..", "example-handbook"), site)
    out = os.path.join(site, "public")
    subprocess.run([args.bin, "build", "-o", out], cwd=site, check=True, capture_output=True)
    server = serve(out, args.gzip)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    lighthouse = os.path.join(args.lighthouse, "node_modules", ".bin", "lighthouse")
    env = dict(os.environ, CHROME_PATH=args.chromium)

    print(f"{'page':<14} {'form':<8} " + " ".join(f"{c:>15}" for c in CATEGORIES))
    worst = 100
    for name, path in PAGES:
        for form in ["mobile", "desktop"]:
            report = os.path.join(work, "report.json")
            command = [
                lighthouse, base + path, "--quiet", "--output=json", f"--output-path={report}",
                "--chrome-flags=--headless --no-sandbox --disable-gpu",
                f"--only-categories={','.join(CATEGORIES)}",
            ]
            if form == "desktop":
                command.append("--preset=desktop")
            subprocess.run(command, env=env, check=True, capture_output=True)
            with open(report) as f:
                result = json.load(f)
            scores = [round(100 * (result["categories"][c]["score"] or 0)) for c in CATEGORIES]
            worst = min(worst, *scores)
            print(f"{name:<14} {form:<8} " + " ".join(f"{s:>15}" for s in scores))
            for category in CATEGORIES:
                for ref in result["categories"][category]["auditRefs"]:
                    audit = result["audits"][ref["id"]]
                    if ref["weight"] and audit.get("score") is not None and audit["score"] < 0.9:
                        print(f"    {category}: {ref['id']} ({audit.get('displayValue', audit['score'])})")
                        for item in (audit.get("details") or {}).get("items", [])[:3]:
                            node = item.get("node") or {}
                            print(f"      {node.get('selector', '')} {node.get('snippet', '')[:120]}")
    server.shutdown()
    shutil.rmtree(work, ignore_errors=True)
    return 0 if worst == 100 else 1


if __name__ == "__main__":
    sys.exit(main())
