"""Throughput of boilerline next to datatrove's C4 line rules and jusText, on the same lines.

    python bench/throughput.py [--corpus ../shared/corpus] [--lines 200000] [--model PATH]

Documents: the hand-written labelled pages of ``tests/fixtures/pages`` plus, when the corpus
is present, its pages rendered to lines with ``boilerline.training.render.render_lines``
(sources interleaved, manifest order within a source) until at least ``--lines`` lines;
without a corpus the fixture pages are repeated.  Every tool sees exactly these lines:

* **boilerline**: ``LineClassifier.predict_documents`` over all documents (one call).
* **C4 line rules**: ``datatrove``'s ``C4QualityFilter.filter`` on one ``Document`` per page
  (lines joined with ``\\n``), configured so that every line goes through the line rules
  (terminal punctuation, >= 3 words, long word, citations, "javascript", policy phrases):
  the document-level rules are off, as they stop at the first ``{`` / "lorem ipsum" without
  looking at the rest of the page, and the 5-sentence rule needs spaCy's sentence splitter,
  which would only make C4 slower.
* **jusText**: ``justext.justext(html, stoplist)`` with every line one ``<p>`` (HTML-escaped),
  the stoplist of the page's language when jusText has one, else English.

HTML / ``Document`` construction is done before the clock starts, for every tool.  Prints a
Markdown table (lines/s and boilerline's speed-up over each tool), then import and load
times measured in fresh interpreters and peak memory.  Nothing here asserts timings.  The
header names boilerline's feature loops: "c" (the compiled extension) or "numpy" (not built,
or ``BOILERLINE_PURE_PYTHON=1``).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import html as html_lib
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE_PAGES = REPO / "tests" / "fixtures" / "pages"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
MIN_LINES = 200_000

#: Corpus / fixture language codes -> jusText stoplist names.
JUSTEXT_LANGUAGES = {
    "ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "en": "English",
    "es": "Spanish", "fi": "Finnish", "fr": "French", "hr": "Croatian", "hu": "Hungarian",
    "it": "Italian", "ko": "Korean", "nl": "Dutch", "no": "Norwegian_Bokmal",
    "no/da": "Norwegian_Bokmal", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian",
    "ru": "Russian", "sk": "Slovak", "sv": "Swedish", "tr": "Turkish", "uk": "Ukrainian",
}


# -- documents ---------------------------------------------------------------------------------
def fixture_documents() -> list[tuple[str, list[str]]]:
    """(language, lines) of each hand-written fixture page."""
    docs = []
    for path in sorted(FIXTURE_PAGES.glob("*.tsv")):
        lines = [row.split("\t", 1)[1] for row in path.read_text(encoding="utf-8").splitlines()]
        docs.append((path.stem[:2], lines))
    return docs


def corpus_documents(root: Path, want_lines: int) -> list[tuple[str, list[str]]]:
    """Corpus pages rendered to lines until ``want_lines``; sources interleaved round-robin."""
    from boilerline.training.render import render_lines

    with open(root / "MANIFEST.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_source: dict[str, list[dict]] = {}
    for r in rows:
        by_source.setdefault(r["source"], []).append(r)
    queues = list(by_source.values())
    order = []
    for i in range(max(len(q) for q in queues)):
        order += [q[i] for q in queues if i < len(q)]
    docs, total = [], 0
    for r in order:
        if total >= want_lines:
            break
        try:
            with gzip.open(root / r["path"], "rb") as fh:
                lines = render_lines(fh.read())
        except OSError:
            continue
        if lines:
            docs.append(((r.get("lang") or "en").strip() or "en", lines))
            total += len(lines)
    return docs


def load_documents(corpus: Path | None, min_lines: int) -> tuple[list[tuple[str, list[str]]], str]:
    docs = fixture_documents()
    have = sum(len(d) for _, d in docs)
    described = f"{len(docs)} fixture pages"
    if corpus is not None and (corpus / "MANIFEST.csv").is_file():
        extra = corpus_documents(corpus, min_lines - have)
        docs += extra
        described += f" + {len(extra)} corpus pages rendered from {corpus}"
    base = list(docs)
    copies = 1
    while sum(len(d) for _, d in docs) < min_lines:
        docs += base
        copies += 1
    if copies > 1:
        described += f", repeated {copies}x"
    return docs, described


# -- tools -------------------------------------------------------------------------------------
def best_of(repeat: int, setup, run) -> float:
    """Smallest wall time of ``run(setup())`` over ``repeat`` runs (setup not timed)."""
    best = float("inf")
    for _ in range(repeat):
        arg = setup()
        t0 = time.perf_counter()
        run(arg)
        best = min(best, time.perf_counter() - t0)
    return best


def time_boilerline(clf, docs, repeat: int) -> float:
    clf.predict_documents([docs[0][1]])  # lookup tables and scipy.sparse are set up on first use
    lines = [d for _, d in docs]
    return best_of(repeat, lambda: lines, clf.predict_documents)


def time_c4(docs, repeat: int) -> float:
    from datatrove.data import Document
    from datatrove.pipeline.filters.c4_filters import C4QualityFilter

    filt = C4QualityFilter(min_num_sentences=-1, filter_lorem_ipsum=False, filter_curly_bracket=False)

    def setup():  # filter() rewrites doc.text, so every run gets fresh documents
        return [Document(text="\n".join(d), id=str(i)) for i, (_, d) in enumerate(docs)]

    def run(documents):
        for doc in documents:
            filt.filter(doc)

    return best_of(repeat, setup, run)


def time_justext(docs, repeat: int) -> float:
    import justext

    available = set(justext.get_stoplists())
    stoplists: dict[str, frozenset] = {}

    def stoplist(lang: str) -> frozenset:
        name = JUSTEXT_LANGUAGES.get(lang, "English")
        name = name if name in available else "English"
        if name not in stoplists:
            stoplists[name] = justext.get_stoplist(name)
        return stoplists[name]

    pages = [
        ("<html><body>" + "".join(f"<p>{html_lib.escape(x)}</p>" for x in d) + "</body></html>", stoplist(lang))
        for lang, d in docs
    ]

    def run(pages):
        for page, stops in pages:
            justext.justext(page, stops)

    return best_of(repeat, lambda: pages, run)


# -- start-up and memory -----------------------------------------------------------------------
_STARTUP = """
import sys, time, resource
t0 = time.perf_counter()
import boilerline.model
t1 = time.perf_counter()
clf = boilerline.model.load_model({model!r})
t2 = time.perf_counter()
clf.predict(["Leave a Reply", "", "The first paragraph of the story, which is long enough."])
t3 = time.perf_counter()
# VmHWM: this process's own peak.  On Linux ru_maxrss survives exec, so after the fork that
# started this interpreter it reports the benchmark process's peak if that was higher.
try:
    with open("/proc/self/status") as fh:
        peak = next(int(x.split()[1]) for x in fh if x.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(t1 - t0, t2 - t1, t3 - t2, peak)
"""


def startup_times(model: str | None, runs: int = 3) -> tuple[float, float, float, float]:
    """Median import time, load time, first-document time and peak RSS (MiB), fresh interpreters."""
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _STARTUP.format(model=model)],
            check=True, capture_output=True, text=True, cwd=str(REPO.parent),
        ).stdout.split()
        results.append((float(out[0]), float(out[1]), float(out[2]), float(out[3]) / 1024))
    results.sort(key=lambda r: r[0] + r[1])
    return results[len(results) // 2]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


# -- main --------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS if DEFAULT_CORPUS.is_dir() else None,
                    help="corpus root with MANIFEST.csv (default: ../shared/corpus if present)")
    ap.add_argument("--lines", type=int, default=MIN_LINES, help=f"lines to label (at least {MIN_LINES})")
    ap.add_argument("--model", type=str, default=None, help="model artifact (default: the shipped model)")
    ap.add_argument("--repeat", type=int, default=1, help="rounds (each tool once per round); each tool's best is reported")
    ap.add_argument("--skip", action="append", default=[], choices=["c4", "justext"],
                    help="leave a comparison tool out")
    args = ap.parse_args(argv)
    if args.lines < MIN_LINES:
        ap.error(f"--lines must be at least {MIN_LINES}")

    t0 = time.perf_counter()
    docs, described = load_documents(args.corpus, args.lines)
    n_lines = sum(len(d) for _, d in docs)
    n_chars = sum(len(x) for _, d in docs for x in d)
    print(f"documents: {len(docs)} ({described}); {n_lines} lines, {n_chars / max(n_lines, 1):.0f} chars/line; "
          f"prepared in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    from boilerline.model import load_model

    t0 = time.perf_counter()
    clf = load_model(args.model)
    load_here = time.perf_counter() - t0
    rss_before = peak_rss_mib()

    # The tools take turns in every round, so that load from other processes on the machine
    # weighs on all of them alike; each tool's best round is reported.
    tools = {"boilerline": lambda: time_boilerline(clf, docs, 1)}
    if "c4" not in args.skip:
        tools["datatrove C4 line rules"] = lambda: time_c4(docs, 1)
    if "justext" not in args.skip:
        tools["jusText (line = <p>)"] = lambda: time_justext(docs, 1)
    times = {name: float("inf") for name in tools}
    rss_after = rss_before
    for round_no in range(args.repeat):
        for name, run in tools.items():
            times[name] = min(times[name], run())
            if name == "boilerline":
                rss_after = peak_rss_mib()
            print(f"round {round_no + 1}: {name}: {times[name]:.2f} s (best so far)", file=sys.stderr)

    imp, load, first_doc, rss_fresh = startup_times(args.model)
    ours = n_lines / times["boilerline"]
    from boilerline.features import BACKEND

    print(f"\n{n_lines:,} lines in {len(docs):,} documents; single process; best of {args.repeat}; "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs; boilerline feature loops: {BACKEND}\n")
    print("| tool | seconds | lines/s | boilerline speed ÷ tool speed |")
    print("|---|---:|---:|---:|")
    for tool, secs in times.items():
        rate = n_lines / secs
        print(f"| {tool} | {secs:.2f} | {rate:,.0f} | {ours / rate:.2f}x |")
    print()
    print(f"- import boilerline.model (fresh interpreter, median of 3): {imp * 1000:.0f} ms")
    print(f"- load_model() (fresh interpreter): {load * 1000:.0f} ms (in this process: {load_here * 1000:.0f} ms); "
          f"import + load: {(imp + load) * 1000:.0f} ms")
    print(f"- first predict() after loading (fresh interpreter; builds lookup tables, imports scipy.sparse): "
          f"{first_doc * 1000:.0f} ms")
    print(f"- peak RSS: import + load + one document {rss_fresh:.0f} MiB; this process {rss_before:.0f} MiB with "
          f"documents and model loaded, {rss_after:.0f} MiB after boilerline labelled them")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
