"""Tests of the training and evaluation code on hand-written pages (no corpus needed)."""

import numpy as np
import pytest

from boilerline.model import load_model
from boilerline.training import train_model
from boilerline.training.evaluate import EvalSet, c4_content, justext_content, metrics_block, predict_all
from boilerline.training.train import Documents, augment, score_report, split_by_site


def _docs(labelled_pages, copies=3):
    items = [(f"{name}-{c}", lines, labels) for c in range(copies) for name, (lines, labels) in labelled_pages.items()]
    return Documents(
        lines=[x[1] for x in items], labels=[x[2] for x in items], sites=[x[0] for x in items],
        languages=[x[0][:2] for x in items], sources=["fixture"] * len(items),
        renderings=["blocks"] * len(items), doc_ids=[x[0] for x in items],
    )


def test_split_keeps_each_site_on_one_side(labelled_pages):
    docs = _docs(labelled_pages, copies=10)
    docs.sites = [s.rsplit("-", 1)[0] + f"-{i % 7}" for i, s in enumerate(docs.sites)]
    train, test = split_by_site(docs, exclude_sites=frozenset({docs.sites[0]}))
    assert set(train).isdisjoint(test) and len(train) + len(test) == len(docs)
    assert {docs.sites[i] for i in train}.isdisjoint({docs.sites[i] for i in test})
    assert 0 in test  # an excluded (dev) site is never trained on


def test_augment_adds_copies_and_keeps_originals(labelled_pages):
    docs = _docs(labelled_pages, copies=1)
    before = [list(lines) for lines in docs.lines]
    out = augment(docs, fraction=0.5)
    assert out.lines[: len(docs)] == before and docs.lines == before
    assert len(out) == len(docs) + round(0.5 * len(docs))
    copy_sites = out.sites[len(docs):]
    assert set(copy_sites) <= set(docs.sites)  # a copy stays on its source's site


def test_score_report_counts():
    y_true = np.array([0, 1, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 2, 2, 2, 1])
    r = score_report(y_true, y_pred, ("headline", "body", "other"))
    assert r["per_class"]["headline"]["f1"] == 1.0
    assert r["per_class"]["other"]["support"] == 3
    assert r["n_lines"] == 6 and 0 < r["macro_f1"] < 1
    assert "content_f1" in r


def test_baselines_mark_prose_as_content():
    pytest.importorskip("justext")
    pytest.importorskip("datatrove.pipeline.filters")
    lines = ["Home", "The council voted on Tuesday to build forty kilometres of protected cycle lanes.",
             "Share on Facebook", ""]
    c4 = c4_content(lines)
    assert c4 == [False, True, False, False]
    jt = justext_content(lines, "en")
    assert len(jt) == len(lines) and jt[0] is False and jt[3] is False


def test_evaluation_of_a_trained_model(tiny_model_path, labelled_pages):
    pytest.importorskip("justext")
    pytest.importorskip("datatrove.pipeline.filters")
    clf = load_model(tiny_model_path)
    names = sorted(labelled_pages)
    ev = EvalSet("fixtures", [labelled_pages[n][0] for n in names], [labelled_pages[n][1] for n in names],
                 [n[:2] for n in names], ["fixture"] * len(names), names)
    pred, proba = predict_all(clf, ev)
    m = metrics_block(ev, pred, clf.labels, baselines=True)
    assert m["overall"]["n_lines"] == sum(len(labelled_pages[n][0]) for n in names)
    assert set(m["per_language"]) == {n[:2] for n in names}
    assert set(m["content_f1"]) == {"boilerline", "jusText", "C4 line rules"}
    cm = np.array(m["confusion"])
    assert cm.sum() == m["overall"]["n_lines"]


