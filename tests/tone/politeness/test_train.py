"""Training end to end on a small synthetic corpus written here: tests never read the real one in shared/."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from goodterms.tone.politeness import model, train
from goodterms.tone.politeness.features import extract, fingerprint

pytest.importorskip("sklearn")

POLITE = [
    "Thanks so much for the {thing}! Could you please send the {other} when you have a moment?",
    "Hi, I hope you're well. Would you mind taking a look at the {thing}? Thank you!",
    "Great work on the {thing}. I was wondering if we could talk about the {other}?",
    "Sorry to bother you again. If you have time, could you check the {thing}?",
]
RUDE = [
    "Why did you break the {thing} again? Fix it now.",
    "So you never sent the {thing}. This is ridiculous.",
    "What is wrong with the {thing}? Send the {other} immediately.",
    "You forgot the {thing} again. Stop ignoring my emails.",
]
MIDDLE = [
    "The {thing} is attached. Can you check the {other}?",
    "I updated the {thing}. Is the {other} ready?",
]
THINGS = ["logo", "invoice", "report", "files", "mockups", "contract", "budget", "slides", "photos", "draft"]
HEADER = ["Community", "Id", "Request", "Score1", "Score2", "Score3", "Score4", "Score5", "Normalized Score"]


def write_corpus(path: Path, rows: int = 240) -> Path:
    """A CSV shaped like the Stanford Politeness Corpus: a quarter polite, a quarter rude, half in between."""
    kinds = {0: (POLITE, 1.3), 1: (RUDE, -1.3), 2: (MIDDLE, 0.0), 3: (MIDDLE, 0.0)}
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for index in range(rows):
            templates, centre = kinds[index % 4]
            template = templates[index // 4 % len(templates)]
            text = template.format(thing=THINGS[index % len(THINGS)], other=THINGS[index * 7 % len(THINGS)])
            scores = [(index * prime) % 25 + 1 for prime in (3, 5, 7, 11, 13)]
            spread = ((index * 37) % 100) / 100 - 0.5  # -0.5 to 0.5: no two requests score the same
            writer.writerow(["Synthetic", index, text, *scores, f"{centre + spread * 0.6:.6f}"])
    return path


@pytest.fixture(scope="module")
def corpus_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("politeness") / "synthetic.csv")


def test_training_writes_a_loadable_artifact(corpus_path, tmp_path):
    output = tmp_path / "model.json.gz"
    assert train.main(["--data", str(corpus_path), "--output", str(output), "--folds", "5"]) == 0
    loaded = model.load(output)
    assert loaded.fingerprint == fingerprint()
    polite = loaded.score("Thanks so much! Could you please send the logo when you have a moment?")
    rude = loaded.score("Why did you break the logo again? Fix it now.")
    assert polite.probability is not None and rude.probability is not None
    assert polite.probability > 0.5 > rude.probability
    assert [strategy.name for strategy in rude.strategies] == ["direct-question", "imperative"]


def test_training_twice_gives_the_same_bytes(corpus_path, tmp_path):
    first, second = tmp_path / "first.json.gz", tmp_path / "second.json.gz"
    for output in (first, second):
        train.main(["--data", str(corpus_path), "--output", str(output), "--folds", "5"])
    assert first.read_bytes() == second.read_bytes()


def test_pure_python_scoring_matches_scikit_learn(corpus_path):
    corpus = train.load_corpus(corpus_path)
    features = [extract(text)[1] for text in corpus.texts]
    fitted = train.fit(features, corpus.polite(), corpus.weights())
    artifact = train.train(corpus, folds=5)
    loaded = model.from_artifact(artifact)
    unseen = [
        "Could you send the budget, please?",
        "Why is the budget late again?",
        "",
        "Totally new words here",
    ]
    expected = train.decision(fitted, [extract(text)[1] for text in unseen])
    actual = [loaded.margin(extract(text)[1]) for text in unseen]
    assert actual == pytest.approx(expected, rel=1e-4, abs=1e-4)


def test_cross_validation_runs_and_never_scores_training_texts(corpus_path):
    corpus = train.load_corpus(corpus_path)
    labels = corpus.quartile_labels()
    assert labels.count(1) == labels.count(0) == 60
    evaluation = train.cross_validate(corpus, folds=5, name="synthetic")
    assert len(evaluation.fold_accuracies) == 5
    assert evaluation.mean > 0.9  # the synthetic classes are easy to tell apart
    assert 0.0 <= evaluation.stdev <= 0.5


def test_evaluate_prints_the_table_beside_the_paper(corpus_path, capsys):
    assert train.main(["--data", str(corpus_path), "--evaluate", "--folds", "5"]) == 0
    out = capsys.readouterr().out
    assert "5-fold stratified cross-validation" in out
    assert "strategies + shape only" in out
    assert "79.8%" in out and "83.8%" in out and "86.7%" in out


def test_the_quartile_cut_points_follow_numpy():
    assert train._percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.25) == 2.0
    assert train._percentile([1.0, 2.0, 3.0, 4.0], 0.75) == pytest.approx(3.25)


def test_a_file_without_the_columns_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("text,score\nhello,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Normalized Score"):
        train.load_corpus(path)


def test_an_artifact_of_another_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        model.from_artifact({"format": 999})


def write_offers(path: Path) -> Path:
    """Warm (1) and tough (0) offers, shaped like the offers file: `message` and `condition`."""
    warm = "Hi! I love the {thing}. Would you be willing to take 115 for it? Thanks so much!"
    tough = "I will pay 115 for the {thing}. That is my final offer, take it or leave it."
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["message", "condition"])
        for index in range(40):
            template, label = (warm, "1.0") if index % 2 else (tough, "0.0")
            writer.writerow([template.format(thing=THINGS[index % len(THINGS)]), label])
    return path


def test_held_out_margins_come_from_models_that_did_not_train_on_the_text(corpus_path, tmp_path):
    corpus = train.load_corpus(corpus_path)
    offers = train.load_offers(write_offers(tmp_path / "offers.csv"))
    held = train.held_out([corpus], offers, folds=5, seed=0, cache={})
    assert len(held.margins) == len(corpus.texts) + len(offers.texts)
    # The line's classes: the bottom quartile and the tough offers against the rest.
    labels = corpus.quartile_labels()
    assert held.acceptable[: len(labels)] == [int(label != 0) for label in labels]
    assert held.acceptable[len(labels) :] == offers.labels
    assert held.source == [0] * len(labels) + [1] * len(offers.texts)
    # Each source and each class counts the same in the calibration, and a left-out text not at all.
    weights = held.weights({0})
    assert weights[0] == 0.0
    totals: dict[tuple[int, int], float] = {}
    for weight, source, good in zip(weights, held.source, held.acceptable, strict=True):
        totals[source, good] = totals.get((source, good), 0.0) + weight
    assert sorted(totals) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert all(total == pytest.approx(1.0) for total in totals.values())
    slope, offset = held.line()
    assert slope > 0
    first = len(corpus.texts)
    lines = [slope * margin + offset for margin in held.margins[first:]]
    assert all((line > 0) == (label == 1) for line, label in zip(lines, offers.labels, strict=True))


def test_training_with_offers_calibrates_on_the_held_out_line(corpus_path, tmp_path):
    offers_path = write_offers(tmp_path / "offers.csv")
    output = tmp_path / "model.json.gz"
    arguments = ["--data", str(corpus_path), "--offers", str(offers_path), "--output", str(output)]
    assert train.main([*arguments, "--folds", "5"]) == 0
    loaded = model.load(output)
    warm = loaded.score("Hi! I love the logo. Would you be willing to take 115 for it? Thanks so much!")
    tough = loaded.score("I will pay 115 for the logo. That is my final offer, take it or leave it.")
    assert warm.probability is not None and tough.probability is not None
    assert warm.probability > 0.5 > tough.probability
