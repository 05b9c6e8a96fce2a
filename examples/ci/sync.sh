#!/usr/bin/env bash
# Publish the handbook to any static host: build, then upload what changed.
# usage: HANDBOOK_DIR=docs/handbook DEST=host:/srv/handbook/ bash sync.sh
#        (OUT names the local build folder; public by default)
#    or: HANDBOOK_DIR=docs/handbook S3_URI=s3://bucket/handbook/ bash sync.sh
# The build is written atomically and only replaces its own earlier output;
# the upload mirrors it (files gone from the site are removed at DEST).
set -euo pipefail
: "${HANDBOOK_DIR:=.}"
: "${BASE_URL:=}"
# A lasting folder: the next run updates it from its build cache
# (.handbook-cache/ beside it), rendering only the pages that changed.
: "${OUT:=public}"
out="$OUT"
handbook check "$HANDBOOK_DIR"
handbook build "$HANDBOOK_DIR" -o "$out" ${BASE_URL:+--base-url "$BASE_URL"}
if [ -n "${DEST:-}" ]; then
  # --checksum: a file whose bytes did not change is not sent again.
  rsync -a --checksum --delete "$out/" "$DEST"
elif [ -n "${S3_URI:-}" ]; then
  aws s3 sync --delete --size-only "$out/" "$S3_URI"
else
  echo "built into $out (set DEST for rsync or S3_URI for S3 to upload it)"
fi
