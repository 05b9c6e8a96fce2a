#!/usr/bin/env python3
"""Rewrite a generated handbook corpus in a script written without spaces.

usage: python3 benches/cjk_corpus.py SRC DST

Every word of the body text and titles of SRC (a `handbook` folder written by the
corpus generator) becomes two or three Han characters, chosen from the word by a
fixed hash, and the spaces between them are dropped, as in Chinese text. Front
matter keys, code blocks and link targets stay as they are. Build SRC and DST
and compare their `search/` folders to see what character pairs cost:

    handbook build SRC -o a && handbook build DST -o b && du -sk a/search b/search
"""
import hashlib, os, re, sys

# A block of common CJK ideographs, so pairs repeat as in real text.
HAN = [chr(c) for c in range(0x4E00, 0x4E00 + 2500)]


def han(word):
    digest = hashlib.sha1(word.lower().encode()).digest()
    n = 2 + digest[0] % 2
    return "".join(HAN[int.from_bytes(digest[1 + 2 * i:3 + 2 * i], "big") % len(HAN)] for i in range(n))


def line(text):
    # Words of letters become Han; runs of them are joined without spaces.
    out = re.sub(r"[A-Za-z]+", lambda m: han(m.group(0)), text)
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", out)


def convert(text):
    out, fence, front = [], False, 0
    for raw in text.split("\n"):
        if raw == "+++":
            front += 1
            out.append(raw)
            continue
        if front == 1:
            m = re.match(r'title = "(.*)"$', raw)
            out.append(f'title = "{line(m.group(1))}"' if m else raw)
            continue
        if raw.startswith("```"):
            fence = not fence
            out.append(raw)
            continue
        if fence:
            out.append(raw)
            continue
        # Keep link targets: convert only the text around `](…)`.
        parts = re.split(r"(\]\([^)]*\))", raw)
        out.append("".join(p if p.startswith("](") else line(p) for p in parts))
    return "\n".join(out)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    for dirpath, _, files in os.walk(src):
        for f in files:
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, src)
            target = os.path.join(dst, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            text = open(path, encoding="utf-8").read()
            if f.endswith(".md"):
                text = convert(text)
            open(target, "w", encoding="utf-8").write(text)


if __name__ == "__main__":
    main()
