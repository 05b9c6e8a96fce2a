#!/usr/bin/env python3
"""Check that two `handbook` binaries build byte-identical sites.

usage: python3 benches/same_output.py OLD_BINARY NEW_BINARY [--pages 10000] [--gen PATH]

Builds the example handbook, every fixture with a handbook.toml, and a synthetic corpus of --pages pages (made with
benches/corpus.py, or --gen) with each binary, into separate output
folders, with the same SOURCE_DATE_EPOCH, and compares the two trees file by file.
Prints the first differences and exits 1 when the trees differ. A refactor that
must not change behaviour runs this at every step.
"""
import argparse, filecmp, os, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EPOCH = "1795132800"  # 2026-11-20, the tests' "today"


def build(binary, source, out):
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, NO_COLOR="1")
    shutil.rmtree(out, ignore_errors=True)
    run = subprocess.run(
        [binary, "build", source, "-o", out, "--quiet"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    # A build with content errors writes nothing; that is a result too, and
    # both binaries must agree on it.
    return run.returncode, run.stderr


def tree(root):
    files = set()
    for dirpath, _, names in os.walk(root):
        for name in names:
            files.add(os.path.relpath(os.path.join(dirpath, name), root))
    return files


def compare(label, old_bin, new_bin, source, scratch):
    old_out = os.path.join(scratch, label + "-old")
    new_out = os.path.join(scratch, label + "-new")
    old = build(old_bin, source, old_out)
    new = build(new_bin, source, new_out)
    problems = []
    if old != new:
        problems.append(f"exit codes or diagnostics differ: {old[0]} vs {new[0]}")
    old_files, new_files = tree(old_out), tree(new_out)
    for rel in sorted(old_files ^ new_files):
        side = "only old" if rel in old_files else "only new"
        problems.append(f"{side}: {rel}")
    for rel in sorted(old_files & new_files):
        if not filecmp.cmp(os.path.join(old_out, rel), os.path.join(new_out, rel), shallow=False):
            problems.append(f"differs: {rel}")
    status = "same" if not problems else f"{len(problems)} differences"
    print(f"{label}: {len(new_files)} files, {status}")
    for p in problems[:20]:
        print("  " + p)
    return not problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--gen", default=os.path.join(ROOT, "benches", "corpus.py"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        ok = compare("example-handbook", args.old, args.new,
                     os.path.join(ROOT, "example-handbook"), scratch)
        # The fixtures with a handbook.toml: imported formats, other tools' docs.
        fixtures = os.path.join(ROOT, "tests", "fixtures")
        for dirpath, dirs, names in sorted(os.walk(fixtures)):
            dirs.sort()
            if "handbook.toml" in names:
                label = os.path.relpath(dirpath, fixtures).replace(os.sep, "-")
                ok &= compare(label, args.old, args.new, dirpath, scratch)
        corpus = os.path.join(scratch, "corpus")
        subprocess.run([sys.executable, args.gen, str(args.pages), corpus],
                       check=True, stdout=subprocess.DEVNULL)
        source = os.path.join(corpus, "handbook")
        if not os.path.isdir(source):
            source = corpus
        ok &= compare(f"corpus-{args.pages}", args.old, args.new, source, scratch)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
