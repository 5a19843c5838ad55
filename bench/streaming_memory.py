"""Peak memory of ``boilerline label --jsonl`` as the input grows: streaming keeps it flat.

Writes JSONL files of the given sizes (the hand-written fixture pages, repeated), labels each
with the CLI in a child process, and prints the child's peak RSS (from ``VmHWM`` via
``resource.getrusage(RUSAGE_CHILDREN)`` of a fresh wrapper process per run: the largest
single process) and lines/s. On Linux it also samples ``VmRSS`` of the CLI and all its worker
processes every 0.1 s and prints the largest sum seen (forked workers share pages with the
main process, which the sum counts again, so it overstates the memory used).

    python bench/streaming_memory.py --sizes-mb 50 200 800 [--workers 1] [--tmp-dir /tmp]

The input files are written to ``--tmp-dir`` (default: the system's temporary folder) and
deleted after each run.
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

#: Seconds between two samples of the process tree's RSS.
SAMPLE_SECONDS = 0.1

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


def _tree_rss_kib(root: int) -> int | None:
    """Sum of ``VmRSS`` (KiB) of the descendants of ``root`` now; None without /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    try:
        pids = [int(d) for d in os.listdir("/proc") if d.isdigit()]
    except OSError:
        return None
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:  # ended meanwhile
            continue
        children.setdefault(int(fields["PPid"]), []).append(pid)
        rss[pid] = int(fields["VmRSS"].split()[0]) if "VmRSS" in fields else 0
    # The descendants only: ``root`` is the small wrapper process, not the CLI.
    total, todo = 0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def run_sampled(cmd: list[str]) -> tuple[str, int | None]:
    """Run ``cmd``; return its stdout and the largest RSS sum (KiB) of its descendants seen."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak = None
    while proc.poll() is None:
        now = _tree_rss_kib(proc.pid)
        if now is not None:
            peak = max(peak or 0, now)
        time.sleep(SAMPLE_SECONDS)
    out = proc.stdout.read()
    proc.stdout.close()
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return out, peak


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes-mb", type=int, nargs="+", default=[50, 200, 800])
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--model", default=None)
    ap.add_argument("--tmp-dir", default=None, help="where to write the input files (default: the system's)")
    args = ap.parse_args(argv)
    print("| input | lines | seconds | lines/s | peak RSS of the CLI | peak RSS sum, CLI + workers (sampled) |")
    print("|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(dir=args.tmp_dir) as tmp:
        for mb in args.sizes_mb:
            src = Path(tmp) / f"in-{mb}.jsonl"
            n_lines = make_jsonl(src, mb << 20)
            cmd = [sys.executable, "-m", "boilerline.model.cli", "label", "--jsonl", str(src),
                   "-o", os.devnull, "--no-progress", "--workers", str(args.workers)]
            if args.model:
                cmd += ["--model", args.model]
            t0 = time.perf_counter()
            out, tree_kib = run_sampled([sys.executable, "-c", WRAPPER, *cmd])
            secs = time.perf_counter() - t0
            peak_mib = int(out.strip().splitlines()[-1]) / 1024
            tree = "n/a" if tree_kib is None else f"{tree_kib / 1024:,.0f} MiB"
            print(f"| {src.stat().st_size / 2**20:,.0f} MiB | {n_lines:,} | {secs:.1f} | "
                  f"{n_lines / secs:,.0f} | {peak_mib:,.0f} MiB | {tree} |", flush=True)
            src.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
