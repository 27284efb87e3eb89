"""Structured problems (``wording/problems.py``): terms and names shown in the reader's language."""

from __future__ import annotations

from suzhou_sim.wording.problems import Names, Problem, Term


def test_terms_and_names_are_shown_in_the_readers_language():
    p = Problem("err.file_not_found", file="x.yaml", what=Term("scenario"))
    assert str(p) == "x.yaml: scenario not found"
    assert p.text("zh") == "x.yaml:找不到情景文件"
    q = Problem("err.url_allowed", file="lang=fr", allowed=Names(["zh", "en"]))
    assert q.text("zh", {"zh": "中文"}) == "lang=fr:允许的取值:中文、en"
