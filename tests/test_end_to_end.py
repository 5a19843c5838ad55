"""The whole path on real pages: corpus pages -> labelled lines -> trained model -> labels."""

import importlib.util

from boilerline.model import load_model
from boilerline.training import train_model


def test_build_train_and_label_from_a_handful_of_corpus_pages(corpus_root, tmp_path, labelled_pages):
    from boilerline.training.corpus import build_corpus

    dataset = tmp_path / "lines"
    build_corpus(corpus_root, dataset, limit=24, n_jobs=1)
    out = tmp_path / "model.npz"
    # the default (GRU) second stage where PyTorch is installed, as CI has it; else the MLP one
    kind = "gru" if importlib.util.find_spec("torch") else "mlp"
    report = train_model(dataset, out, augment_fraction=0.5, stage2_kind=kind)
    assert report["n_lines"] > 0
    clf = load_model(out)
    lines, _ = labelled_pages["fr_wordpress"]
    labels = clf.predict(lines)
    assert len(labels) == len(lines)
    assert all(label in clf.labels for label in labels)
    assert clf.metadata["training_documents"] > 0
    assert len(clf.metadata["training_data_hash"]) == 64
