"""Train the line classifier and write it as a package artifact.

``python -m boilerline.training train`` runs :func:`train_model`, whose steps are:

1. :func:`load_documents` reads the labelled line corpus (building it first if missing);
   :func:`apply_training_labels` puts the hand-labelled training pages' labels in place of
   the rules' and weights those pages up;
2. :func:`split_by_site` holds out whole sites, never pages of a site seen in training;
   :func:`augment` adds copies of training pages with synthetic boilerplate blocks (rare
   classes, many languages; see :mod:`boilerline.training.synthetic`);
3. :func:`featurize` computes every document's features;
4. :func:`fit_stage1` trains a one-hidden-layer network on each line's own features;
5. :func:`fit_stage2` trains a second network on out-of-fold first-stage scores of the
   neighbours (context), so that it learns from scores like those it sees at prediction;
6. :func:`score_report` measures the model on the held-out sites;
7. :func:`export_artifact` writes plain arrays + JSON metadata (no pickle) into ``model/``.
"""

from __future__ import annotations

import hashlib
import json
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Sequence

import numpy as np

from boilerline.features import N_BUCKETS, extract_features, weighted_token_matrix
from boilerline.model.classifier import STAGE2_DECAYS, stage2_inputs
from boilerline.model.decoding import transition_matrix
from boilerline.model.labels import LABELS
from boilerline.model.persist import load_artifact, save_artifact
from boilerline.training import model_card

#: One site in this many goes to the held-out evaluation set (by a hash of its name, so the
#: split is stable when pages are added).
HOLDOUT_ONE_IN = 5
#: Hidden units of the first and second stage networks.
STAGE1_HIDDEN = 64
STAGE2_HIDDEN = 32
#: Folds (by site) used to make out-of-fold first-stage scores for the second stage.
STAGE2_FOLDS = 2
#: Epochs and regularisation of the networks.  Large minibatches keep the Adam updates of the
#: hashed-token weights (a dense 32k x 64 matrix) affordable: training stays under 30 minutes.
MAX_EPOCHS = 16
#: With --site-validation: the most epochs, of which the best on the held-back sites is kept.
VALIDATED_MAX_EPOCHS = 24
BATCH_SIZE = 1024
LEARNING_RATE = 2e-3
#: Share of `other` lines the first stage trains on: most are menus, alike and plentiful.
OTHER_KEEP = 0.35
ALPHA = 1e-4
#: Class weights are (n_max / n_class) ** CLASS_WEIGHT_POWER: rare classes count more, not fully.
CLASS_WEIGHT_POWER = 0.5
#: Power of the learned label transitions in the decoding step (``T = A ** weight``; 0 turns
#: decoding off).  The second stage has already seen the neighbours, so the plain
#: transitions (1) count that evidence twice and over-smooth: with the same networks,
#: 0.25-0.35 labelled the auto-labelled held-out sites best (macro-F1 +0.02 over no
#: decoding, 1.0 less), chosen there, not on the hand-labelled dev pages (reports/experiments.md).
TRANSITION_WEIGHT = 0.3
#: Share of training documents that get an augmented copy with synthetic boilerplate blocks.
AUGMENT_FRACTION = 0.5
#: Documents per feature-extraction call.
FEATURE_BATCH_DOCS = 256
DEFAULT_DATASET = Path("data/processed/lines")
#: Hand-labelled training pages: a folder of TSVs, one per labelling round (same columns as the
#: dev set: ids, line hashes, labels).
TRAINING_LABELS = Path("data/train/labels")
#: Weight of a hand-labelled training page's lines (on top of the class weights).  Their labels
#: follow LABELS.md on every line, where the rules label 63% of lines and mask the rest.  With
#: the first 367 pages, one seed per stage, split model (reports/experiments.md, session 6):
#: weight 2 and 4 both raised the dev pages' macro-F1 0.692 -> 0.735 and content F1
#: 0.842 -> 0.882; on the auto-labelled held-out sites 2 kept them (0.686 / 0.868 against
#: 0.689 / 0.868 without) where 4 (0.681 / 0.861) and 10 lost more, so 2, chosen there.
HAND_LABEL_WEIGHT = 2.0
DEFAULT_OUTPUT = Path("model/boilerline-model.npz")
#: Whether a site's pages that only the rules labelled are trained on when the site also has
#: hand-labelled pages.  A site's pages share one template, and where the rules label its
#: menus, teasers or widgets otherwise than LABELS.md does, the two teach opposite labels
#: for the same lines.  Leaving those pages out (about 900 of 4,500; every site keeps a page)
#: scored higher on the dev pages, on the held-out pages labelled by hand and on the
#: auto-labelled held-out sites, two seeds each (reports/experiments.md, session 8).
RULES_PAGES_OF_HAND_SITES = False
SEED = 13
#: Random seeds of the networks whose logits are averaged (an ensemble, exported as one wider
#: network: see :func:`merge_networks`).  Two seeds of one recipe differed by up to 0.02 dev
#: macro-F1 (reports/experiments.md, session 3); their average is steadier and scored
#: 0.005-0.015 higher than either seed, for about 30% more labelling time.  The out-of-fold
#: first-stage networks that feed the second stage's training use the first seed only.
STAGE1_SEEDS = (13, 14)
STAGE2_SEEDS = (13, 14)
#: The second stage's network: "mlp" (one hidden layer over the window and section-state
#: inputs) or "gru" (a bidirectional GRU over the page's lines on the same inputs,
#: :mod:`boilerline.training.sequence`; needs PyTorch to train, not to label).  On the split
#: model of session 10, four runs (two seeds of the data's networks, two of the GRU's), the
#: GRU raised macro-F1 on the held-out sites by 0.015-0.028 (auto labels) and 0.001-0.022
#: (hand labels), content F1 on the hand-labelled held-out pages by 0.023-0.035, and left the
#: dev pages as they were (-0.003 to +0.004): ``scripts/sequence_experiments.py``.
STAGE2_KIND = "gru"
STAGE2_KINDS = ("mlp", "gru")


