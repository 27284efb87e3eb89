"""YAML without surprises (``fileio.safe_yaml``): no duplicate keys, alias bombs or deep nesting."""

from __future__ import annotations

import pytest

from suzhou_sim.errors import InputError
from suzhou_sim.fileio.safe_yaml import MAX_DEPTH, parse_yaml
from suzhou_sim.fileio.text import read_text

# Nine levels of nine-fold aliases: 9**7 ≈ 4.8 million values from a 500-byte file.
ALIAS_BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdef", "bcdefg", strict=True))

BAD_YAML = {
    "alias bomb": (ALIAS_BOMB, "aliases expand to more than"),
    "deep flow nesting": ("[" * 5000 + "]" * 5000, f"nesting deeper than {MAX_DEPTH} levels"),
    "deep block nesting": ("- " * (MAX_DEPTH + 5) + "1\n", "nesting deeper than"),
    "duplicate key": ("name: a\ndraws: 10\nname: b\n", "line 3, column 1: duplicate key 'name'"),
    "duplicate nested key": ("levers:\n  special_fund: 1\n  special_fund: 2\n",
                             "duplicate key 'special_fund'"),
    "syntax error": ("name: [\n", "malformed YAML at line 2"),
    "python tag": ("x: !!python/object/apply:os.system ['true']\n", "malformed YAML"),
}


@pytest.mark.parametrize("case", sorted(BAD_YAML))
def test_bad_yaml_is_refused_on_one_line_naming_the_file(case):
    text, fragment = BAD_YAML[case]
    with pytest.raises(InputError) as err:
        parse_yaml(text, "scenarios/x.yaml")
    message = str(err.value)
    assert message.startswith("scenarios/x.yaml") and fragment in message
    assert "\n" not in message


GOOD_YAML = {
    "merge key": ("x: &x {a: 1}\ny:\n  <<: *x\n  b: 2\n", {"x": {"a": 1}, "y": {"a": 1, "b": 2}}),
    "small alias": ("a: &a [1, 2]\nb: *a\n", {"a": [1, 2], "b": [1, 2]}),
    "nesting at the limit": ("- " * (MAX_DEPTH - 1) + "1\n", None),
    "chinese text": ("title_zh: 基准情景\n", {"title_zh": "基准情景"}),
}


@pytest.mark.parametrize("case", sorted(GOOD_YAML))
def test_ordinary_yaml_still_loads(case):
    text, expected = GOOD_YAML[case]
    data = parse_yaml(text, "x.yaml")
    if expected is not None:
        assert data == expected


def _product_yaml_files():
    from suzhou_sim.paths import REPO_ROOT

    return sorted([*REPO_ROOT.glob("model/**/*.yaml"), *REPO_ROOT.glob("scenarios/*.yaml")])


def test_the_product_files_load_as_pyyaml_safe_loader_reads_them():
    # the libyaml-based loader must give the very values of yaml.SafeLoader
    import yaml

    files = _product_yaml_files()
    assert len(files) > 10
    for path in files:
        text = read_text(path)
        assert parse_yaml(text, path) == yaml.load(text, Loader=yaml.SafeLoader), path  # noqa: S506


@pytest.mark.parametrize(("text", "fragment"), [
    ("\t- x\n", "found character '\\t' that cannot start any token"),
    ('k: "\\q"\n', "found unknown escape character 'q'"),
])
def test_syntax_errors_quote_the_character_as_pyyaml_does(text, fragment):
    # libyaml's messages leave the character out; the file is read again for PyYAML's
    with pytest.raises(InputError) as err:
        parse_yaml(text, "x.yaml")
    assert fragment in str(err.value) and str(err.value).startswith("x.yaml: malformed YAML")


def test_text_libyaml_cannot_encode_is_refused_on_one_line():
    """A lone surrogate makes libyaml raise a UnicodeError of its own; the text is read
    again by the pure-Python loader and refused as bad input, not a traceback."""
    from suzhou_sim.errors import InputError
    from suzhou_sim.fileio.safe_yaml import parse_yaml

    with pytest.raises(InputError) as info:
        parse_yaml("name: \udc80\n", "bad.yaml")
    assert "bad.yaml" in str(info.value) and len(str(info.value).splitlines()) == 1
