"""The trained claim-basis classifier: word and character TF-IDF plus cue features, a logistic
regression, calibrated with Platt scaling on cross-validated predictions.

It predicts what a claim rests on: ``convention``, ``conflict`` or one of the four Category B
sub-reasons (``b_debt_property``, ``b_hardship_work``, ``b_private_trouble``,
``b_general_insecurity``). The sorting category comes from :mod:`triage.rules`, which combines
these probabilities with the application's facts.

The model is stored with skops (no pickle); loading refuses any type outside an allow-list, so a
tampered file cannot run code.
"""

from __future__ import annotations

import hashlib
import json
import math
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import skops.io as sio
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from spacy.attrs import IDX, IS_SPACE, NORM, ORTH
from spacy.tokens import Doc

from triage import fast_tfidf, features
from triage.corpus import DATA_DIR
from triage.detector import BDetector
from triage.detector import feature_names as detector_features
from triage.nlp import text_of, words_text

MODEL_DIR = DATA_DIR / "model"
MODEL_FILE = MODEL_DIR / "triage.skops"
REPORT_FILE = MODEL_DIR / "report.json"

BASIS_CLASSES = ("convention", "conflict", "b_debt_property", "b_hardship_work",
                 "b_private_trouble", "b_general_insecurity")
B_CLASSES = tuple(c for c in BASIS_CLASSES if c.startswith("b_"))


def b_probability(probabilities: Mapping[str, float]) -> float:
    """p(the claim is outside the Convention grounds): the B classes' probabilities summed."""
    return float(sum(v for k, v in probabilities.items() if k.startswith("b_")))

#: Types a model file may contain; anything else is refused at load.
TRUSTED_TYPES = (
    "builtins.dict", "builtins.list", "builtins.tuple", "builtins.str", "builtins.float",
    "builtins.int", "builtins.bool", "builtins.NoneType",
    "numpy.ndarray", "numpy.dtype", "numpy.float64", "numpy.float32", "numpy.int64",
    "numpy.int32", "numpy.str_", "numpy.core.multiarray._reconstruct",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.svm._classes.LinearSVC",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.model_selection._split.StratifiedKFold",
    "sklearn.model_selection._split.StratifiedGroupKFold",
    "sklearn.model_selection._split.PredefinedSplit",
    "sklearn.utils._bunch.Bunch",
)


class ModelFileError(RuntimeError):
    """The model file is missing, unreadable or holds types that are not allowed."""


@dataclass
class Thresholds:
    """Decision thresholds tuned on out-of-fold predictions of the training split."""

    b_accept: float = 0.80  # p(B) at or above: suggest B
    b_reject: float = 0.35  # p(B) below: not B; in between: abstain
    min_confidence: float = 0.55  # below: abstain


@dataclass
class BasisModel:
    word: TfidfVectorizer
    char: TfidfVectorizer
    classifier: CalibratedClassifierCV
    classes: tuple[str, ...]
    cue_features: tuple[str, ...]
    cues_version: str
    version: str = "untrained"
    thresholds: Thresholds = field(default_factory=Thresholds)
    novelty: dict = field(default_factory=dict)
    trained_on: dict = field(default_factory=dict)
    #: p(the repeat claim brings no material new facts) from triage.novelty.pair_features.
    repeat: LogisticRegression | None = None
    #: the same for Japanese repeat claims, fitted on the Japanese ones (officers' Japanese
    #: summaries retell a first-person earlier claim in other words and recite the procedure)
    repeat_ja: LogisticRegression | None = None
    #: p(B) trained on the narratives and real decisions; when present it sets the total
    #: probability of the B classes (the classifier above still splits it among them).
    b_detector: BDetector | None = None

    def p_no_news(self, pair_features: Sequence[float], language: str = "en") -> float | None:
        classifier = self.repeat_ja if language == "ja" and self.repeat_ja is not None \
            else self.repeat
        if classifier is None:
            return None
        # The logistic function by hand: scikit-learn's input checks on a single row cost more
        # than the whole repeat-claim comparison.
        z = float(np.dot(np.asarray(pair_features, dtype=float), classifier.coef_[0])
                  + classifier.intercept_[0])
        p_second = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        return p_second if list(classifier.classes_).index(1) == 1 else 1.0 - p_second

    def design(self, docs: Sequence[Doc]) -> sparse.csr_matrix:
        texts = [marked_text(doc) for doc in docs]
        cues = sparse.csr_matrix(features.matrix(list(docs)))
        return sparse.hstack([fast_tfidf.transform(self.word, texts),
                              fast_tfidf.transform(self.char, texts), cues],
                             format="csr")

    def predict_proba(self, docs: Sequence[Doc]) -> np.ndarray:
        """Probabilities in the order of ``self.classes``, one row per doc."""
        if not docs:
            return np.zeros((0, len(self.classes)))
        raw = self.classifier.predict_proba(self.design(docs))
        order = [list(self.classifier.classes_).index(c) for c in self.classes]
        probabilities = raw[:, order]
        if self.b_detector is None:
            return probabilities
        is_b = np.array([c.startswith("b_") for c in self.classes])
        p_b = self.b_detector.combine(docs, probabilities[:, is_b].sum(axis=1))
        return rescale_b(probabilities, p_b, self.classes)


