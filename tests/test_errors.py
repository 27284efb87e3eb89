"""The shared error type (``errors.py``): an ``InputError`` is its English line, keeps its
structured problems (also through pickling, for worker processes) and renders in Chinese."""

from __future__ import annotations

import pickle

from suzhou_sim.errors import InputError, render_error
from suzhou_sim.wording.problems import Names, Phrase, Problem, Term, problems_of


def _no_rows(file: str) -> InputError:
    return InputError(code="err.csv_no_rows", file=file, what=Term("policy-target CSV"))


def test_a_coded_error_is_one_english_line_naming_the_file_and_keeps_its_fields():
    err = _no_rows("x.csv")
    assert isinstance(err, ValueError)  # callers that catch ValueError still catch it
    assert str(err).startswith("x.csv") and "\n" not in str(err)
    assert (err.code, str(err.file)) == ("err.csv_no_rows", "x.csv")
    assert render_error(err, "en") == str(err)


def test_several_problems_give_one_line_each():
    what = Term("policy-target CSV")
    err = InputError(problems=[Problem("err.csv_no_rows", file="a.csv", what=what),
                               Problem("err.csv_no_rows", file="b.csv", what=what)])
    english, chinese = str(err).splitlines(), err.render("zh").splitlines()
    assert [line[:5] for line in english] == [line[:5] for line in chinese] == ["a.csv", "b.csv"]
    assert err.code == "err.csv_no_rows" and str(err.file) == "a.csv"  # the first problem


def test_an_input_error_is_its_english_line_and_keeps_its_structure():
    err = InputError(code="err.unknown_field", file="a.yaml", name="foo",
                     suggestion=Phrase("err.suggest_close",
                                       {"close": Names(["food"], "or"),
                                        "allowed": Names(["food", "bar"])}))
    assert str(err) == "a.yaml: unknown field 'foo'; did you mean 'food'? allowed: food, bar"
    assert (err.code, err.file, err.values["name"]) == ("err.unknown_field", "a.yaml", "foo")
    assert render_error(err, "zh") == "a.yaml:未知字段“foo”;是否应为 “food”?允许:food、bar"
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) and again.render("zh") == err.render("zh")
    assert problems_of(str(err))[0].code == "err.unknown_field"  # the message keeps it


def test_a_plain_message_still_works_as_before():
    err = InputError("--seed: -1 is not allowed")
    assert str(err) == "--seed: -1 is not allowed" and err.code is None
    assert render_error(err, "zh") == str(err)
