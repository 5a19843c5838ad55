"""Tests of boilerline.features: shapes, names, purity, batching, language independence."""

import numpy as np
import pytest

from boilerline.features import (
    LINE_FEATURE_NAMES,
    N_BUCKETS,
    extract_features,
    feature_names,
    lexicon_features,
    line_features,
    neighbour_features,
    running_summaries,
    token_hashes,
    window_means,
)


def col(X, name):
    return X[:, LINE_FEATURE_NAMES.index(name)]


def test_line_features_shape_and_names(labelled_pages):
    lines, _ = labelled_pages["fr_wordpress"]
    X, names = line_features(lines)
    assert X.shape == (len(lines), len(names)) == (len(lines), len(LINE_FEATURE_NAMES))
    assert X.dtype == np.float32
    assert np.isfinite(X).all()
    assert len(set(names)) == len(names)


def test_shortcode_and_title_signals(labelled_pages):
    lines, labels = labelled_pages["fr_wordpress"]
    X, _ = line_features(lines)
    only_markup = col(X, "only_markup")
    for line, label, flag in zip(lines, labels, only_markup):
        if line.startswith("[") and label == "ad shortcode":
            assert flag == 1.0, line
        if label == "body":
            assert flag == 0.0, line
    headline_rows = [i for i, lab in enumerate(labels) if lab == "headline"]
    assert (col(X, "doc_title_jaccard")[headline_rows] > 0.5).all()


def test_features_do_not_depend_on_batching(labelled_pages):
    docs = [labelled_pages[k][0] for k in sorted(labelled_pages)]
    together = extract_features([l for d in docs for l in d], [len(d) for d in docs])
    apart = [extract_features(d) for d in docs]
    np.testing.assert_allclose(together.dense, np.vstack([a.dense for a in apart]), rtol=1e-6, atol=1e-6)
    assert together.indices.tolist() == [i for a in apart for i in a.indices.tolist()]


def test_inputs_are_not_mutated(labelled_pages):
    lines, _ = labelled_pages["de_news"]
    before = list(lines)
    extract_features(lines)
    assert lines == before


def test_doc_lengths_must_add_up():
    with pytest.raises(ValueError):
        line_features(["a", "b"], [1])


def test_any_script_and_odd_characters():
    lines = ["日本語の見出しです", "😀😀 emoji only", "\x00\x01 control", "ــــ", "x" * 5000, "[/embed]"]
    batch = extract_features(lines)
    assert batch.dense.shape[0] == len(lines)
    assert np.isfinite(batch.dense).all()
    assert batch.indices.min() >= 0 and batch.indices.max() < N_BUCKETS
    # Every line gets at least one lexical token.
    assert (np.diff(batch.indptr) > 0).all()


def test_token_hashes_are_deterministic():
    a = token_hashes(["Leave a Reply", "Mots-clés :"])
    b = token_hashes(["Leave a Reply", "Mots-clés :"])
    assert a[0].tolist() == b[0].tolist() and a[1].tolist() == b[1].tolist()
    # Case and digits do not matter to the lexical tokens.
    c = token_hashes(["LEAVE A REPLY"])
    assert sorted(c[1].tolist()) == sorted(a[1][: a[0][1]].tolist())


def test_neighbours_stay_within_documents():
    X = np.arange(8, dtype=np.float32).reshape(4, 2)
    names = ("log_chars", "ends_sentence")
    Xn, nn = neighbour_features(X, names, [2, 2], offsets=(-1, 1), columns=names)
    assert Xn.shape == (4, len(nn))
    prev_exists = Xn[:, nn.index("nb-1_exists")]
    assert prev_exists.tolist() == [0, 1, 0, 1]
    assert Xn[1, nn.index("nb-1_log_chars")] == X[0, 0]
    assert Xn[2, nn.index("nb-1_log_chars")] == 0  # line 2 starts a new document


def test_window_means_and_running_summaries():
    X = np.array([[1.0], [3.0], [5.0]], dtype=np.float32)
    W, names = window_means(X, ("log_chars",), None, half_widths=(1,), columns=("log_chars",))
    assert W[:, 0].tolist() == [2.0, 3.0, 4.0]
    P = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]], dtype=np.float32)
    S, snames = running_summaries(P, ["a", "b"], [1, 2])
    assert len(snames) == 4
    assert S[1, :2].tolist() == [0.0, 0.0]  # document 2 starts fresh
    assert S[2, 1] > 0 and S[0, 2:].sum() == 0


def test_lexicon_features_find_credits_at_a_caption_end_and_short_ad_labels():
    lines = [
        "Med bagasje og hunder reiser de oppover kysten. Foto: Privat",  # the credit ends the caption
        "(Bildquelle: Neumann)",
        "A photographer's day out, from dawn to dusk, in a long paragraph that goes on and on.",
        "Espacio publicitario",
        "Publicité",
        "The advertising market shrank by a fifth last year, the trade body said in its report.",
        "Photos",
    ]
    X, names = lexicon_features(lines)
    assert X.shape == (len(lines), len(names)) and X.dtype == np.float32
    f = {c: X[:, i].tolist() for i, c in enumerate(names)}
    assert f["lex_credit_words"] == [1, 1, 0, 0, 0, 0, 1]  # "photographer's" is not "photo"
    assert f["lex_credit_at_end"] == [1, 1, 0, 0, 0, 0, 1]
    assert f["lex_ad_label"] == [0, 0, 0, 1, 1, 0, 0]  # a sentence about advertising is no label
    assert lexicon_features([])[0].shape == (0, len(names))
    # part of every model's features, and of the neighbours' (a credit line under a caption)
    assert set(names) <= set(feature_names()) and "nb-1_lex_credit_words" in feature_names()


def test_lexicon_features_name_the_words_of_template_boxes():
    lines = [
        "Abonnez-vous à notre newsletter",  # account prompt
        "Laisser un commentaire",  # comment form
        "Lire aussi",  # related heading
        "Partager sur Facebook",  # share button
        "Der Minister hat auch gesagt, dass er die Kommentare der Opposition lesen und beantworten werde.",
        "Ein Satz ohne eines der Wörter.",
    ]
    X, names = lexicon_features(lines)
    f = {c: X[:, i].tolist() for i, c in enumerate(names)}
    assert f["lex_account_words"] == [2, 0, 0, 0, 0, 0]  # "abonnez", "newsletter"
    assert f["lex_account_label"] == [1, 0, 0, 0, 0, 0]
    assert f["lex_comment_label"] == [0, 1, 0, 0, 0, 0]
    assert f["lex_related_label"] == [0, 0, 1, 0, 0, 0]
    assert f["lex_share_words"] == [0, 0, 0, 2, 0, 0]  # "partager", "facebook"
    # a long sentence holding the words counts them but is no box's heading or button
    assert f["lex_comment_words"][4] == 1 and f["lex_related_words"][4] == 2  # "auch", "lesen"
    assert not any(X[4, [names.index(f"lex_{k}_label") for k in ("comment", "related")]])
    assert not X[5].any()


def test_feature_names_match_extraction():
    assert feature_names() == extract_features(["a", "b"]).names
