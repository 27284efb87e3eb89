"""Bounded UTF-8 reading (``fileio.text``): UTF-8 with or without BOM, anything else refused."""

from __future__ import annotations

import codecs

import pytest

from suzhou_sim.errors import InputError
from suzhou_sim.fileio.safe_yaml import load_yaml
from suzhou_sim.fileio.text import read_text

ENCODINGS = {
    "utf-8": (lambda t: t.encode("utf-8"), None),
    "utf-8 with BOM": (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), None),
    "utf-16": (lambda t: t.encode("utf-16"), "is UTF-16 text; save it as UTF-8"),
    "utf-16-be without BOM": (lambda t: t.encode("utf-16-be"), "binary file"),
    "utf-32": (lambda t: t.encode("utf-32"), "is UTF-32 text"),
    "gbk": (lambda t: t.encode("gbk"), "is not UTF-8 text (byte 0x"),
    "binary": (lambda t: bytes(range(256)), "binary file"),
}


@pytest.mark.parametrize("case", sorted(ENCODINGS))
def test_files_are_read_as_utf8_or_refused(tmp_path, case):
    encode, fragment = ENCODINGS[case]
    path = tmp_path / "scenario.yaml"
    path.write_bytes(encode("title_zh: 基准情景\n"))
    if fragment is None:
        assert load_yaml(path, "scenario") == {"title_zh": "基准情景"}
        return
    with pytest.raises(InputError) as err:
        read_text(path, "scenario")
    assert str(err.value).startswith(str(path)) and fragment in str(err.value)


@pytest.mark.parametrize("make, fragment", [
    (lambda p: None, "scenario not found"),
    (lambda p: p.mkdir(), "is a folder"),
])
def test_missing_file_and_folder(tmp_path, make, fragment):
    path = tmp_path / "x.yaml"
    make(path)
    with pytest.raises(InputError, match=fragment):
        read_text(path, "scenario")
