"""``python -m boilerline.training <subcommand>``: build the training data, train, evaluate.

Each subcommand lives in its own module and is imported only when run, so a module that is
missing or broken does not break the others. To add one, append to ``SUBCOMMANDS``:
``(name, help, "module:function", add_arguments)``; the function receives the parsed args.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from pathlib import Path


def _add_build_corpus(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", type=Path, default=None,
                   help="corpus root with MANIFEST.csv (default: $BOILERLINE_CORPUS or ../shared/corpus)")
    p.add_argument("--out", type=Path, default=Path("data/processed/lines"), help="output dataset directory")
    p.add_argument("--limit", type=int, default=None, help="only this many pages, spread over the sources")
    p.add_argument("--jobs", type=int, default=2, help="worker processes")
    p.add_argument("--merged-fraction", type=float, default=None,
                   help="share of pages also rendered in the 'merged' style (default 0.25)")


def _add_corpus_stats(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, default=Path("data/processed/lines"),
                   help="dataset directory holding stats.json")


def _add_passthrough(p: argparse.ArgumentParser) -> None:
    p.add_argument("rest", nargs=argparse.REMAINDER, help="arguments for the subcommand")


def main_build_corpus(args: argparse.Namespace) -> int:
    from .corpus import MERGED_FRACTION, build_corpus, default_corpus_root

    root = args.corpus or default_corpus_root()
    if not (root / "MANIFEST.csv").is_file():
        print(f"no MANIFEST.csv under {root} (set --corpus or BOILERLINE_CORPUS)", file=sys.stderr)
        return 2
    frac = MERGED_FRACTION if args.merged_fraction is None else args.merged_fraction
    ds = build_corpus(root, args.out, limit=args.limit, n_jobs=args.jobs, merged_fraction=frac)
    stats = (args.out / "stats.json").read_text()
    import json

    s = json.loads(stats)
    print(f"{s['rows']} rows, {s['lines']} lines, {s['labelled_lines']} labelled, {s['seconds']}s -> {args.out}")
    print(json.dumps(s["per_label"], ensure_ascii=False))
    del ds
    return 0


def main_corpus_stats(args: argparse.Namespace) -> int:
    import json

    from .corpus import stats_markdown

    path = args.out / "stats.json"
    if not path.is_file():
        print(f"no {path}: run build-corpus first", file=sys.stderr)
        return 2
    sys.stdout.write(stats_markdown(json.loads(path.read_text())))
    return 0


#: (name, help, "module:function" relative to this package, function adding arguments or None)
SUBCOMMANDS = [
    ("build-corpus", "render the HTML corpus to labelled lines (a datasets.Dataset)", "__main__:main_build_corpus",
     _add_build_corpus),
    ("corpus-stats", "print the built corpus's counts as markdown tables", "__main__:main_corpus_stats",
     _add_corpus_stats),
    ("train", "train the line classifier", "train:main_train", None),
    ("evaluate", "evaluate a trained model", "evaluate:main_evaluate", None),
    ("model-card", "write MODEL_CARD.md for a trained artifact from its metadata", "model_card:main_model_card", None),
    ("rule-sample", "print a stratified sample of auto-labelled lines with context, to judge by hand",
     "rule_check:main_rule_sample", None),
    ("rule-precision", "per-rule precision of the hand-judged sample (data/rule_check.tsv)",
     "rule_check:main_rule_precision", None),
    ("rules-vs-dev", "how the training rules label the hand-labelled dev pages (auto vs hand labels)",
     "rule_check:main_rules_vs_dev", "rule_check:add_dev_arguments"),
    ("label", "hand-label a page into the dev set (show / check / add) or print its count tables",
     "handlabel:main_handlabel", "handlabel:add_arguments"),
]


def _resolve(target: str):
    mod, func = target.split(":")
    if mod == "__main__":
        return globals()[func]
    module = importlib.import_module(f"boilerline.training.{mod}")
    return getattr(module, func)


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the ``chosen`` subcommand's module is imported to get its arguments."""
    parser = argparse.ArgumentParser(prog="python -m boilerline.training", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    parser.subcommand_parsers = {}
    for name, help_, target, add_args in SUBCOMMANDS:
        p = sub.add_parser(name, help=help_)
        parser.subcommand_parsers[name] = p
        if isinstance(add_args, str):  # "module:function" in this package, imported when chosen
            if name == chosen:
                _resolve(add_args)(p)
            else:
                _add_passthrough(p)
        elif add_args is not None:
            add_args(p)
        elif name != chosen:
            _add_passthrough(p)
        else:
            # the owning module may expose add_arguments(parser); import it lazily at parse time
            mod = target.split(":")[0]
            try:
                module = importlib.import_module(f"boilerline.training.{mod}")
                if hasattr(module, "add_arguments"):
                    module.add_arguments(p)
                else:
                    _add_passthrough(p)
            except Exception:  # noqa: BLE001 - a missing/broken module must not break the others
                _add_passthrough(p)
        p.set_defaults(_target=target)
    return parser


def _parse(parser: argparse.ArgumentParser, argv: list[str], chosen: str | None) -> argparse.Namespace:
    """Parse ``argv``; a subcommand's options may also come between its positional arguments.

    (``label add --tsv T.tsv DOC FILE``: plain ``parse_args`` binds the optional positionals
    before it reaches the option and then rejects DOC and FILE.)
    """
    sub = parser.subcommand_parsers.get(chosen)
    if sub is not None and argv and argv[0] == chosen and "-h" not in argv and "--help" not in argv:
        try:
            args = sub.parse_intermixed_args(argv[1:])
        except TypeError:  # a feature intermixed parsing does not support: parse in order
            pass
        else:
            args.command = chosen
            return args
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    chosen = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(chosen)
    args = _parse(parser, argv, chosen)
    try:
        func = _resolve(args._target)
    except (ImportError, AttributeError) as e:
        print(f"subcommand {args.command!r} is not available: {e}", file=sys.stderr)
        return 2
    rc = func(args)
    return int(rc or 0)


if __name__ == "__main__":
    sys.exit(main())
