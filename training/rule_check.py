"""Hand check of the auto-labelling rules: sample labelled lines, judge them, report precision.

``python -m boilerline.training rule-sample`` prints a stratified sample of labelled lines
(every rule with >= 50 lines gets at least ``MIN_PER_RULE`` samples, the biggest rules more,
spread over sources) with +-3 lines of context, for a person to judge against
``../shared/LABELS.md``. The judgments go to ``data/rule_check.tsv`` (no page text: ids, line
numbers, a 12-hex sha1 of the line, rule, auto label, judged label) and
``python -m boilerline.training rule-precision`` prints the per-rule precision tables.

Rules are grouped by their base name: the combination prefix (``dom:``, ``ann:``,
``dom+ann:``, ``dom>ann:``, ``ann>dom:``, ``ann-not-content>other:``) is stripped, so
``dom:site-chrome`` and ``dom+ann:site-chrome`` are one rule; a second table reports the
prefixes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Sequence

RULE_CHECK_PATH = Path("data/rule_check.tsv")
DATASET_PATH = Path("data/processed/lines")
COLUMNS = ["doc_id", "rendering", "line_no", "line_sha1", "rule", "auto_label", "judged_label"]
MIN_RULE_LINES = 50  # rules with at least this many lines get MIN_PER_RULE samples
MIN_PER_RULE = 8
SMALL_RULE_SAMPLES = 2  # rules with fewer lines get this many
CONTEXT = 3

__all__ = [
    "line_sha1",
    "base_rule",
    "rule_prefix",
    "sample_for_check",
    "read_rule_check",
    "precision_tables",
    "wilson",
    "rule_line_counts",
    "main_rule_sample",
    "main_rule_precision",
]


def line_sha1(line: str) -> str:
    """First 12 hex digits of the sha1 of the line's UTF-8: identifies a line without its text."""
    return hashlib.sha1(line.encode("utf-8")).hexdigest()[:12]


def base_rule(rule: str) -> str:
    """``dom+ann:h1-matches-title`` -> ``h1-matches-title``; unprefixed rules unchanged."""
    return rule.rsplit(":", 1)[-1]


def rule_prefix(rule: str) -> str:
    return rule.rsplit(":", 1)[0] if ":" in rule else "(none)"


def _allocate(counts: dict[str, int], n: int) -> dict[str, int]:
    """Samples per rule: a floor for every rule, the rest by sqrt(count), never above count."""
    alloc = {}
    for r, c in counts.items():
        alloc[r] = min(c, MIN_PER_RULE if c >= MIN_RULE_LINES else SMALL_RULE_SAMPLES)
    left = n - sum(alloc.values())
    while left > 0:
        room = {r: counts[r] - alloc[r] for r in counts if counts[r] > alloc[r]}
        if not room:
            break
        weights = {r: math.sqrt(counts[r]) for r in room}
        total = sum(weights.values())
        given = 0
        for r in sorted(room, key=lambda r: -weights[r]):
            k = min(room[r], max(0, int(left * weights[r] / total)), left - given)
            alloc[r] += k
            given += k
        if given == 0:  # rounding left a few: one each to the biggest
            for r in sorted(room, key=lambda r: -weights[r])[:left]:
                alloc[r] += 1
                given += 1
        left -= given
    return alloc


