"""Reading a CSV catalogue (``catalogues/csv_tables.py``): text cells, the needed columns,
number cells checked, every problem one line naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from suzhou_sim.catalogues.csv_tables import read_csv_table
from suzhou_sim.errors import InputError


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_table_is_read_as_text_cells(tmp_path):
    path = _csv(tmp_path, "id,value,note\na,1.5,\nb,,x\n")
    table = read_csv_table(path, "policy-target CSV", ["id", "value"], numeric=["value"])
    assert table.to_dict("list") == {"id": ["a", "b"], "value": ["1.5", ""], "note": ["", "x"]}


@pytest.mark.parametrize(("text", "code", "fragment"), [
    ("id,note\na,x\n", "err.csv_lacks_columns", "value"),
    ("id,value\n", "err.csv_no_rows", ""),
    ("id,value\na,1\nb,many\n", "err.obs_at", "many"),
    ("id,value\na,1\nb,inf\n", "err.obs_at", "inf"),
    ('id,value\n"a,1\n', "err.csv_unreadable", ""),
])
def test_each_problem_is_one_line_naming_the_file(tmp_path, text, code, fragment):
    path = _csv(tmp_path, text)
    with pytest.raises(InputError) as err:
        read_csv_table(path, "policy-target CSV", ["id", "value"], numeric=["value"])
    message = str(err.value)
    assert err.value.code == code and message.startswith(str(path)) and "\n" not in message
    assert fragment in message


def test_a_bad_number_names_its_row_and_column(tmp_path):
    path = _csv(tmp_path, "id,value\na,1\nb,many\n")
    with pytest.raises(InputError) as err:
        read_csv_table(path, "policy-target CSV", ["id"], numeric=["value"])
    assert err.value.values["row"] == 3 and err.value.values["column"] == "value"


def test_a_file_that_is_not_utf8_is_refused_before_parsing(tmp_path):
    path = tmp_path / "table.csv"
    path.write_bytes("id,value\n甲,1\n".encode("gbk"))
    with pytest.raises(InputError, match="is not UTF-8 text"):
        read_csv_table(path, "policy-target CSV", ["id"])