def test_caseless_documents_rewrite_letters_and_keep_labels():
    from boilerline.training.evaluate import caseless_documents

    ev = EvalSet("x", [["Hello World, Élan?", "[GARD]", "HELLO"], ["مرحبا بكم"]], [["body", "ad shortcode", "other"], ["body"]],
                 ["en", "ar"], ["s", "s"], ["a", "b"])
    c = caseless_documents(ev)
    assert c.gold == [ev.gold[0]] and c.languages == ["en"] and c.doc_ids == ["a"]  # Arabic pages left out
    assert [len(x) for x in c.lines[0]] == [len(x) for x in ev.lines[0]]
    assert not any(ch.isascii() and ch.isalpha() for line in c.lines[0] for ch in line)
    assert c.lines[0][2] == c.lines[0][0].split(" ")[0]  # HELLO and Hello: one mapping, no case
    assert caseless_documents(ev).lines == c.lines  # the same text every run


def test_training_needs_labelled_lines(tmp_path):
    from datasets import Dataset

    Dataset.from_list([{"doc_id": "a", "site": "a", "language": "en", "source": "x", "rendering": "blocks",
                        "lines": ["x", "y"], "labels": [None, None], "rules": [None, None]}]).save_to_disk(str(tmp_path / "ds"))
    with pytest.raises(ValueError):
        train_model(tmp_path / "ds", tmp_path / "m.npz", augment_fraction=0)


def test_seed_documents_align_labels_with_non_blank_lines(tmp_path):
    from boilerline.training.evaluate import seed_documents

    (tmp_path / "page.txt").write_text("Title\n\nFirst paragraph.\n\nShare\n", encoding="utf-8")
    (tmp_path / "seed.labels.tsv").write_text(
        "label\tline\nheadline\tTitle\nbody\tFirst paragraph.\nother\tShare\n", encoding="utf-8")
    ev = seed_documents(tmp_path)
    assert ev.gold == [["headline", None, "body", None, "other"]]
    assert seed_documents(tmp_path / "missing") is None


