"""How much faster ``boilerline label --jsonl --workers N`` is than one process, on one file.

Writes a JSONL file of ``--size-mb`` MiB (the fixture pages, repeated, as
``bench/streaming_memory.py`` does), then labels it ``--repeat`` times with one process and
with ``--workers N``, alternating (1, N, 1, N, ...) so that a change in the machine's load
hits both alike. Prints every run (wall seconds, CPU seconds of the CLI and its workers, the
1-minute load average just before it) and the best-of ratio, and checks that every run's
output is byte-identical to the first one-process run.

    python bench/workers_scaling.py [--size-mb 100] [--workers 2] [--repeat 3] [--tmp-dir /tmp]

Nothing here asserts timings; on a machine where other jobs use the cores the ratio is
lower than the program's own scaling, which is why the load average is printed.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from streaming_memory import make_jsonl  # noqa: E402

# A fresh wrapper process per run reports the CPU time of its children (the CLI and, once
# reaped, its worker processes): the figure is not inherited from an earlier run.
WRAPPER = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], check=True); "
    "r = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(r.ru_utime + r.ru_stime)"
)


def run_once(src: Path, dst: Path, workers: int, model: str | None) -> tuple[float, float]:
    """Label ``src`` into ``dst`` with ``workers`` processes; return (wall seconds, CPU seconds)."""
    cmd = [sys.executable, "-m", "boilerline.model.cli", "label", "--jsonl", str(src), "-o", str(dst),
           "--no-progress", "--workers", str(workers)]
    if model:
        cmd += ["--model", model]
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", WRAPPER, *cmd], check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - t0, float(out.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=int, default=100, help="input size in MiB (default 100)")
    ap.add_argument("--workers", type=int, default=2, help="worker processes to compare with one (default 2)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each, alternating (default 3)")
    ap.add_argument("--model", default=None, help="model file instead of the shipped one")
    ap.add_argument("--tmp-dir", default=None, help="where to write the input and outputs (default: the system's)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.tmp_dir) as tmp:
        src = Path(tmp) / "in.jsonl"
        n_lines = make_jsonl(src, args.size_mb << 20)
        print(f"input: {src.stat().st_size / 2**20:,.0f} MiB, {n_lines:,} lines; {os.cpu_count()} CPUs\n")
        print("| run | processes | wall s | CPU s | load avg before |")
        print("|---:|---|---:|---:|---:|")
        reference = Path(tmp) / "ref.jsonl"
        best: dict[int, float] = {}
        for i in range(args.repeat):
            for workers in (1, args.workers):
                dst = Path(tmp) / "out.jsonl"
                load = os.getloadavg()[0]
                wall, cpu = run_once(src, dst, workers, args.model)
                if not reference.exists():
                    dst.rename(reference)
                elif not filecmp.cmp(reference, dst, shallow=False):
                    print(f"ERROR: --workers {workers} output differs from one process", file=sys.stderr)
                    return 1
                best[workers] = min(best.get(workers, wall), wall)
                name = "1" if workers == 1 else f"--workers {workers}"
                print(f"| {i + 1} | {name} | {wall:.2f} | {cpu:.2f} | {load:.2f} |", flush=True)
        print(f"\nbest of {args.repeat}: one process {best[1]:.2f} s, --workers {args.workers} "
              f"{best[args.workers]:.2f} s: {best[1] / best[args.workers]:.2f}x; outputs byte-identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