def rescale_b(probabilities: np.ndarray, p_b: np.ndarray, classes: Sequence[str]
              ) -> np.ndarray:
    """Probabilities whose B classes sum to ``p_b``, shared as the classifier shares them, and
    whose other classes sum to ``1 - p_b``."""
    is_b = np.array([c.startswith("b_") for c in classes])
    out = probabilities.copy()
    for mask, total in ((is_b, p_b), (~is_b, 1.0 - p_b)):
        part = probabilities[:, mask]
        sums = part.sum(axis=1, keepdims=True)
        share = np.where(sums > 0, part / np.where(sums > 0, sums, 1.0), 1.0 / mask.sum())
        out[:, mask] = share * total[:, None]
    return out


def marked_text(doc: Doc) -> str:
    """The narrative as the vectorisers read it: words inside a negated cue carry a ``neg_``
    prefix, so "never politically active" does not count as "politically active"."""
    negated = set()
    for hit in doc._.cues or []:
        if hit.negated:
            negated.update(range(hit.start, hit.end))
    if doc.user_data.get("triage_lang") == "ja":
        # Japanese: the normalised words, spaced (連行されました → 連行 為る れる ます た).
        if not negated:
            return words_text(doc)
        strings = doc.vocab.strings
        rows = doc.to_array([IDX, NORM, IS_SPACE]).tolist()
        return " ".join(f"neg_{strings[norm]}" if idx in negated else strings[norm]
                        for idx, norm, space in rows if not space)
    if not negated:
        return text_of(doc)
    strings = doc.vocab.strings
    rows = doc.to_array([IDX, ORTH]).tolist()
    return " ".join(f"neg_{strings[orth]}" if idx in negated else strings[orth]
                    for idx, orth in rows)


def _vectorisers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    word = TfidfVectorizer(lowercase=True, strip_accents="unicode", ngram_range=(1, 2),
                           min_df=2, max_features=40_000, sublinear_tf=True)
    char = TfidfVectorizer(lowercase=True, strip_accents="unicode", analyzer="char_wb",
                           ngram_range=(3, 5), min_df=3, max_features=40_000, sublinear_tf=True)
    return word, char


def fit(docs: Sequence[Doc], labels: Sequence[str], *, c: float = 4.0,
        cues_version: str = "", estimator: str = "logistic") -> BasisModel:
    """Fit vectorisers, classifier and calibration on ``docs``."""
    missing = set(BASIS_CLASSES) - set(labels)
    if missing:
        raise ValueError(f"the training data has no examples of {sorted(missing)}")
    word, char = _vectorisers()
    texts = [marked_text(doc) for doc in docs]
    word.fit(texts)
    char.fit(texts)
    if estimator == "svm":
        base = LinearSVC(C=c, class_weight="balanced")
    else:
        base = LogisticRegression(C=c, max_iter=4000, class_weight="balanced")
    classifier = CalibratedClassifierCV(base, method="sigmoid", cv=5, ensemble=False)
    model = BasisModel(word=word, char=char, classifier=classifier, classes=BASIS_CLASSES,
                       cue_features=tuple(features.feature_names()), cues_version=cues_version)
    classifier.fit(model.design(docs), np.asarray(labels))
    return model


_VECTORISER_PARAMS = ("lowercase", "strip_accents", "ngram_range", "analyzer", "min_df",
                      "stop_words",
                      "max_features", "sublinear_tf", "norm", "use_idf", "smooth_idf")


def _pack(vectoriser: TfidfVectorizer) -> dict:
    """A vectoriser as its settings, terms and idf weights: a fitted vocabulary dict is stored
    by skops entry by entry and would make the file ten times larger."""
    params = {k: v for k, v in vectoriser.get_params().items() if k in _VECTORISER_PARAMS}
    params["ngram_range"] = list(params["ngram_range"])
    vocabulary = vectoriser.vocabulary_
    terms = np.array(sorted(vocabulary, key=vocabulary.get))
    return {"params": params, "terms": terms, "idf": np.asarray(vectoriser.idf_)}


def _unpack(packed: dict) -> TfidfVectorizer:
    params = dict(packed["params"])
    params["ngram_range"] = tuple(params["ngram_range"])
    vectoriser = TfidfVectorizer(**params, vocabulary=packed["terms"].tolist())
    vectoriser.idf_ = packed["idf"]
    return vectoriser


