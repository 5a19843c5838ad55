"""Clean a folder of JSONL pages with datatrove: the same pipeline, locally or on Slurm.

    pip install "boilerline[datatrove]"
    python examples/datatrove_pipeline.py pages/ clean/ --tasks 4 --workers 2           # this machine
    python examples/datatrove_pipeline.py pages/ clean/ --slurm --partition cpu --tasks 64

Each input line is a JSON object with a ``text`` field (and an ``id``). The output keeps
the documents whose article has at least ``--min-words`` words, with ``text`` set to the
headline and body lines and the per-line labels in ``metadata.boilerline_labels``; dropped
documents go to ``<output>/dropped/``.
"""

from __future__ import annotations

import argparse

from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from boilerline.model.datatrove_steps import ArticleLengthFilter, BoilerlineFormatter


def build_pipeline(input_dir: str, output_dir: str, min_words: int, model: str | None):
    return [
        JsonlReader(input_dir),
        BoilerlineFormatter(model=model),
        ArticleLengthFilter(min_words=min_words, model=model,
                            exclusion_writer=JsonlWriter(f"{output_dir}/dropped")),
        JsonlWriter(f"{output_dir}/kept"),
    ]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--model", default=None, help="model file (default: the shipped model)")
    p.add_argument("--min-words", type=int, default=50)
    p.add_argument("--tasks", type=int, default=4)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--slurm", action="store_true", help="submit to Slurm instead of running here")
    p.add_argument("--partition", default="cpu")
    p.add_argument("--time", default="02:00:00")
    args = p.parse_args()
    pipeline = build_pipeline(args.input, args.output, args.min_words, args.model)
    if args.slurm:
        from datatrove.executor import SlurmPipelineExecutor

        executor = SlurmPipelineExecutor(pipeline=pipeline, tasks=args.tasks, workers=args.workers,
                                         time=args.time, partition=args.partition, cpus_per_task=1,
                                         mem_per_cpu_gb=2, job_name="boilerline",
                                         logging_dir=f"{args.output}/logs")
    else:
        from datatrove.executor import LocalPipelineExecutor

        executor = LocalPipelineExecutor(pipeline=pipeline, tasks=args.tasks, workers=args.workers,
                                         logging_dir=f"{args.output}/logs")
    executor.run()


if __name__ == "__main__":
    main()