@dataclass
class Documents:
    """A labelled corpus in memory: one entry per document."""

    lines: list[list[str]]
    labels: list[list[str | None]]
    sites: list[str]
    languages: list[str]
    sources: list[str]
    renderings: list[str]
    doc_ids: list[str]
    #: per document, the weight of its lines in training (1.0 unless given)
    weights: list[float] = field(default=None)
    #: per document, whether its labels are a labeller's (:func:`apply_training_labels`), not the rules'
    hand_labelled: list[bool] = field(default=None)

    def __post_init__(self):
        if self.weights is None:
            self.weights = [1.0] * len(self.lines)
        if self.hand_labelled is None:
            self.hand_labelled = [False] * len(self.lines)

    def subset(self, index: Sequence[int]) -> "Documents":
        pick = lambda xs: [xs[i] for i in index]  # noqa: E731
        return Documents(*(pick(getattr(self, f)) for f in self.__dataclass_fields__))

    @classmethod
    def concatenate(cls, parts: Sequence["Documents"]) -> "Documents":
        """The documents of ``parts``, one after another (none of them changed)."""
        return cls(*([x for part in parts for x in getattr(part, f)] for f in cls.__dataclass_fields__))

    def __len__(self) -> int:
        return len(self.lines)


@dataclass
class Featurized:
    """Features of a set of documents, restricted to the non-blank lines."""

    dense: np.ndarray
    names: tuple[str, ...]
    tokens: object  # scipy CSR matrix
    y: np.ndarray  # label index per line, -1 where masked
    doc_lengths: list[int]
    line_doc: np.ndarray  # document number of each line
    weight: np.ndarray  # training weight of each line (its document's)


def load_documents(dataset_dir: Path, corpus: Path | None = None) -> Documents:
    """Read the labelled line corpus; build it from ``corpus`` when it is missing."""
    from datasets import load_from_disk

    if not dataset_dir.exists():
        if corpus is None:
            raise FileNotFoundError(f"no dataset at {dataset_dir} and no corpus to build it from")
        from boilerline.training.corpus import build_corpus

        print(f"building the line corpus from {corpus} into {dataset_dir} ...", flush=True)
        build_corpus(corpus, dataset_dir)
    ds = load_from_disk(str(dataset_dir))
    cols = ds.column_names
    data = ds.to_dict()  # plain lists: datasets' column objects do not concatenate
    n = len(ds)
    return Documents(
        lines=data["lines"],
        labels=data["labels"],
        sites=data["site"] if "site" in cols else [f"doc{i}" for i in range(n)],
        languages=data["language"] if "language" in cols else ["unk"] * n,
        sources=data["source"] if "source" in cols else ["user"] * n,
        renderings=data["rendering"] if "rendering" in cols else ["given"] * n,
        doc_ids=data["doc_id"] if "doc_id" in cols else [str(i) for i in range(n)],
    )


class TrainingLabelsMismatch(ValueError):
    """A hand-labelled training page no longer renders to the lines that were labelled."""


def apply_training_labels(docs: Documents, path: Path = TRAINING_LABELS,
                          weight: float = HAND_LABEL_WEIGHT) -> tuple[Documents, int]:
    """The documents with the hand-labelled pages' labels in place of the rules', weighted up.

    ``path`` (a TSV, or a folder of them: :func:`~boilerline.training.devset.read_handlabels`)
    holds rows ``doc_id, line_no, line_sha1, label`` (as ``data/dev/handlabels.tsv``) for pages
    of the corpus labelled by hand in the ``blocks`` rendering; those documents get
    every line's label from it, training weight ``weight`` and ``hand_labelled`` set.  Pages the
    dataset does not hold are skipped (a partial build).  Returns the new documents and how many
    pages were applied; ``docs`` is not changed.  Raises :class:`TrainingLabelsMismatch`, naming the page and line,
    when a page's lines differ from the labelled ones (rebuilt with another renderer).
    """
    from boilerline.training.devset import RENDERING, lines_mismatch, read_handlabels

    if not Path(path).exists():
        return docs, 0
    pages = read_handlabels(path)
    labels, weights, hand, applied = list(docs.labels), list(docs.weights), list(docs.hand_labelled), 0
    for i, (doc_id, rendering) in enumerate(zip(docs.doc_ids, docs.renderings)):
        rows = pages.get(doc_id)
        if rows is None or rendering != RENDERING:
            continue
        problem = lines_mismatch(docs.lines[i], rows)
        if problem:
            raise TrainingLabelsMismatch(f"{path}: {doc_id}: {problem}")
        labels[i], weights[i], hand[i] = [lab for _, lab in rows], weight, True
        applied += 1
    out = docs.subset(range(len(docs)))
    out.labels, out.weights, out.hand_labelled = labels, weights, hand
    return out, applied


def drop_rules_pages_of_hand_sites(docs: Documents) -> tuple[Documents, int]:
    """The documents without the rules-labelled pages of sites that have hand-labelled pages.

    Hand-labelled: ``docs.hand_labelled`` (:func:`apply_training_labels`); only a page's
    ``blocks`` rendering takes the hand labels, so its other renderings, labelled by the rules,
    are left out too.  Returns the kept documents and how many were left out; ``docs`` is not
    changed.
    """
    hand = docs.hand_labelled
    if not any(hand):
        return docs, 0
    hand_sites = {site for site, h in zip(docs.sites, hand) if h}
    keep = [i for i, (site, h) in enumerate(zip(docs.sites, hand)) if h or site not in hand_sites]
    return docs.subset(keep), len(docs) - len(keep)


def is_holdout_site(site: str) -> bool:
    """Whether a site belongs to the held-out evaluation set."""
    return zlib.crc32(site.encode("utf-8")) % HOLDOUT_ONE_IN == 0


def split_by_site(docs: Documents, exclude_sites: frozenset[str] = frozenset()) -> tuple[list[int], list[int]]:
    """Indices of training and held-out documents; a site is wholly on one side.

    Sites in ``exclude_sites`` (those of the hand-labelled dev pages) are always held out.
    """
    train, test = [], []
    for i, site in enumerate(docs.sites):
        (test if is_holdout_site(site) or site in exclude_sites else train).append(i)
    return train, test


def dev_sites(docs: Documents, dev_path: Path = Path("data/dev/handlabels.tsv")) -> frozenset[str]:
    """Sites of the hand-labelled dev pages: never trained on."""
    if not dev_path.is_file():
        return frozenset()
    from boilerline.training.devset import dev_doc_ids

    ids = dev_doc_ids(dev_path)
    return frozenset(site for site, doc in zip(docs.sites, docs.doc_ids) if doc in ids)