def fingerprint(*parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(json.dumps(part, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:10]


def save(model: BasisModel, path: Path = MODEL_FILE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    bundle = {
        "format": 3,
        "version": model.version,
        "word": _pack(model.word),
        "char": _pack(model.char),
        "classifier": model.classifier,
        "classes": list(model.classes),
        "cue_features": list(model.cue_features),
        "cues_version": model.cues_version,
        "thresholds": {"b_accept": model.thresholds.b_accept,
                       "b_reject": model.thresholds.b_reject,
                       "min_confidence": model.thresholds.min_confidence},
        "novelty": dict(model.novelty),
        "trained_on": dict(model.trained_on),
        "repeat": model.repeat,
        "repeat_ja": model.repeat_ja,
        "b_detector": None if model.b_detector is None else {
            "word": (None if model.b_detector.word is None
                     else _pack(model.b_detector.word)),
            "classifier": model.b_detector.classifier,
            "features": list(model.b_detector.features),
            "trained_on": dict(model.b_detector.trained_on),
            "style_word": (None if model.b_detector.style_word is None
                           else _pack(model.b_detector.style_word)),
            "style": model.b_detector.style,
            "stack": model.b_detector.stack,
            **({} if model.b_detector.char is None else {
                "char": _pack(model.b_detector.char),
                "char_scale": float(model.b_detector.char_scale)}),
        },
    }
    tmp = path.with_suffix(".tmp")
    sio.dump(bundle, tmp)
    tmp.replace(path)
    return path


def _schema_types(path: Path) -> set[str]:
    """Every ``module.Class`` a skops file names in its schema."""
    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read("schema.json"))
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("__class__"), str) and isinstance(node.get("__module__"), str):
                found.add(f"{node['__module__']}.{node['__class__']}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def load(path: Path = MODEL_FILE) -> BasisModel:
    if not path.exists():
        raise ModelFileError(
            f"No triage model at {path}. Train one with `workbench triage train`.")
    try:
        untrusted = sio.get_untrusted_types(file=path)
        # skops leaves out of that list the types it trusts by default; the allow-list here is
        # stricter, so every type named anywhere in the file's schema is checked.
        refused = sorted((_schema_types(path) | set(untrusted)) - set(TRUSTED_TYPES))
        if refused:
            raise ModelFileError(f"{path.name} holds types that are not allowed: {refused}")
        bundle = sio.load(path, trusted=list(untrusted))
    except ModelFileError:
        raise
    except Exception as exc:  # a corrupt or foreign file
        raise ModelFileError(f"{path.name} cannot be read as a triage model: {exc}") from exc
    if not isinstance(bundle, dict) or bundle.get("format") not in (1, 2, 3):
        raise ModelFileError(f"{path.name} is not a triage model of a known format.")
    expected = {"format", "version", "word", "char", "classifier", "classes", "cue_features",
                "cues_version", "thresholds", "novelty", "trained_on", "repeat"}
    if bundle.get("format") in (2, 3):
        expected.add("b_detector")
    if bundle.get("format") == 3:
        expected.add("repeat_ja")
    if set(bundle) != expected:
        missing, extra = sorted(expected - set(bundle)), sorted(set(bundle) - expected)
        raise ModelFileError(f"{path.name} is not a complete triage model (missing {missing}, "
                             f"unexpected {extra}).")
    if not isinstance(bundle["classifier"], CalibratedClassifierCV) or not (
            bundle[key] is None or isinstance(bundle[key], LogisticRegression)
            for key in ("repeat", "repeat_ja") if key in bundle):
        raise ModelFileError(f"{path.name} holds an unexpected classifier type.")
    current = tuple(features.feature_names())
    if tuple(bundle["cue_features"]) != current:
        raise ModelFileError(
            f"{path.name} was trained with a different cue lexicon; retrain the model.")
    detector = None
    packed = bundle.get("b_detector")
    if packed is not None:
        if not isinstance(packed, dict) or not isinstance(packed.get("classifier"),
                                                          LogisticRegression) or not all(
                packed.get(k) is None or isinstance(packed[k], LogisticRegression)
                for k in ("style", "stack")):
            raise ModelFileError(f"{path.name} holds an unexpected B detector.")
        if tuple(packed["features"]) != tuple(detector_features()):
            raise ModelFileError(
                f"{path.name} was trained with a different cue lexicon; retrain the model.")
        detector = BDetector(word=(_unpack(packed["word"]) if packed.get("word") is not None
                                   else None), classifier=packed["classifier"],
                             features=tuple(packed["features"]),
                             trained_on=dict(packed["trained_on"]),
                             style_word=(_unpack(packed["style_word"])
                                         if packed.get("style_word") is not None else None),
                             style=packed.get("style"), stack=packed.get("stack"),
                             char=(_unpack(packed["char"]) if packed.get("char") is not None
                                   else None),
                             char_scale=float(packed.get("char_scale", 1.0)))
    return BasisModel(
        word=_unpack(bundle["word"]), char=_unpack(bundle["char"]),
        classifier=bundle["classifier"],
        classes=tuple(bundle["classes"]), cue_features=tuple(bundle["cue_features"]),
        cues_version=bundle["cues_version"], version=bundle["version"],
        thresholds=Thresholds(**bundle["thresholds"]), novelty=dict(bundle["novelty"]),
        trained_on=dict(bundle["trained_on"]), repeat=bundle.get("repeat"),
        repeat_ja=bundle.get("repeat_ja"),
        b_detector=detector,
    )
