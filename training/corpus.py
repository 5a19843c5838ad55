"""Build the line-labelled training set from the HTML corpus (``../shared/corpus``).

For every MANIFEST page: render it to lines (``training.render``), collect DOM votes
(``training.dom_rules``) and annotation votes (``training.annotation_rules`` over the
source's annotation from ``training.sources``), and :func:`combine` them into one label and
the name of the rule that gave it per line, or ``None`` ("masked: do not guess"). The result
is a Hugging Face dataset (one row per page and rendering) saved with ``save_to_disk``,
plus ``stats.json`` / ``stats.md`` with counts per label, language, source and rule.

How the votes combine is documented in ``data/README.md`` and in :func:`combine`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Iterable

from boilerline.model.labels import LABELS

from .dom_rules import R_OTHER_WEAK, dom_votes, in_article_content
from .render import Block, render_page

log = logging.getLogger(__name__)

__all__ = [
    "build_corpus",
    "combine",
    "default_corpus_root",
    "stats_markdown",
    "DEFAULT_OUT",
    "MERGED_FRACTION",
    "MIN_BODY_COVERAGE",
    "UNMATCHED_MAX_WORDS",
]

DEFAULT_OUT = Path("data/processed/lines")
#: Share of pages also rendered with ``style="merged"`` (chosen by a hash of the path).
MERGED_FRACTION = 0.25
#: ``unmatched-*`` rules fire only when annotation body matches cover this share of the
#: annotated body's characters (the annotation was found on the page).
MIN_BODY_COVERAGE = 0.6
#: ``unmatched-*`` rules label only short lines (menus, buttons, footer links).
UNMATCHED_MAX_WORDS = 12

# rule-name prefixes: where a line's label came from
DOM = "dom:"  # DOM rule alone
ANN = "ann:"  # annotation rule alone
AGREE = "dom+ann:"  # both agree (the DOM rule's name is kept)
DOM_OVER_ANN = "dom>ann:"  # DOM section evidence beats an annotation body match
ANN_OVER_DOM = "ann>dom:"  # annotation body match inside the article beats generic site chrome
UNMATCHED_BEFORE = "unmatched-before-article"
UNMATCHED_AFTER = "unmatched-after-article"
BETWEEN_BODY = "between-body-lines"
#: A run of at most this many unlabelled lines inside the article's content container, with
#: body lines right before and after it, is body too: subheadings and the paragraphs a
#: snippet annotation did not quote (the dev pages had 237 such body lines masked).  Only
#: headings and lines of BETWEEN_BODY_MIN_WORDS+ words: a sample of shorter lines there was
#: a third buttons, gallery counters and "Don't miss" links.
BETWEEN_BODY_MAX_RUN = 4
BETWEEN_BODY_MIN_WORDS = 8
_SUBHEADING_TAGS = ("h2", "h3", "h4", "h5", "h6")

#: training.annotation_rules' marker for "not main content" (not one of the eight labels)
NOT_CONTENT = "not-content"
_STRONG_DOM_RULES = ("shortcode-only", "caption-shortcode")
_SECTION_LABELS = ("related-link", "comment widget", "tag", "caption", "ad shortcode", "other")


def default_corpus_root() -> Path:
    """``$BOILERLINE_CORPUS`` or ``../shared/corpus`` relative to the working directory."""
    env = os.environ.get("BOILERLINE_CORPUS")
    return Path(env) if env else Path("../shared/corpus")


Vote = "tuple[str, str] | None"


def combine(
    blocks: list[Block],
    dom: list,
    ann: list,
    body_complete: bool = False,
    body_chars: int = 0,
) -> tuple[list[str | None], list[str | None]]:
    """One (label, rule) per line from the DOM and annotation votes; None = masked.

    ``body_complete``/``body_chars``: whether the annotation holds the whole article body
    and how many characters it has; only then may unmatched lines outside the article be
    called ``other``.
    """
    n = len(blocks)
    labels: list[str | None] = [None] * n
    rules: list[str | None] = [None] * n
    for i in range(n):
        d = dom[i] if i < len(dom) else None
        a = ann[i] if i < len(ann) else None
        lab, rule = _combine_one(blocks[i], d, a)
        if lab is not None and lab not in LABELS:  # an unknown marker never becomes a label
            lab, rule = None, None
        labels[i], rules[i] = lab, rule

    if body_complete and body_chars > 0:
        _unmatched(blocks, labels, rules, dom, ann, body_chars)
    _between_body(blocks, labels, rules)
    return labels, rules


def _reads_as_body(block: Block) -> bool:
    # mostly a link: an inline "related" teaser ("Who is Ismail Haniyeh...?"), not a subheading
    # (the hand check of this rule found 4 of 12 sampled lines to be such links)
    if block.link_chars * 2 >= len(block.text):
        return False
    return block.tag in _SUBHEADING_TAGS or len(block.text.split()) >= BETWEEN_BODY_MIN_WORDS


def _between_body(blocks, labels, rules) -> None:
    """Label short unlabelled runs inside the article, between two body lines, body (in place)."""
    n = len(labels)
    i = 0
    while i < n:
        if labels[i] is not None:
            i += 1
            continue
        j = i
        while j < n and labels[j] is None:
            j += 1
        if (0 < i and j < n and labels[i - 1] == "body" and labels[j] == "body"
                and j - i <= BETWEEN_BODY_MAX_RUN
                and all(in_article_content(blocks[k]) and _reads_as_body(blocks[k]) for k in range(i, j))):
            for k in range(i, j):
                labels[k], rules[k] = "body", BETWEEN_BODY
        i = j


def _combine_one(block: Block, d, a) -> tuple[str | None, str | None]:
    if d is None and a is None:
        return None, None
    if d is None:
        if a[0] == NOT_CONTENT:
            # "not main content" says which class the line is NOT; outside the article
            # container it is boilerplate the DOM rules had no name for: other.
            # The hand check found this too loose (11 of 16 right: the page's own heading,
            # "no comments yet", other articles' titles), so such lines stay masked.
            return None, None
        return a[0], ANN + a[1]
    dl, dr = d
    if dr in _STRONG_DOM_RULES:  # markup debris: nothing else matters
        return dl, DOM + dr
    if a is None:
        return dl, DOM + dr
    al, ar = a
    if al == dl:
        return dl, AGREE + dr
    if al == NOT_CONTENT:
        if dl == "headline":
            return None, None
        return dl, AGREE + dr  # the DOM names the boilerplate (or caption) the annotator excluded
    # headlines
    if dl == "headline":
        if al == "body":  # the title repeated in a body annotation
            return dl, DOM_OVER_ANN + dr
        return None, None
    if al == "headline":
        if dr == R_OTHER_WEAK:  # the title repeated in a breadcrumb: LABELS says every repetition
            return al, ANN_OVER_DOM + ar
        return None, None
    # generic site chrome (nav, header/footer, aside, .widget)
    if dr == R_OTHER_WEAK:
        if al == "body" and in_article_content(block):
            return al, ANN_OVER_DOM + ar
        if al == "other":
            return dl, AGREE + dr
        return None, None
    # specific DOM sections (related, comments, tags, captions, ads, share/cookie widgets)
    if al == "body" and dl in _SECTION_LABELS:
        return dl, DOM_OVER_ANN + dr
    if dl == "related-link" and al in ("tag", "caption", "comment widget"):
        # a teaser's category, photo credit or comment count is part of the teaser (LABELS.md)
        return dl, DOM_OVER_ANN + dr
    if al == "other" and dl in _SECTION_LABELS:
        # the annotation only says "not main content"; the DOM says which boilerplate
        return dl, DOM_OVER_ANN + dr
    return None, None


def _unmatched(blocks, labels, rules, dom, ann, body_chars) -> None:
    """Lines no rule labelled, outside the annotated article, on a page whose annotation
    holds the whole article and was found: ``other``. "Outside" means before the headline /
    first body line, or after the last body line AND after the last related-link / comment
    widget line (comment threads and related lists without known markup sit between the
    article and the site footer)."""
    body_idx = [i for i, lab in enumerate(labels) if lab == "body" and rules[i] and "ann" in rules[i]]
    if not body_idx:
        return
    matched = sum(len(blocks[i].text) for i in body_idx)
    if matched < MIN_BODY_COVERAGE * body_chars:
        return
    first, last = body_idx[0], body_idx[-1]
    # After the article, comment threads and related lists often carry no markup we know;
    # only the zone after the last related/comment evidence is taken to be site footer.
    for i in range(len(labels) - 1, last, -1):
        if labels[i] in ("related-link", "comment widget"):
            last = i
            break
    heads = [i for i, lab in enumerate(labels) if lab == "headline" and blocks[i].tag != "title"]
    start = min([first] + [h for h in heads if h < first])
    from .dom_rules import _evidence  # internal: same evidence the DOM rules used

    for i, b in enumerate(blocks):
        if labels[i] is not None or b.tag == "title":
            continue
        if dom[i] is not None or (i < len(ann) and ann[i] is not None):
            continue  # conflicting votes stay masked
        if start <= i <= last:
            continue  # inside the article span: captions, bylines, ads, "read also"...
        if len(b.text.split()) > UNMATCHED_MAX_WORDS:
            continue  # prose after the article is a comment or a teaser more often than chrome
        ev = _evidence(b)
        if ev.in_article or ev.article_part or ev.in_content:
            continue  # still inside the article's container: could be its signature, tags, ...
        labels[i] = "other"
        rules[i] = UNMATCHED_BEFORE if i < start else UNMATCHED_AFTER


# --------------------------------------------------------------------------- per page


def _use_merged(path: str, fraction: float) -> bool:
    h = int(hashlib.sha1(path.encode("utf-8")).hexdigest()[:8], 16)
    return (h % 10_000) < fraction * 10_000


def _load_annotation_tools() -> tuple[Callable, Callable] | None:
    try:
        from .annotation_rules import annotation_votes
        from .sources import load_annotation
    except ImportError as e:  # the other module not there yet: DOM votes only, loudly
        log.warning("annotation rules unavailable (%s): building with DOM votes only", e)
        return None
    return load_annotation, annotation_votes


def process_page(corpus_root: Path, page, merged_fraction: float = MERGED_FRACTION, tools=None) -> list[dict]:
    """Rows (one per rendering) for one MANIFEST page; [] when it renders to nothing."""
    from .sources import read_html

    if tools is None:
        tools = _load_annotation_tools()
    try:
        html = read_html(corpus_root, page)
    except Exception as e:  # noqa: BLE001
        log.warning("cannot read %s: %s", page.path, e)
        return []
    ann_obj = None
    if tools is not None:
        try:
            ann_obj = tools[0](corpus_root, page)
        except Exception as e:  # noqa: BLE001
            log.warning("annotation of %s failed: %s", page.path, e)
    styles = ["blocks"] + (["merged"] if _use_merged(page.path, merged_fraction) else [])
    rows = []
    for style in styles:
        blocks, meta = render_page(html, style=style)
        if not blocks:
            continue
        lines = [b.text for b in blocks]
        dv = dom_votes(blocks, meta)
        av: list = [None] * len(lines)
        body_complete, body_chars = False, 0
        if ann_obj is not None:
            try:
                av = list(tools[1](lines, ann_obj))
            except Exception as e:  # noqa: BLE001
                log.warning("annotation votes of %s failed: %s", page.path, e)
                av = [None] * len(lines)
            body_complete = bool(getattr(ann_obj, "body_complete", False))
            body_chars = sum(len(p) for p in (getattr(ann_obj, "body", None) or []))
        labels, rules = combine(blocks, dv, av, body_complete, body_chars)
        rows.append(
            {
                "doc_id": page.path,
                "site": page.site or "",
                "language": page.language or "unk",
                "source": page.source,
                "rendering": style,
                "lines": lines,
                "labels": labels,
                "rules": rules,
            }
        )
    return rows


def _process_chunk(corpus_root: Path, pages: list, merged_fraction: float) -> list[dict]:
    logging.basicConfig(level=logging.WARNING)
    tools = _load_annotation_tools()
    out = []
    for p in pages:
        try:
            out.extend(process_page(corpus_root, p, merged_fraction, tools))
        except Exception as e:  # noqa: BLE001 - one bad page must not kill the build
            log.warning("page %s failed: %s", p.path, e)
    return out


# --------------------------------------------------------------------------- build


def build_corpus(
    corpus_root: Path,
    out_dir: Path = DEFAULT_OUT,
    limit: int | None = None,
    n_jobs: int = 2,
    merged_fraction: float = MERGED_FRACTION,
):
    """Build and save the line dataset; return the ``datasets.Dataset``.

    Columns: doc_id (the MANIFEST path; ``(doc_id, rendering)`` is unique), site, language,
    source, rendering (``blocks`` or ``merged``), lines, labels (label or None), rules (rule
    name or None). Also writes ``stats.json`` and ``stats.md`` in ``out_dir``.
    """
    import datasets
    from joblib import Parallel, delayed

    from .sources import iter_manifest

    t0 = time.time()
    corpus_root = Path(corpus_root)
    out_dir = Path(out_dir)
    pages = list(iter_manifest(corpus_root))
    if limit is not None:
        pages = _spread(pages, limit)
    chunk = max(1, min(40, len(pages) // (4 * max(1, n_jobs)) or 1))
    chunks = [pages[i : i + chunk] for i in range(0, len(pages), chunk)]
    if n_jobs == 1:
        parts = [_process_chunk(corpus_root, c, merged_fraction) for c in chunks]
    else:
        parts = Parallel(n_jobs=n_jobs)(delayed(_process_chunk)(corpus_root, c, merged_fraction) for c in chunks)
    rows = [r for part in parts for r in part]
    rows.sort(key=lambda r: (r["doc_id"], r["rendering"]))

    features = datasets.Features(
        {
            "doc_id": datasets.Value("string"),
            "site": datasets.Value("string"),
            "language": datasets.Value("string"),
            "source": datasets.Value("string"),
            "rendering": datasets.Value("string"),
            "lines": datasets.Sequence(datasets.Value("string")),
            "labels": datasets.Sequence(datasets.Value("string")),
            "rules": datasets.Sequence(datasets.Value("string")),
        }
    )
    cols = {k: [r[k] for r in rows] for k in features}
    ds = datasets.Dataset.from_dict(cols, features=features)
    out_dir.mkdir(parents=True, exist_ok=True)
    ds.save_to_disk(str(out_dir))
    elapsed = time.time() - t0
    stats = compute_stats(rows, n_pages=len(pages), seconds=elapsed, annotations=_load_annotation_tools() is not None)
    (out_dir / "stats.json").write_text(json.dumps(stats, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    (out_dir / "stats.md").write_text(stats_markdown(stats))
    log.info("built %d rows from %d pages in %.1fs -> %s", len(rows), len(pages), elapsed, out_dir)
    return ds


def _spread(pages: list, limit: int) -> list:
    """``limit`` pages spread over the sources (round-robin), deterministic."""
    by_src: dict[str, list] = defaultdict(list)
    for p in pages:
        by_src[p.source].append(p)
    out: list = []
    srcs = sorted(by_src)
    k = 0
    while len(out) < limit and any(by_src.values()):
        s = srcs[k % len(srcs)]
        if by_src[s]:
            out.append(by_src[s].pop(0))
        k += 1
    return out


def compute_stats(rows: Iterable[dict], n_pages: int | None = None, seconds: float | None = None,
                  annotations: bool | None = None) -> dict:
    """Counts per label, rule, language, source and rendering over dataset rows."""
    per_label: Counter = Counter()
    per_rule: Counter = Counter()
    rule_label: dict[str, Counter] = defaultdict(Counter)
    per_lang: dict[str, Counter] = defaultdict(Counter)
    per_source: dict[str, Counter] = defaultdict(Counter)
    per_rendering: Counter = Counter()
    label_by_source: dict[str, Counter] = defaultdict(Counter)
    docs: set = set()
    n_rows = n_lines = n_labelled = 0
    for r in rows:
        n_rows += 1
        docs.add(r["doc_id"])
        per_rendering[r["rendering"]] += 1
        lang, src = r["language"], r["source"]
        for lab, rule in zip(r["labels"], r["rules"]):
            n_lines += 1
            per_lang[lang]["lines"] += 1
            per_source[src]["lines"] += 1
            if lab is None:
                per_label["(masked)"] += 1
                continue
            n_labelled += 1
            per_label[lab] += 1
            per_rule[rule] += 1
            rule_label[rule][lab] += 1
            per_lang[lang]["labelled"] += 1
            per_source[src]["labelled"] += 1
            label_by_source[src][lab] += 1
        if r["rendering"] == "blocks":
            per_lang[lang]["docs"] += 1
            per_source[src]["docs"] += 1
    return {
        "pages_in_manifest_slice": n_pages,
        "docs": len(docs),
        "rows": n_rows,
        "lines": n_lines,
        "labelled_lines": n_labelled,
        "seconds": round(seconds, 1) if seconds is not None else None,
        "annotation_rules_available": annotations,
        "per_label": dict(per_label.most_common()),
        "per_rule": dict(per_rule.most_common()),
        "per_rule_label": {k: dict(v) for k, v in sorted(rule_label.items())},
        "per_language": {k: dict(v) for k, v in sorted(per_lang.items(), key=lambda kv: -kv[1]["lines"])},
        "per_source": {k: dict(v) for k, v in sorted(per_source.items())},
        "per_source_label": {k: dict(v) for k, v in sorted(label_by_source.items())},
        "per_rendering": dict(per_rendering),
    }


def stats_markdown(stats: dict) -> str:
    """Markdown tables of ``stats.json`` (pasted into data/README.md by ``corpus-stats``)."""
    out = []
    out.append(
        f"{stats['docs']} pages, {stats['rows']} rows (page x rendering), {stats['lines']} lines, "
        f"{stats['labelled_lines']} labelled ({100 * stats['labelled_lines'] / max(1, stats['lines']):.1f}%), "
        f"the rest masked.\n"
    )
    out.append("| label | lines | share of labelled |\n|---|---:|---:|")
    tot = max(1, stats["labelled_lines"])
    for lab in list(LABELS) + ["(masked)"]:
        c = stats["per_label"].get(lab, 0)
        share = f"{100 * c / tot:.1f}%" if lab != "(masked)" else ""
        out.append(f"| {lab} | {c} | {share} |")
    out.append("")
    out.append("| rule | lines | " + " | ".join(LABELS) + " |\n|---|---:|" + "---:|" * len(LABELS))
    for rule, c in sorted(stats["per_rule"].items(), key=lambda kv: (-kv[1], kv[0])):
        row = stats["per_rule_label"].get(rule, {})
        out.append(f"| `{rule}` | {c} | " + " | ".join(str(row.get(lab, "")) for lab in LABELS) + " |")
    out.append("")
    out.append("| source | pages | lines | labelled | " + " | ".join(LABELS) + " |\n|---|---:|---:|---:|" + "---:|" * len(LABELS))
    for src, v in stats["per_source"].items():
        lab_row = stats["per_source_label"].get(src, {})
        out.append(
            f"| {src} | {v.get('docs', 0)} | {v.get('lines', 0)} | {v.get('labelled', 0)} | "
            + " | ".join(str(lab_row.get(lab, 0)) for lab in LABELS)
            + " |"
        )
    out.append("")
    out.append("| language | pages | lines | labelled |\n|---|---:|---:|---:|")
    for lang, v in sorted(stats["per_language"].items(), key=lambda kv: (-kv[1].get("lines", 0), kv[0])):
        out.append(f"| {lang} | {v.get('docs', 0)} | {v.get('lines', 0)} | {v.get('labelled', 0)} |")
    out.append("")
    return "\n".join(out) + "\n"
