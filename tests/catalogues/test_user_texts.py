"""The catalogues' user-facing texts cite the policy documents by number and title and speak
of the model, never of the repository's files: no "seed N", no source file names, no ".mdl"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from suzhou_sim.fileio.safe_yaml import load_yaml

REPO = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    [REPO / "model" / f for f in ("assumptions.yaml", "targets.yaml", "levers.yaml",
                                  "indicators.yaml")]
    + list((REPO / "model" / "regions").glob("*.yaml"))
    + list((REPO / "scenarios").glob("*.yaml")))
#: What a reader must not meet: the documents' collection names and the model file's suffix.
FORBIDDEN = re.compile(r"\bseeds?\b(?!\s*[:=])|\b\d{3}_[0-9a-f]{16}\.txt\b|\.mdl\b",
                       re.IGNORECASE)


def _strings(node: object, path: str = ""):
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{path}[{i}]")


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_catalogue_texts_cite_documents_by_number_and_title(path):
    found = [f"{where}: {FORBIDDEN.search(text).group(0)!r}"
             for where, text in _strings(load_yaml(path)) if FORBIDDEN.search(text)]
    assert not found, found


def test_the_pattern_catches_what_it_is_for():
    for text in ("see seed 001 一(三)", "Seed 002", "000_95d4d1bc504ac136.txt",
                 "Assumption (.mdl): 5%", "The seed reads"):
        assert FORBIDDEN.search(text), text
    for text in ("苏府办〔2022〕127号 一(三)", "seed: 0", "the model's default"):
        assert not FORBIDDEN.search(text), text
