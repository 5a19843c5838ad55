"""Peak memory of ``boilerline label --jsonl`` as the input grows: streaming keeps it flat.

Writes JSONL files of the given sizes (the hand-written fixture pages, repeated), labels each
with the CLI in a child process, and prints the child's peak RSS (from ``VmHWM`` via
``resource.getrusage(RUSAGE_CHILDREN)`` of a fresh wrapper process per run) and lines/s.

    python bench/streaming_memory.py --sizes-mb 50 200 800 [--workers 1]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pages"
# A wrapper that runs the CLI and reports its own children's peak RSS: a fresh process per
# run, so the figure is not inherited from an earlier, larger run.
WRAPPER = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def make_jsonl(path: Path, target_bytes: int) -> int:
    """Write fixture documents until the file has ``target_bytes``; return the line count."""
    docs = []
    for p in sorted(FIXTURES.glob("*.tsv")):
        lines = [row.split("\t", 1)[1] for row in p.read_text(encoding="utf-8").splitlines()]
        docs.append((json.dumps({"text": "\n\n".join(lines)}, ensure_ascii=False) + "\n",
                     2 * len(lines) - 1))
    written = n_lines = 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < target_bytes:
            for record, n in docs:
                fh.write(record)
                written += len(record.encode("utf-8"))
                n_lines += n
    return n_lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes-mb", type=int, nargs="+", default=[50, 200, 800])
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--model", default=None)
    args = ap.parse_args(argv)
    print("| input | lines | seconds | lines/s | peak RSS of the CLI |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for mb in args.sizes_mb:
            src = Path(tmp) / f"in-{mb}.jsonl"
            n_lines = make_jsonl(src, mb << 20)
            cmd = [sys.executable, "-m", "boilerline.model.cli", "label", "--jsonl", str(src),
                   "-o", os.devnull, "--no-progress", "--workers", str(args.workers)]
            if args.model:
                cmd += ["--model", args.model]
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", WRAPPER, *cmd], check=True,
                                 capture_output=True, text=True).stdout
            secs = time.perf_counter() - t0
            peak_mib = int(out.strip().splitlines()[-1]) / 1024
            print(f"| {src.stat().st_size / 2**20:,.0f} MiB | {n_lines:,} | {secs:.1f} | "
                  f"{n_lines / secs:,.0f} | {peak_mib:,.0f} MiB |", flush=True)
            src.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
