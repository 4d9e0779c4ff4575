"""An optional entailment check with a local NLI model, used only where one is installed.

Lexical support says the cited source shares a sentence's terms and numbers; entailment
says the source's sentence implies it ("rejected" and "approved" share every other word).
newsroom depends on no model: with sentence-transformers installed and a cross-encoder
NLI model in a local directory (e.g. a copy of cross-encoder/nli-deberta-v3-small), the
evaluation adds an entailment figure; otherwise it says why there is none and goes on.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import Any, Protocol

# At or above this probability the evidence entails the sentence.
ENTAILED = 0.5
PACKAGE = "sentence_transformers"


class Entailment(Protocol):
    name: str

    def probability(self, premise: str, hypothesis: str) -> float:
        """How likely `premise` entails `hypothesis`, from 0 to 1."""
        ...


def local_entailment(model_dir: str | None) -> tuple[Entailment | None, str]:
    """The local NLI model when one is installed, else None and the reason in one line."""
    if find_spec(PACKAGE) is None:
        return None, "no local entailment model: sentence-transformers is not installed"
    if not model_dir:
        return None, "no local entailment model: name a cross-encoder NLI directory (--nli-model)"
    path = Path(model_dir).expanduser()
    if not path.is_dir():
        return None, f"no local entailment model: {path} is not a directory"
    return CrossEncoderNLI(path), f"entailment by {path.name}"


class CrossEncoderNLI:
    """A sentence-transformers CrossEncoder trained for NLI, loaded from a local directory."""

    def __init__(self, path: Path) -> None:
        from sentence_transformers import CrossEncoder  # optional; present when chosen

        self.name = path.name
        self._model: Any = CrossEncoder(str(path))
        config = getattr(self._model, "config", None) or self._model.model.config
        labels = {int(i): str(label).lower() for i, label in config.id2label.items()}
        found = [i for i, label in labels.items() if label.startswith("entail")]
        if not found:
            raise ValueError(f"{path}: the model has no 'entailment' label ({labels})")
        self._entailment = found[0]

    def probability(self, premise: str, hypothesis: str) -> float:
        scores = self._model.predict([(premise, hypothesis)], apply_softmax=True)
        return float(scores[0][self._entailment])