def test_early_stopping_keeps_the_best_epoch_on_held_back_rows():
    from boilerline.training.train import fit_validated, validation_sites

    rng = np.random.default_rng(0)
    n = 8000
    y = rng.integers(0, 3, n)
    X = rng.normal(size=(n, 6)) + np.eye(3, 6)[y] * 5.0  # three separable blobs
    val = np.zeros(n, dtype=bool)
    val[: n // 10] = True
    mlp = fit_validated(8, X, y, np.ones(n), val, 3)
    scores = mlp.validation_macro_f1_
    assert 1 <= mlp.best_epoch_ <= mlp.n_iter_ == len(scores)
    assert scores[mlp.best_epoch_ - 1] == max(scores)
    assert (mlp.predict(X[val]) == y[val]).mean() > 0.5  # chance is 1/3; few minibatches per epoch here
    sites = [f"site{i}" for i in range(200)]
    held = validation_sites(sites)
    assert 0 < held.sum() < 60 and (validation_sites(sites) == held).all()  # stable, about 1 in 10


def test_small_data_falls_back_to_a_plain_fit():
    from boilerline.training.train import fit_validated

    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    X = rng.normal(size=(300, 3)) + y[:, None]
    mlp = fit_validated(4, X, y, np.ones(300), np.zeros(300, dtype=bool), 2)
    assert not hasattr(mlp, "best_epoch_") and set(mlp.classes_) == {0, 1}


def test_offsets_raise_macro_f1_of_an_over_predicted_label():
    from boilerline.training.train import _macro_f1, tune_offsets

    rng = np.random.default_rng(2)
    y = rng.integers(0, 3, 3000)
    P = np.full((3000, 3), 0.1)
    P[np.arange(3000), y] = 0.5
    P[rng.random(3000) < 0.4, 2] = 0.8  # label 2 wins too often
    P /= P.sum(axis=1, keepdims=True)
    b = tune_offsets(P, y, 3)
    assert b[2] < 0 or b[0] > 0 or b[1] > 0
    assert _macro_f1(y, (np.log(P) + b).argmax(axis=1)) > _macro_f1(y, P.argmax(axis=1)) + 0.05
    # nothing to gain: offsets stay zero
    assert not tune_offsets(np.eye(3)[y] * 0.9 + 0.05, y, 3).any()


def test_refit_on_all_sites_still_leaves_out_the_dev_sites(tmp_path, labelled_pages, monkeypatch):
    """--refit-all trains again on every site except the hand-labelled dev pages' sites."""
    from datasets import Dataset

    import boilerline.training.train as T

    records = [{"doc_id": f"{name}-{c}", "site": f"{name}-{c}", "language": name[:2], "source": "fixture",
                "rendering": "blocks", "lines": lines, "labels": labels, "rules": ["fixture"] * len(lines)}
               for c in range(4) for name, (lines, labels) in labelled_pages.items()]
    Dataset.from_list(records).save_to_disk(str(tmp_path / "ds"))
    dev_site = records[1]["site"]
    monkeypatch.setattr(T, "dev_sites", lambda docs: frozenset({dev_site}))
    fitted_sites = []
    real_fit = T.fit

    def recording_fit(docs, *args, **kwargs):
        fitted_sites.append(set(docs.sites))
        return real_fit(docs, *args, **kwargs)

    monkeypatch.setattr(T, "fit", recording_fit)
    T.train_model(tmp_path / "ds", tmp_path / "m.npz", refit_all=True, augment_fraction=0, stage2_kind="mlp")
    split_fit, refit = fitted_sites
    assert dev_site not in split_fit and dev_site not in refit
    assert split_fit < refit  # the refit also trains on the held-out sites
    assert refit == {r["site"] for r in records} - {dev_site}


def test_refitted_model_is_scored_on_held_out_sites_by_its_split_model(tiny_model_path, tmp_path):
    import shutil

    from boilerline.training.evaluate import heldout_model
    from boilerline.training.train import split_model_path

    clf = load_model(tiny_model_path)
    assert clf.metadata["scores"]["refit_on_all_sites"]  # the fixture trains with refit_all=True
    split_path = split_model_path(tiny_model_path)
    assert split_path.name == "tiny-model.split.npz" and split_path.is_file()
    model, note = heldout_model(clf, tiny_model_path, None)
    assert model is not clf and "split model" in note
    assert model.metadata["training_data_hash"] == clf.metadata["training_data_hash"]
    assert not model.metadata["scores"]["refit_on_all_sites"]
    # without its split model, the held-out sites are not scored (rather than scored on seen sites)
    alone = tmp_path / "alone.npz"
    shutil.copy(tiny_model_path, alone)
    assert heldout_model(clf, alone, None) == (None, "")
    # a split model is not refitted itself: scoring it needs no other model
    split = load_model(split_path)
    assert heldout_model(split, split_path, None) == (split, "")


def test_merged_networks_label_with_their_average_logits():
    """An ensemble exported as one wider network: softmax of the members' mean logits."""
    from sklearn.neural_network import MLPClassifier

    from boilerline.training.train import merge_networks

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(200, 5)), rng.integers(0, 3, 200)
    members = [MLPClassifier((4,), max_iter=30, random_state=seed).fit(X, y) for seed in (1, 2)]
    merged = merge_networks(members)
    assert merged.coefs_[0].shape == (5, 8) and merged.coefs_[1].shape == (8, 3)

    def logits(m):
        return np.maximum(X @ m.coefs_[0] + m.intercepts_[0], 0) @ m.coefs_[1] + m.intercepts_[1]

    z = (logits(members[0]) + logits(members[1])) / 2
    want = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(merged.predict_proba(X), want / want.sum(axis=1, keepdims=True), atol=1e-10)
    assert merge_networks(members[:1]) is members[0]
    other = MLPClassifier((4,), max_iter=30, random_state=3).fit(X, np.where(y == 2, 1, y))
    with pytest.raises(ValueError, match="same classes"):
        merge_networks([members[0], other])


def _label_tsv(path, pages):
    """A training-labels TSV for ``pages``: ``{doc_id: (lines, labels)}``."""
    from boilerline.training.devset import line_sha1

    with open(path, "w", encoding="utf-8") as fh:
        fh.write("doc_id\tline_no\tline_sha1\tlabel\n")
        for doc, (lines, labels) in pages.items():
            for j, (line, lab) in enumerate(zip(lines, labels)):
                fh.write(f"{doc}\t{j}\t{line_sha1(line)}\t{lab}\n")
    return path