def sample_for_check(dataset, n: int = 360, seed: int = 0, only: Sequence[str] | None = None) -> list[dict]:
    """A stratified sample of labelled lines (of the base rules in ``only``, when given).

    Strata are base rules (see module doc); within a rule, samples go round-robin over the
    sources (then over documents) so one source or page does not fill a rule's share. Each
    item: doc_id, rendering, line_no, line, rule, base_rule, auto_label, source, language,
    site, and ``context`` (the lines ``line_no-3 .. line_no+3`` as (line_no, text, label)).
    """
    rng = random.Random(seed)
    cols = dataset.select_columns(["doc_id", "rendering", "source", "rules"]).to_dict()
    # (rule -> source -> doc row -> [line numbers])
    where: dict[str, dict[str, dict[int, list[int]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    counts: Counter = Counter()
    for i, rules in enumerate(cols["rules"]):
        src = cols["source"][i]
        for j, r in enumerate(rules):
            if r is None:
                continue
            b = base_rule(r)
            if only is not None and b not in only:
                continue
            where[b][src][i].append(j)
            counts[b] += 1
    alloc = _allocate(dict(counts), n)
    picks: list[tuple[int, int]] = []
    for rule in sorted(alloc):
        k = alloc[rule]
        by_src = {s: dict(d) for s, d in where[rule].items()}
        sources = sorted(by_src)
        rng.shuffle(sources)
        taken: set[tuple[int, int]] = set()
        used_docs: set[int] = set()
        while len(taken) < k and sources:
            for s in list(sources):
                if len(taken) >= k:
                    break
                docs = [d for d in by_src[s] if d not in used_docs and by_src[s][d]] or \
                       [d for d in by_src[s] if by_src[s][d]]
                if not docs:
                    sources.remove(s)
                    continue
                d = rng.choice(sorted(docs))
                j = by_src[s][d].pop(rng.randrange(len(by_src[s][d])))
                used_docs.add(d)
                taken.add((d, j))
        picks.extend(sorted(taken))
    out = []
    rows = sorted({d for d, _ in picks})
    full = {d: dataset[d] for d in rows}
    for d, j in picks:
        row = full[d]
        lines, labels = row["lines"], row["labels"]
        lo, hi = max(0, j - CONTEXT), min(len(lines), j + CONTEXT + 1)
        out.append({
            "doc_id": row["doc_id"],
            "rendering": row["rendering"],
            "line_no": j,
            "line": lines[j],
            "line_sha1": line_sha1(lines[j]),
            "rule": row["rules"][j],
            "base_rule": base_rule(row["rules"][j]),
            "auto_label": labels[j],
            "source": row["source"],
            "language": row["language"],
            "site": row["site"],
            "context": [(k, lines[k], labels[k]) for k in range(lo, hi)],
        })
    return out


def read_rule_check(path: Path = RULE_CHECK_PATH) -> list[dict]:
    """The judged rows of ``data/rule_check.tsv``."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for r in rows:
        missing = [c for c in COLUMNS if c not in r]
        if missing:
            raise ValueError(f"{path}: missing columns {missing}")
        r["line_no"] = int(r["line_no"])
    return rows


def _join(rows: list[dict], dataset) -> list[str]:
    """Check each judged row against the dataset (same line hash, rule, label); return problems."""
    index = {(d, r): i for i, (d, r) in enumerate(zip(dataset["doc_id"], dataset["rendering"]))}
    problems = []
    needed = sorted({index[(r["doc_id"], r["rendering"])] for r in rows if (r["doc_id"], r["rendering"]) in index})
    data = {i: dataset[i] for i in needed}
    for r in rows:
        i = index.get((r["doc_id"], r["rendering"]))
        where = f"{r['doc_id']} ({r['rendering']}) line {r['line_no']}"
        if i is None:
            problems.append(f"{where}: not in the dataset")
            continue
        row = data[i]
        j = r["line_no"]
        if j >= len(row["lines"]) or line_sha1(row["lines"][j]) != r["line_sha1"]:
            problems.append(f"{where}: line hash differs (dataset rebuilt with another renderer?)")
        elif row["rules"][j] != r["rule"] or row["labels"][j] != r["auto_label"]:
            problems.append(f"{where}: dataset now says {row['rules'][j]} -> {row['labels'][j]}, "
                            f"checked {r['rule']} -> {r['auto_label']}")
    return problems


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f}%" if b else "-"


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion k/n (small samples: 8 lines say little)."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, c - h), min(1.0, c + h)


def _ci(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{100 * lo:.0f}-{100 * hi:.0f}%"


def rule_line_counts(dataset) -> dict[str, int]:
    """Labelled lines per base rule in the whole dataset."""
    counts: Counter = Counter()
    for rules in dataset["rules"]:
        counts.update(base_rule(r) for r in rules if r is not None)
    return dict(counts)


def precision_tables(rows: list[dict], counts: dict[str, int] | None = None) -> str:
    """Markdown: precision per base rule, per combination prefix, overall, and the confusions.

    With ``counts`` (labelled lines per base rule), also the precision expected over all
    labelled lines: each checked rule's precision weighted by its share of lines.
    """
    by_rule: dict[str, list[dict]] = defaultdict(list)
    by_prefix: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_rule[base_rule(r["rule"])].append(r)
        by_prefix[rule_prefix(r["rule"])].append(r)

    def ok(r):
        return r["judged_label"] == r["auto_label"]

    out = ["| rule | auto label(s) | checked | correct | precision | 95% CI |", "|---|---|---:|---:|---:|---:|"]
    for rule in sorted(by_rule, key=lambda k: (-len(by_rule[k]), k)):
        rs = by_rule[rule]
        c = sum(ok(r) for r in rs)
        labels = ", ".join(sorted({r["auto_label"] for r in rs}))
        out.append(f"| `{rule}` | {labels} | {len(rs)} | {c} | {_pct(c, len(rs))} | {_ci(c, len(rs))} |")
    c = sum(ok(r) for r in rows)
    out.append(f"| **all (unweighted sample)** |  | {len(rows)} | {c} | {_pct(c, len(rows))} | {_ci(c, len(rows))} |")
    if counts:
        checked = {r: sum(ok(x) for x in rs) / len(rs) for r, rs in by_rule.items()}
        covered = sum(counts.get(r, 0) for r in checked)
        est = sum(counts.get(r, 0) * p for r, p in checked.items()) / covered if covered else 0.0
        total = sum(counts.values())
        out.append(f"| **all, weighted by lines per rule** |  | {covered} of {total} labelled lines |  | {100 * est:.0f}% |  |")
    out += ["", "| combination | checked | correct | precision |", "|---|---:|---:|---:|"]
    for p in sorted(by_prefix, key=lambda k: (-len(by_prefix[k]), k)):
        rs = by_prefix[p]
        c = sum(ok(r) for r in rs)
        out.append(f"| `{p}` | {len(rs)} | {c} | {_pct(c, len(rs))} |")
    by_label: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_label[r["auto_label"]].append(r)
    out += ["", "| auto label | checked | correct | precision |", "|---|---:|---:|---:|"]
    for lab in sorted(by_label, key=lambda k: (-len(by_label[k]), k)):
        rs = by_label[lab]
        c = sum(ok(r) for r in rs)
        out.append(f"| {lab} | {len(rs)} | {c} | {_pct(c, len(rs))} |")
    conf = Counter((base_rule(r["rule"]), r["auto_label"], r["judged_label"]) for r in rows if not ok(r))
    out += ["", "Wrong labels (rule: auto → judged, count):", ""]
    for (rule, a, j), k in sorted(conf.items(), key=lambda x: (-x[1], x[0])):
        out.append(f"- `{rule}`: {a} → {j} ({k})")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------ CLI


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dataset", type=Path, default=DATASET_PATH, help="the built dataset")
    p.add_argument("--check", type=Path, default=RULE_CHECK_PATH, help="judged TSV (rule-precision)")
    p.add_argument("-n", type=int, default=360, help="sample size (rule-sample)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--rules", nargs="+", default=None, help="sample these base rules only (rule-sample)")


def _load(path: Path):
    from datasets import load_from_disk

    return load_from_disk(str(path))


def main_rule_sample(args: argparse.Namespace) -> int:
    """Print the sample for a person to judge (stdout only: it holds page text)."""
    ds = _load(args.dataset)
    for k, s in enumerate(sample_for_check(ds, n=args.n, seed=args.seed, only=args.rules)):
        print(f"=== #{k} {s['doc_id']}\t{s['rendering']}\t{s['line_no']}\t{s['line_sha1']}\t"
              f"{s['rule']}\t{s['auto_label']}\t[{s['source']} {s['language']} {s['site']}]")
        for j, text, lab in s["context"]:
            mark = ">>" if j == s["line_no"] else "  "
            print(f"{mark}{j:4d} [{lab or '-'}] {text[:300]}")
    return 0


def main_rule_precision(args: argparse.Namespace) -> int:
    """Print the per-rule precision tables of the judged sample."""
    if not args.check.is_file():
        print(f"no {args.check}", file=sys.stderr)
        return 2
    rows = read_rule_check(args.check)
    counts = None
    if args.dataset.exists():
        ds = _load(args.dataset)
        problems = _join(rows, ds)
        for p in problems:
            print(f"warning: {p}", file=sys.stderr)
        counts = rule_line_counts(ds)
    else:
        print(f"warning: no dataset at {args.dataset}; not checking line hashes", file=sys.stderr)
    sys.stdout.write(precision_tables(rows, counts))
    return 0


# ------------------------------------------------------------------------------ rules vs dev


def rules_vs_dev(corpus_root: Path, dev_path: Path) -> tuple[Counter, Counter]:
    """Auto labels (the training rules) against the hand labels of the dev pages.

    Returns the (gold, auto) pair counts (auto None = masked) and the (rule, gold, auto)
    counts of the wrong ones.  Only the ``blocks`` rendering is compared: the dev pages are
    labelled in it.
    """
    from .corpus import process_page
    from .devset import _manifest_pages, load_dev_set

    docs = load_dev_set(corpus_root, dev_path)
    pages = _manifest_pages(corpus_root, {d["doc_id"] for d in docs})
    pairs: Counter = Counter()
    wrong: Counter = Counter()
    for d in docs:
        rows = [r for r in process_page(corpus_root, pages[d["doc_id"]], merged_fraction=0.0)
                if r["rendering"] == "blocks"]
        if not rows or rows[0]["lines"] != d["lines"]:
            raise ValueError(f"{d['doc_id']}: the training rendering differs from the dev set's")
        for gold, auto, rule in zip(d["labels"], rows[0]["labels"], rows[0]["rules"]):
            pairs[(gold, auto)] += 1
            if auto is not None and auto != gold:
                wrong[(rule, gold, auto)] += 1
    return pairs, wrong


def rules_vs_dev_markdown(pairs: Counter, wrong: Counter, labels) -> str:
    """The confusion of auto vs hand labels, the labelled share and precision, the top errors."""
    cols = list(labels) + [None]
    out = ["| hand \\ auto | " + " | ".join(c or "masked" for c in cols) + " |",
           "|---|" + "---:|" * len(cols)]
    for g in labels:
        out.append(f"| {g} | " + " | ".join(str(pairs[(g, a)]) for a in cols) + " |")
    labelled = sum(v for (g, a), v in pairs.items() if a is not None)
    right = sum(v for (g, a), v in pairs.items() if a is not None and a == g)
    total = sum(pairs.values())
    out.append("")
    out.append(f"{total} hand-labelled lines; the rules label {labelled} ({_pct(labelled, total)}), "
               f"{right} of them as the hand labels do (precision {_pct(right, labelled)}).")
    out.append("")
    out.append("| rule | hand | auto | lines |")
    out.append("|---|---|---|---:|")
    for (rule, g, a), v in wrong.most_common(12):
        out.append(f"| `{rule}` | {g} | {a} | {v} |")
    return "\n".join(out) + "\n"


def add_dev_arguments(p: argparse.ArgumentParser) -> None:
    from .corpus import default_corpus_root
    from .devset import DEV_SET_PATH

    p.add_argument("--corpus", type=Path, default=None, help="corpus root (default: ../shared/corpus)")
    p.add_argument("--dev", type=Path, default=DEV_SET_PATH, help="hand labels of the dev pages")
    p.set_defaults(_default_corpus=default_corpus_root)


def main_rules_vs_dev(args: argparse.Namespace) -> int:
    """Print how the training rules label the hand-labelled dev pages."""
    from boilerline.model.labels import LABELS

    root = args.corpus or args._default_corpus()
    if not (Path(root) / "MANIFEST.csv").is_file():
        print(f"no corpus at {root}", file=sys.stderr)
        return 2
    pairs, wrong = rules_vs_dev(Path(root), args.dev)
    sys.stdout.write(rules_vs_dev_markdown(pairs, wrong, LABELS))
    return 0