def augment(docs: Documents, fraction: float = AUGMENT_FRACTION, seed: int = SEED,
            p_caseless: float | None = None) -> Documents:
    """The documents plus augmented copies of a share of them (each on its source's site).

    ``p_caseless``: share of the copies written in an uncased script (default
    :data:`boilerline.training.synthetic.P_CASELESS`).
    """
    from boilerline.training.synthetic import P_CASELESS, augment_dataset

    if fraction <= 0 or not len(docs):
        return docs
    copies = augment_dataset(list(zip(docs.lines, docs.labels, docs.languages)), fraction, seed,
                             P_CASELESS if p_caseless is None else p_caseless)
    src = [c.index for c in copies]
    extra = docs.subset(src)
    extra.lines = [list(c.lines) for c in copies]
    extra.labels = [list(c.labels) for c in copies]
    extra.renderings = [r + "+synthetic" for r in extra.renderings]
    # a copy's inserted blocks carry the generator's labels, not a labeller's
    extra.weights = [1.0] * len(copies)
    extra.hand_labelled = [False] * len(copies)
    return Documents.concatenate([docs, extra])


def label_order(docs: Documents) -> tuple[str, ...]:
    """The product's eight labels first, then any other label the data uses (own labels)."""
    seen = {lab for labs in docs.labels for lab in labs if lab is not None}
    extra = sorted(seen - set(LABELS))
    if not extra:
        return LABELS
    ordered = tuple(lab for lab in LABELS if lab in seen) + tuple(extra)
    return ordered


def featurize(docs: Documents, labels: Sequence[str]) -> Featurized:
    """Features of every non-blank line, batched over documents."""
    from scipy.sparse import vstack

    index = {lab: k for k, lab in enumerate(labels)}
    dense_parts, token_parts, ys, lengths = [], [], [], []
    names: tuple[str, ...] = ()
    for start in range(0, len(docs), FEATURE_BATCH_DOCS):
        batch_lines, batch_lengths = [], []
        for lines, labs in zip(docs.lines[start:start + FEATURE_BATCH_DOCS], docs.labels[start:start + FEATURE_BATCH_DOCS]):
            kept = [(line.strip(), lab) for line, lab in zip(lines, labs) if line.strip()]
            batch_lines += [line for line, _ in kept]
            ys += [index.get(lab, -1) if lab is not None else -1 for _, lab in kept]
            batch_lengths.append(len(kept))
        fb = extract_features(batch_lines, batch_lengths)
        names = fb.names
        dense_parts.append(fb.dense)
        tokens = weighted_token_matrix(fb.indptr, fb.indices)  # the hashes extract_features made
        tokens.sum_duplicates()
        token_parts.append(tokens)
        lengths += batch_lengths
    line_doc = np.repeat(np.arange(len(lengths)), lengths)
    return Featurized(
        dense=np.vstack(dense_parts) if dense_parts else np.zeros((0, len(names)), np.float32),
        names=names,
        tokens=vstack(token_parts).tocsr(),
        y=np.asarray(ys, dtype=np.int64),
        doc_lengths=lengths,
        line_doc=line_doc,
        weight=np.asarray(docs.weights, dtype=np.float64)[line_doc],
    )


def class_weights(y: np.ndarray, n_labels: int) -> np.ndarray:
    """Per-sample weights that lift rare classes (partially, see CLASS_WEIGHT_POWER)."""
    counts = np.bincount(y, minlength=n_labels).astype(np.float64)
    w = (counts.max() / np.maximum(counts, 1.0)) ** CLASS_WEIGHT_POWER
    return w[y]


def stage2_line_weights(y: np.ndarray, n_labels: int, line_weight: np.ndarray) -> np.ndarray:
    """Per line, its class weight times its page's weight; 0 for masked lines (``y`` < 0)."""
    out = np.zeros(len(y))
    rows = y >= 0
    out[rows] = class_weights(y[rows], n_labels) * line_weight[rows]
    return out


#: Below this many labelled lines there is too little data to hold some out for early stopping.
EARLY_STOPPING_MIN_ROWS = 5_000
#: Early stopping holds back one training site in this many and keeps the epoch whose network
#: labels those sites best (macro-F1): the model is judged on sites it never saw, so the epoch
#: is chosen on such sites too, not on random lines of the sites it trains on.
VALIDATION_ONE_IN = 10
#: Epochs without a better validation macro-F1 before training stops.
PATIENCE = 3
#: With --site-validation the first stage always trains this many epochs (the choice of epoch
#: starts after them). The held-back auto-labelled sites peak after 1-3 epochs, but the
#: hand-labelled dev pages and the seed page were labelled better after 16 at learning rate
#: 2e-3 (dev macro-F1 0.68 vs 0.67, seed 0.86 vs 0.71, same data): the word cues
#: ("commentaire", "Publicidade") sharpen late, and what the auto labels reward early is
#: partly their own noise.
STAGE1_MIN_EPOCHS = 16
#: Per-label offsets added to the last layer's logits are tuned on the held-back sites to
#: maximise macro-F1 (class weights make rare labels over-predicted: on held-out sites tag,
#: caption and related-link were predicted two to three times as often as they occur).
OFFSET_GRID = np.round(np.arange(-3.0, 3.01, 0.25), 2)
OFFSET_ROUNDS = 3
#: Epochs on data too small for early stopping (tests, tiny user datasets).
SMALL_DATA_EPOCHS = 60


def _mlp(hidden: int, n_rows: int, seed: int = SEED):
    from sklearn.neural_network import MLPClassifier

    early = n_rows >= EARLY_STOPPING_MIN_ROWS
    return MLPClassifier(
        hidden_layer_sizes=(hidden,),
        activation="relu",
        alpha=ALPHA,
        batch_size=min(BATCH_SIZE, n_rows),
        learning_rate_init=LEARNING_RATE,
        max_iter=MAX_EPOCHS if early else SMALL_DATA_EPOCHS,
        early_stopping=early,
        validation_fraction=0.1,
        n_iter_no_change=2,
        random_state=seed,
    )


def validation_sites(sites: Sequence[str]) -> np.ndarray:
    """Per document, whether its site is held back for early stopping (a stable hash)."""
    return np.asarray([zlib.crc32(("val" + s).encode()) % VALIDATION_ONE_IN == 0 for s in sites], dtype=bool)


def _macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y_true, y_pred, labels=np.unique(y_true), average="macro", zero_division=0))