def test_training_labels_replace_the_rules_and_weight_the_page(labelled_pages, tmp_path):
    from boilerline.training.train import apply_training_labels

    docs = _docs(labelled_pages, copies=1)
    docs = Documents.concatenate([docs, docs.subset([0])])
    docs.renderings[-1] = "merged"  # another rendering of page 0: its line numbers are not the labelled ones
    target = docs.doc_ids[0]
    hand = ["other"] * len(docs.lines[0])
    before = [list(labs) for labs in docs.labels]
    out, n = apply_training_labels(docs, _label_tsv(tmp_path / "t.tsv", {target: (docs.lines[0], hand)}), weight=7.0)
    assert n == 1
    assert out.labels[0] == hand and out.weights[0] == 7.0
    assert out.labels[1:] == before[1:] and out.weights[1:] == [1.0] * (len(docs) - 1)
    assert docs.labels == before and docs.weights == [1.0] * len(docs)  # the input is not changed
    # the weight reaches every non-blank line of the page; synthetic copies are not weighted
    from boilerline.training.train import featurize, label_order

    F = featurize(out, label_order(out))
    assert np.all(F.weight[F.line_doc == 0] == 7.0) and np.all(F.weight[F.line_doc != 0] == 1.0)
    assert out.hand_labelled == [True] + [False] * (len(docs) - 1)
    copies = augment(out, fraction=1.0)
    assert copies.weights[len(out):] == [1.0] * (len(copies) - len(out))
    assert not any(copies.hand_labelled[len(out):])


def test_rules_pages_of_hand_labelled_sites_are_left_out(labelled_pages, tmp_path):
    from boilerline.training.train import apply_training_labels, drop_rules_pages_of_hand_sites

    docs = _docs(labelled_pages, copies=3)
    docs.sites = [doc_id.rsplit("-", 1)[0] for doc_id in docs.doc_ids]  # three pages per site
    hand_page = docs.doc_ids[0]
    docs.doc_ids[len(labelled_pages)] = hand_page  # its other rendering, which the rules labelled
    docs.renderings[len(labelled_pages)] = "merged"
    tsv = _label_tsv(tmp_path / "t.tsv", {hand_page: (docs.lines[0], docs.labels[0])})
    labelled, _ = apply_training_labels(docs, tsv)
    assert labelled.hand_labelled == [True] + [False] * (len(docs) - 1)  # not its other rendering
    kept, n = drop_rules_pages_of_hand_sites(labelled)
    site = docs.sites[0]
    assert [d for d, s in zip(kept.doc_ids, kept.sites) if s == site] == [hand_page]
    assert n == sum(s == site for s in docs.sites) - 1
    assert sorted(set(kept.sites)) == sorted(set(docs.sites))  # every site keeps a page
    assert len(labelled) == len(kept) + n and not any(docs.hand_labelled)  # the inputs are not changed
    assert drop_rules_pages_of_hand_sites(docs) == (docs, 0)  # no hand-labelled page


def test_training_labels_for_another_rendering_are_refused(labelled_pages, tmp_path):
    from boilerline.training.train import TrainingLabelsMismatch, apply_training_labels

    docs = _docs(labelled_pages, copies=1)
    lines = list(docs.lines[0])
    lines[1] = lines[1] + " (edited)"
    tsv = _label_tsv(tmp_path / "t.tsv", {docs.doc_ids[0]: (lines, docs.labels[0])})
    with pytest.raises(TrainingLabelsMismatch, match="line 1"):
        apply_training_labels(docs, tsv)
    missing, n = apply_training_labels(docs, tmp_path / "absent.tsv")
    assert n == 0 and missing.labels == docs.labels


def test_data_hash_counts_weights_only_where_not_one(labelled_pages):
    from boilerline.training.train import data_hash

    docs = _docs(labelled_pages, copies=1)
    plain = data_hash(docs)
    assert data_hash(Documents(docs.lines, docs.labels, docs.sites, docs.languages, docs.sources,
                               docs.renderings, docs.doc_ids, [1.0] * len(docs))) == plain
    heavier = docs.subset(range(len(docs)))
    heavier.weights = [2.0] + [1.0] * (len(docs) - 1)
    assert data_hash(heavier) != plain