def fit_validated(hidden: int, X, y: np.ndarray, w: np.ndarray, val: np.ndarray, n_labels: int,
                  min_epochs: int = 1, seed: int = SEED):
    """Fit a network epoch by epoch; keep the epoch with the best macro-F1 on the ``val`` rows.

    The first ``min_epochs`` epochs are always trained and only the last of them competes.

    ``val`` marks the rows of the held-back sites; the network trains on the others.  Without
    held-back rows (or with small data) it is a plain fit: scikit-learn's early stopping on
    random lines, MAX_EPOCHS epochs (SMALL_DATA_EPOCHS without early stopping on small data).
    """
    import copy

    fit_rows, val_rows = np.flatnonzero(~val), np.flatnonzero(val)
    if len(fit_rows) < EARLY_STOPPING_MIN_ROWS or len(np.unique(y[val_rows])) < 2:
        mlp = _mlp(hidden, len(y), seed)
        mlp.fit(X, y, sample_weight=w)
        return mlp
    mlp = _mlp(hidden, len(fit_rows), seed)
    mlp.set_params(early_stopping=False)
    Xf, yf, wf, Xv, yv = X[fit_rows], y[fit_rows], w[fit_rows], X[val_rows], y[val_rows]
    classes = np.unique(y)
    best, best_state, since, scores = -1.0, None, 0, []
    for epoch in range(max(VALIDATED_MAX_EPOCHS, min_epochs)):
        mlp.partial_fit(Xf, yf, sample_weight=wf, classes=classes)
        score = _macro_f1(yv, mlp.predict(Xv))
        scores.append(round(score, 4))
        if epoch + 1 < min_epochs:
            continue
        if score > best:
            best, best_state, since = score, (copy.deepcopy(mlp.coefs_), copy.deepcopy(mlp.intercepts_), epoch + 1), 0
        else:
            since += 1
            if since >= PATIENCE:
                break
    mlp.coefs_, mlp.intercepts_, mlp.best_epoch_ = best_state
    mlp.validation_macro_f1_ = scores
    mlp.n_iter_ = len(scores)
    return mlp


def _stage1_input(dense_std: np.ndarray, tokens):
    from scipy.sparse import csr_matrix, hstack

    return hstack([csr_matrix(dense_std), tokens], format="csr")


def stage1_rows(F: Featurized, labels: Sequence[str], candidates: np.ndarray | None = None,
                seed: int = SEED) -> np.ndarray:
    """Labelled lines the first stage trains on: all but a random part of the `other` lines
    (which part: ``seed``)."""
    rows = np.flatnonzero(F.y >= 0) if candidates is None else candidates
    if "other" not in labels or len(rows) < EARLY_STOPPING_MIN_ROWS:
        return rows
    other = labels.index("other")
    keep = np.random.default_rng(seed).random(len(F.y)) < OTHER_KEEP
    return rows[(F.y[rows] != other) | keep[rows]]


def fit_stage1(F: Featurized, mean: np.ndarray, scale: np.ndarray, n_labels: int, rows: np.ndarray,
               line_val: np.ndarray | None = None, seeds: Sequence[int] = (SEED,)):
    """Fit the first-stage network on the labelled lines in ``rows``: one per seed, merged.

    ``line_val``: per line, whether its site is held back for early stopping (none if None).
    """
    X = _stage1_input((F.dense[rows] - mean) / scale, F.tokens[rows])
    y = F.y[rows]
    val = line_val[rows] if line_val is not None else np.zeros(len(rows), dtype=bool)
    w = class_weights(y, n_labels) * F.weight[rows]
    return merge_networks([fit_validated(STAGE1_HIDDEN, X, y, w, val, n_labels, STAGE1_MIN_EPOCHS, seed)
                           for seed in seeds])


def merge_networks(mlps: Sequence):
    """One-hidden-layer networks with the same inputs and classes as one network of their average logits.

    Side by side, the hidden units of all the networks form one wider hidden layer; the output
    layer averages what each network's own output weights make of its units.  So an ensemble
    is labelled by the same code as a single network (and exported as one), at the cost of its
    width.  One network is returned as it is.
    """
    import copy

    if len(mlps) == 1:
        return mlps[0]
    first = mlps[0]
    if any(len(m.coefs_) != 2 or not np.array_equal(m.classes_, first.classes_) for m in mlps):
        raise ValueError("merge_networks: the networks need one hidden layer and the same classes")
    merged = copy.deepcopy(first)
    merged.coefs_ = [np.hstack([m.coefs_[0] for m in mlps]), np.vstack([m.coefs_[1] for m in mlps]) / len(mlps)]
    merged.intercepts_ = [np.concatenate([m.intercepts_[0] for m in mlps]),
                          np.mean([m.intercepts_[1] for m in mlps], axis=0)]
    merged.hidden_layer_sizes = (merged.coefs_[0].shape[1],)
    merged.n_iter_ = max(m.n_iter_ for m in mlps)
    merged.member_epochs_ = [m.n_iter_ for m in mlps]
    return merged


def _full_proba(mlp, n_labels: int, X) -> np.ndarray:
    """Probabilities with one column per label, also for labels absent from the fit."""
    P = np.zeros((X.shape[0], n_labels), dtype=np.float32)
    P[:, mlp.classes_] = mlp.predict_proba(X)
    return P


def stage1_proba(mlp, F: Featurized, mean, scale, n_labels: int) -> np.ndarray:
    return _full_proba(mlp, n_labels, _stage1_input((F.dense - mean) / scale, F.tokens))


def _n_own(names: Sequence[str]) -> int:
    """The per-line columns come first in the dense block, before neighbour/window ones."""
    return next(i for i, n in enumerate(names) if n.startswith("nb"))


def out_of_fold_stage1(F: Featurized, docs: Documents, mean, scale, labels: Sequence[str],
                       line_val: np.ndarray | None = None, seed: int = SEED) -> np.ndarray:
    """First-stage scores of every line from a network that never saw its site (folds by site).

    The second stage trains on these, so that it learns how far to trust scores of unseen
    pages, as it meets them when labelling.  ``seed``: which `other` lines each fold's network
    leaves out (:func:`stage1_rows`).
    """
    n_labels = len(labels)
    fold_of_site = {s: zlib.crc32(("fold" + s).encode()) % STAGE2_FOLDS for s in set(docs.sites)}
    line_fold = np.asarray([fold_of_site[docs.sites[d]] for d in F.line_doc], dtype=np.int64)
    P_oof = np.zeros((len(F.y), n_labels), dtype=np.float32)
    for k in range(STAGE2_FOLDS):
        fit_rows = stage1_rows(F, labels, np.flatnonzero((line_fold != k) & (F.y >= 0)), seed)
        mlp = fit_stage1(F, mean, scale, n_labels, fit_rows, line_val)
        out = np.flatnonzero(line_fold == k)
        X = _stage1_input((F.dense[out] - mean) / scale, F.tokens[out])
        P_oof[out] = _full_proba(mlp, n_labels, X)
    return P_oof


def stage2_matrix(P: np.ndarray, F: Featurized, mean, scale, labels: Sequence[str],
                  decays: Sequence[float] = STAGE2_DECAYS) -> np.ndarray:
    """The second stage's unstandardised input for first-stage scores ``P`` of ``F``'s lines."""
    own = ((F.dense - mean) / scale)[:, : _n_own(F.names)]
    return stage2_inputs(P, own, labels, F.doc_lengths, decays=decays)


def fit_stage2(F: Featurized, docs: Documents, mean, scale, labels: Sequence[str],
               line_val: np.ndarray | None = None, decays: Sequence[float] = STAGE2_DECAYS,
               seeds: Sequence[int] = STAGE2_SEEDS):
    """Fit the context network on out-of-fold first-stage scores (folds by site).

    ``line_val``: per line, whether its site is held back for early stopping (none if None);
    ``decays``: those of the section-state summaries; ``seeds``: of the merged networks (the
    first also picks the `other` lines the out-of-fold first stages leave out).
    """
    Z = stage2_matrix(out_of_fold_stage1(F, docs, mean, scale, labels, line_val, seeds[0]), F, mean, scale, labels,
                      decays)
    return fit_stage2_network(Z, F.y, len(labels), line_val, seeds, F.weight)


@dataclass
class GruStage:
    """A fitted recurrent second stage: its arrays (:mod:`boilerline.model.recurrent`), the
    standardisation of its inputs, and the epoch each seed's network kept."""

    arrays: dict
    z_mean: np.ndarray
    z_scale: np.ndarray
    epochs: list


def fit_stage2_gru(F: Featurized, docs: Documents, mean, scale, labels: Sequence[str],
                   decays: Sequence[float] = STAGE2_DECAYS, seeds: Sequence[int] = STAGE2_SEEDS) -> GruStage:
    """Fit the recurrent second stage on the same out-of-fold inputs as :func:`fit_stage2`.

    Its epochs are chosen on held-back training sites (:func:`validation_sites`), always: a
    GRU overfits the training pages' sequences within a few epochs.
    """
    from boilerline.training.sequence import fit_gru_stage

    Z = stage2_matrix(out_of_fold_stage1(F, docs, mean, scale, labels, seed=seeds[0]), F, mean, scale, labels, decays)
    z_mean, z_scale = Z.mean(axis=0), Z.std(axis=0) + 1e-6
    Zs = ((Z - z_mean) / z_scale).astype(np.float32)
    weight = stage2_line_weights(F.y, len(labels), F.weight)
    val = validation_sites(docs.sites)[F.line_doc]
    arrays, epochs = fit_gru_stage(Zs, F.y, weight, F.doc_lengths, val, len(labels), seeds, _macro_f1, PATIENCE)
    return GruStage(arrays, z_mean, z_scale, epochs)


def fit_stage2_network(Z: np.ndarray, y: np.ndarray, n_labels: int, line_val: np.ndarray | None = None,
                       seeds: Sequence[int] = STAGE2_SEEDS, line_weight: np.ndarray | None = None):
    """Fit the context network on second-stage inputs ``Z`` (one per seed, merged).

    ``y``: per line, the label index (-1 masked: not trained on); ``line_val``: per line,
    whether its site is held back for early stopping (none if None); ``line_weight``: per
    line, its training weight (1 if None).  Returns the network and the mean and scale that
    standardise ``Z``.
    """
    if line_val is None:
        line_val = np.zeros(len(y), dtype=bool)
    z_mean, z_scale = Z.mean(axis=0), Z.std(axis=0) + 1e-6
    rows = np.flatnonzero(y >= 0)
    Zs, y2 = (Z[rows] - z_mean) / z_scale, y[rows]
    w2 = stage2_line_weights(y, n_labels, np.ones(len(y)) if line_weight is None else line_weight)[rows]
    mlp2 = merge_networks([fit_validated(STAGE2_HIDDEN, Zs, y2, w2, line_val[rows], n_labels, seed=seed)
                           for seed in seeds])
    return mlp2, z_mean, z_scale


def _layer_arrays(mlp, prefix: str, n_labels: int) -> dict[str, np.ndarray]:
    """The network's weights with output columns in label order (absent labels never win)."""
    W0, W1 = mlp.coefs_
    b0, b1 = mlp.intercepts_
    W1_full = np.zeros((W1.shape[0], n_labels), dtype=np.float32)
    b1_full = np.full(n_labels, -1e4, dtype=np.float32)
    if len(mlp.classes_) == 2 and W1.shape[1] == 1:
        raise ValueError("training data must have at least three labels")
    W1_full[:, mlp.classes_] = W1
    b1_full[mlp.classes_] = b1
    return {f"{prefix}_W0": W0.astype(np.float32), f"{prefix}_b0": b0.astype(np.float32),
            f"{prefix}_W1": W1_full, f"{prefix}_b1": b1_full}


def score_report(y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[str]) -> dict:
    """Per-class precision/recall/F1/support, macro-F1, and content F1 (headline+body vs rest)."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(range(len(labels))), zero_division=0)
    per_class = {
        lab: {"precision": round(float(p[k]), 4), "recall": round(float(r[k]), 4),
              "f1": round(float(f[k]), 4), "support": int(s[k])}
        for k, lab in enumerate(labels)
    }
    supported = [k for k in range(len(labels)) if s[k] > 0]
    content = [k for k, lab in enumerate(labels) if lab in ("headline", "body")]
    report = {
        "per_class": per_class,
        "macro_f1": round(float(np.mean(f[supported])), 4) if supported else 0.0,
        "accuracy": round(float(np.mean(y_true == y_pred)), 4) if len(y_true) else 0.0,
        "n_lines": int(len(y_true)),
    }
    if content:
        report["content_f1"] = round(float(f1_score(np.isin(y_true, content), np.isin(y_pred, content))), 4)
    return report


def format_report(report: dict) -> str:
    """The per-class table as Markdown."""
    rows = ["| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    for lab, m in report["per_class"].items():
        rows.append(f"| {lab} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
    rows.append(f"| **macro-F1** | | | {report['macro_f1']:.3f} | {report['n_lines']} |")
    if "content_f1" in report:
        rows.append(f"| **content F1** (headline+body vs rest) | | | {report['content_f1']:.3f} | |")
    return "\n".join(rows)


def data_hash(docs: Documents) -> str:
    """SHA-256 over every document's lines and labels (and weight, where not 1), in order."""
    digest = hashlib.sha256()
    for lines, labels, weight in zip(docs.lines, docs.labels, docs.weights):
        # a weight of 1 is left out so that unweighted data keeps the hash it always had
        item = [lines, labels] if weight == 1.0 else [lines, labels, weight]
        digest.update(json.dumps(item, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def _versions(torch: bool = False) -> dict[str, str]:
    """The versions of the libraries that trained the model (``torch``: PyTorch too, for a GRU stage)."""
    out = {}
    for dist in ("boilerline", "scikit-learn", "numpy") + (("torch",) if torch else ()):
        try:
            out[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            out[dist] = "unknown"
    return out


class TrainedModel:
    """The trained networks and what is needed to export them."""

    def __init__(self, labels, names, mean, scale, stage1, stage2=None, offsets=None, decays=STAGE2_DECAYS,
                 transitions=None):
        self.labels, self.names, self.mean, self.scale = tuple(labels), tuple(names), mean, scale
        self.stage1, self.stage2, self.decays = stage1, stage2, tuple(decays)
        self.offsets = np.zeros(len(self.labels), dtype=np.float32) if offsets is None else np.asarray(offsets, np.float32)
        self.transitions = transitions  # (n_labels, n_labels) for the decoding step, or None

    def classifier(self):
        """The fitted networks as a :class:`~boilerline.model.classifier.LineClassifier`."""
        from boilerline.model.classifier import LineClassifier

        return LineClassifier(self.arrays(), {"labels": list(self.labels), "n_own_features": _n_own(self.names),
                                              "stage2_decays": list(self.decays)})

    def arrays(self) -> dict[str, np.ndarray]:
        n_dense = len(self.names)
        s1 = _layer_arrays(self.stage1, "s1", len(self.labels))
        W0 = s1.pop("s1_W0")
        arrays = {"s1_mean": self.mean.astype(np.float32), "s1_scale": self.scale.astype(np.float32),
                  "s1_W0d": W0[:n_dense], "s1_W0h": W0[n_dense:], **s1}
        last = "s1_b1"
        if isinstance(self.stage2, GruStage):
            arrays.update({k: v.astype(np.float32) for k, v in self.stage2.arrays.items()})
            arrays["s2_mean"] = self.stage2.z_mean.astype(np.float32)
            arrays["s2_scale"] = self.stage2.z_scale.astype(np.float32)
            last = "s2g_out_b"
        elif self.stage2 is not None:
            mlp2, z_mean, z_scale = self.stage2
            arrays.update(_layer_arrays(mlp2, "s2", len(self.labels)))
            arrays["s2_mean"], arrays["s2_scale"] = z_mean.astype(np.float32), z_scale.astype(np.float32)
            last = "s2_b1"
        arrays[last] = arrays[last] + self.offsets  # softmax(z + b): the tuned decision thresholds
        if self.transitions is not None:
            arrays["dec_T"] = np.asarray(self.transitions, dtype=np.float32)
        return arrays


def _epochs(mlp) -> str:
    if isinstance(mlp, GruStage):
        return f"GRU, {len(mlp.epochs)} networks, kept epochs {mlp.epochs} (held-back sites' macro-F1)"
    if hasattr(mlp, "member_epochs_"):  # an ensemble (merge_networks): each member's epochs
        return f"{len(mlp.member_epochs_)} networks of {mlp.member_epochs_} epochs"
    if hasattr(mlp, "best_epoch_"):
        return f"{mlp.n_iter_} epochs, kept epoch {mlp.best_epoch_} (validation-site macro-F1 {mlp.validation_macro_f1_})"
    return f"{mlp.n_iter_} epochs"


def tune_offsets(P: np.ndarray, y: np.ndarray, n_labels: int) -> np.ndarray:
    """Per-label logit offsets that maximise macro-F1 of ``argmax(log P + offsets)``.

    Coordinate ascent over ``OFFSET_GRID``, ``OFFSET_ROUNDS`` passes over the labels; an
    offset moves only when it raises the score, so all-zero offsets are kept on a tie.
    """
    logp = np.log(np.maximum(P, 1e-12))
    b = np.zeros(n_labels)
    best = _macro_f1(y, (logp + b).argmax(axis=1))
    for _ in range(OFFSET_ROUNDS):
        moved = False
        for k in range(n_labels):
            for v in OFFSET_GRID:
                trial = b.copy()
                trial[k] = v
                score = _macro_f1(y, (logp + trial).argmax(axis=1))
                if score > best + 1e-6:
                    best, b, moved = score, trial, True
        if not moved:
            break
    return b.astype(np.float32)


def _validation_offsets(model: "TrainedModel", docs: Documents) -> tuple[np.ndarray, float, float]:
    """Offsets tuned on the held-back sites' documents; with the macro-F1 before and after."""
    val_docs = docs.subset(np.flatnonzero(validation_sites(docs.sites)))
    index = {lab: k for k, lab in enumerate(model.labels)}
    rows, ys = [], []
    for P, labs in zip(model.classifier().predict_proba_documents(val_docs.lines), val_docs.labels):
        keep = [i for i, lab in enumerate(labs) if lab in index and P[i].sum() > 0]
        rows.append(P[keep])
        ys += [index[labs[i]] for i in keep]
    y = np.asarray(ys, dtype=np.int64)
    if len(y) < EARLY_STOPPING_MIN_ROWS:
        return np.zeros(len(model.labels), np.float32), float("nan"), float("nan")
    P = np.vstack(rows)
    b = tune_offsets(P, y, len(model.labels))
    before = _macro_f1(y, P.argmax(axis=1))
    after = _macro_f1(y, (np.log(np.maximum(P, 1e-12)) + b).argmax(axis=1))
    return b, before, after


def fit(docs: Documents, labels: Sequence[str], stage2: bool = True, site_validation: bool = False,
        decays: Sequence[float] = STAGE2_DECAYS, stage2_kind: str = STAGE2_KIND) -> TrainedModel:
    """Fit both stages on ``docs``.

    ``site_validation``: hold back one training site in VALIDATION_ONE_IN to choose the
    epochs and tune per-label offsets on them (see :func:`fit_validated`, :func:`tune_offsets`);
    off, the networks use scikit-learn's early stopping on random lines and no offsets (the
    recipe of the shipped model).  ``decays``: the second stage's summary decays;
    ``stage2_kind``: one of :data:`STAGE2_KINDS`.
    """
    if stage2_kind not in STAGE2_KINDS:
        raise ValueError(f"stage2_kind must be one of {STAGE2_KINDS}, not {stage2_kind!r}")
    t0 = time.time()
    F = featurize(docs, labels)
    mean, scale = F.dense.mean(axis=0), F.dense.std(axis=0) + 1e-6
    rows = stage1_rows(F, labels)
    if len(rows) == 0:
        raise ValueError("no labelled lines to train on")
    if stage2 and stage2_kind == "gru":
        from boilerline.training.sequence import require_torch

        require_torch()  # without PyTorch, fail now rather than after the first stage's minutes
    print(f"  features of {len(F.y)} lines in {time.time() - t0:.0f}s; stage 1 on {len(rows)} lines", flush=True)
    line_val = validation_sites(docs.sites)[F.line_doc] if site_validation else None
    s1 = fit_stage1(F, mean, scale, len(labels), rows, line_val, STAGE1_SEEDS)
    print(f"  stage 1: {_epochs(s1)}, {time.time() - t0:.0f}s", flush=True)
    s2 = None
    if stage2 and stage2_kind == "gru":
        s2 = fit_stage2_gru(F, docs, mean, scale, labels, decays)
        print(f"  stage 2: {_epochs(s2)}, {time.time() - t0:.0f}s", flush=True)
    elif stage2:
        s2 = fit_stage2(F, docs, mean, scale, labels, line_val, decays)
        print(f"  stage 2: {_epochs(s2[0])}, {time.time() - t0:.0f}s", flush=True)
    model = TrainedModel(labels, F.names, mean, scale, s1, s2, decays=decays)
    if site_validation:
        offsets, before, after = _validation_offsets(model, docs)
        model.offsets = offsets
        print(f"  label offsets {dict(zip(labels, offsets.round(2).tolist()))}: validation-site macro-F1 "
              f"{before:.4f} -> {after:.4f}, {time.time() - t0:.0f}s", flush=True)
    # after the offsets: they are tuned on (and added to) the second stage's scores, before decoding
    if TRANSITION_WEIGHT > 0:
        model.transitions = transition_matrix(F.y, F.doc_lengths, len(labels), TRANSITION_WEIGHT)
    return model


def evaluate_model(model: TrainedModel, docs: Documents, **_) -> dict:
    """Score a trained (not yet exported) model on ``docs`` through the real predict path."""
    clf = model.classifier()
    index = {lab: k for k, lab in enumerate(model.labels)}
    y_true, y_pred = [], []
    for labs, pred in zip(docs.labels, clf.predict_documents(docs.lines)):
        for t, p in zip(labs, pred):
            if t is not None and p is not None and t in index:
                y_true.append(index[t])
                y_pred.append(index[p])
    return score_report(np.asarray(y_true), np.asarray(y_pred), model.labels)


def _stage2_layers(stage2) -> list[int]:
    """Hidden widths of the second stage: the MLP's layer, or the GRU's dense layer and state."""
    if isinstance(stage2, GruStage):
        return [int(stage2.arrays["s2g_in_b"].shape[0]), int(stage2.arrays["s2g_fw_Wh"].shape[0])]
    return [int(stage2[0].coefs_[0].shape[1])] if stage2 else []


def export_artifact(model: TrainedModel, path: Path, meta: dict) -> str:
    """Write the model as arrays + JSON metadata; also record its SHA-256 beside it."""
    gru = isinstance(model.stage2, GruStage)
    full = {
        "labels": list(model.labels),
        "feature_names": list(model.names),
        "n_own_features": _n_own(model.names),
        "n_buckets": N_BUCKETS,
        "layers": {"stage1": [int(model.stage1.coefs_[0].shape[1])], "stage2": _stage2_layers(model.stage2)},
        "stage2_kind": "gru" if gru else "mlp" if model.stage2 else None,
        "ensemble_seeds": {"stage1": list(STAGE1_SEEDS), "stage2": list(STAGE2_SEEDS) if model.stage2 else []},
        "stage2_decays": list(model.decays),
        "decoding": ({"kind": "forward-backward", "transition_weight": TRANSITION_WEIGHT}
                     if model.transitions is not None else None),
        "label_offsets": dict(zip(model.labels, model.offsets.round(3).tolist())),
        "versions": _versions(torch=gru),
        **meta,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = save_artifact(path, model.arrays(), full)
    path.with_suffix(".sha256").write_text(f"{digest}  {path.name}\n", encoding="ascii")
    return digest


def train_model(
    dataset_dir: Path = DEFAULT_DATASET,
    output: Path = DEFAULT_OUTPUT,
    corpus: Path | None = None,
    max_docs: int | None = None,
    stage2: bool = True,
    refit_all: bool = False,
    augment_fraction: float = AUGMENT_FRACTION,
    site_validation: bool = False,
    decays: Sequence[float] = STAGE2_DECAYS,
    training_labels: Path = TRAINING_LABELS,
    stage2_kind: str = STAGE2_KIND,
) -> dict:
    """Train, evaluate on held-out sites, and export.  Returns the held-out report.

    ``training_labels``: hand-labelled training pages (see :func:`apply_training_labels`;
    skipped when the file is absent).
    """
    t0 = time.time()
    docs = load_documents(Path(dataset_dir), corpus)
    if max_docs is not None:
        docs = docs.subset(range(min(max_docs, len(docs))))
    docs, n_hand = apply_training_labels(docs, training_labels)
    if n_hand:
        print(f"{n_hand} hand-labelled training pages from {training_labels} (weight {HAND_LABEL_WEIGHT:g})",
              flush=True)
    n_dropped = 0
    if n_hand and not RULES_PAGES_OF_HAND_SITES:
        docs, n_dropped = drop_rules_pages_of_hand_sites(docs)
        print(f"left out {n_dropped} rules-labelled pages of sites with hand-labelled pages", flush=True)
    labels = label_order(docs)
    excluded = dev_sites(docs)
    train_idx, test_idx = split_by_site(docs, excluded)
    if not test_idx or not train_idx:
        # A tiny or single-site corpus: fall back to a document split, and say so.
        print("warning: too few sites for a site split; holding out every fifth document", flush=True)
        test_idx = list(range(0, len(docs), HOLDOUT_ONE_IN))
        train_idx = [i for i in range(len(docs)) if i % HOLDOUT_ONE_IN]
    train, test = docs.subset(train_idx), docs.subset(test_idx)
    print(f"{len(train)} training documents ({len(set(train.sites))} sites), "
          f"{len(test)} held-out documents ({len(set(test.sites))} sites)", flush=True)
    model = fit(augment(train, augment_fraction), labels, stage2=stage2, site_validation=site_validation, decays=decays,
                stage2_kind=stage2_kind)
    print(f"fitted in {time.time() - t0:.0f}s", flush=True)
    report = evaluate_model(model, test)
    block_idx = [i for i, r in enumerate(test.renderings) if r == "blocks"]
    if block_idx and len(block_idx) < len(test):
        report["blocks_rendering_only"] = evaluate_model(model, test.subset(block_idx))
    print("\nheld-out sites, per class:\n" + format_report(report), flush=True)
    report["per_language"] = model_card.trained_model_report(model, test)
    shipped = model
    refit = bool(refit_all and test_idx)
    meta = {
        "training_data_hash": data_hash(docs),
        "training_documents": len(docs),
        "scores": {"heldout_sites": report, "refit_on_all_sites": refit},
        "split": f"sites with crc32(site) % {HOLDOUT_ONE_IN} == 0 held out",
        "sources": dict(Counter(docs.sources)),
        "languages": dict(Counter(docs.languages)),
        "hand_labelled_pages": {"pages": n_hand, "weight": HAND_LABEL_WEIGHT if n_hand else None,
                                "rules_pages_of_their_sites_left_out": n_dropped},
    }
    if refit:
        # the split model stays the one that can be scored on the held-out sites: keep it beside
        # the output (evaluate uses it for them; it is not packaged or committed)
        split = split_model_path(Path(output))
        export_artifact(model, split, {key: meta[key] for key in ("training_data_hash", "split")}
                        | {"training_documents": len(train),
                           "scores": {"heldout_sites": report, "refit_on_all_sites": False}})
        print(f"wrote the split model {split}", flush=True)
        # every site except the hand-labelled dev pages' ones: those stay unseen, so that the
        # dev score remains a score on unseen sites
        print("refitting on all sites but the dev pages' for the shipped model ...", flush=True)
        refit_docs = docs.subset([i for i, site in enumerate(docs.sites) if site not in excluded])
        shipped = fit(augment(refit_docs, augment_fraction), labels, stage2=stage2, site_validation=site_validation,
                      decays=decays, stage2_kind=stage2_kind)
    digest = export_artifact(shipped, Path(output), meta)
    print(f"wrote {output} (sha256 {digest[:12]}..., {Path(output).stat().st_size / 1e6:.1f} MB) "
          f"in {time.time() - t0:.0f}s total", flush=True)
    card = model_card.write_model_card(load_artifact(Path(output))[1], report, model_card.card_path(output))
    print(f"wrote {card}", flush=True)
    return report


def split_model_path(output: Path) -> Path:
    """Where ``--refit-all`` keeps the split model: ``<stem>.split.npz`` beside the output."""
    return output.with_name(output.stem + ".split" + output.suffix)


def _default_corpus() -> Path:
    from boilerline.training.corpus import default_corpus_root

    return default_corpus_root()


def main_train(args) -> int:
    """Entry point of ``python -m boilerline.training train``."""
    train_model(
        dataset_dir=Path(args.dataset),
        output=Path(args.output),
        corpus=Path(args.corpus) if args.corpus else _default_corpus(),
        max_docs=args.max_docs,
        stage2=not args.no_context,
        refit_all=args.refit_all,
        augment_fraction=args.augment,
        site_validation=args.site_validation,
        decays=tuple(args.stage2_decays),
        training_labels=Path(args.training_labels),
        stage2_kind=args.stage2_kind,
    )
    return 0


def add_arguments(parser) -> None:
    """The ``train`` subcommand's options."""
    parser.add_argument("--dataset", default=str(DEFAULT_DATASET), help="labelled line dataset (save_to_disk folder)")
    parser.add_argument("--corpus", default=None,
                        help="corpus to build the dataset from when it is missing "
                             "(default: $BOILERLINE_CORPUS or ../shared/corpus)")
    parser.add_argument("--output", "-o", default=str(DEFAULT_OUTPUT), help="where to write the model artifact")
    parser.add_argument("--max-docs", type=int, default=None, help="train on the first N documents only")
    parser.add_argument("--no-context", action="store_true", help="skip the second (context) stage")
    parser.add_argument("--augment", type=float, default=AUGMENT_FRACTION,
                        help="share of training pages copied with synthetic boilerplate (0 turns it off)")
    parser.add_argument("--site-validation", action="store_true",
                        help="hold back 1 training site in 10: choose epochs and tune per-label offsets on them")
    parser.add_argument("--stage2-kind", choices=STAGE2_KINDS, default=STAGE2_KIND,
                        help="the second stage's network: an MLP over a window of lines, or a bidirectional "
                             "GRU over the page's lines (training needs PyTorch: pip install "
                             "'boilerline[sequence]'; labelling does not; default: %(default)s)")
    parser.add_argument("--stage2-decays", type=float, nargs="+", default=list(STAGE2_DECAYS),
                        help="decays of the second stage's section summaries (default: %(default)s)")
    parser.add_argument("--training-labels", default=str(TRAINING_LABELS),
                        help="hand-labelled training pages (a TSV of ids, line hashes and labels, or a folder "
                             "of them; skipped when absent; default: %(default)s)")
    parser.add_argument("--refit-all", action="store_true",
                        help="after evaluating, refit on every site but the dev pages' "
                             "(the shipped scores then come from the split model)")
