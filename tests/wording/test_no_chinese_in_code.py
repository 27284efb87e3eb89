"""The guard of the wording room: no Chinese text in the code outside docstrings and comments.

Every user-facing text lives in ``suzhou_sim/wording/texts/*.yaml``; a string literal of a
``.py`` file under ``suzhou_sim/`` or of ``app.py`` that holds a CJK character fails here,
unless it is a docstring or its physical line ends with ``# zh-ok: <reason>`` (a font family
name, a regex over Chinese units in data: Chinese that is not wording).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: CJK symbols and punctuation, CJK unified ideographs, half- and full-width forms.
CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

#: The comment that allows the Chinese of its line, with a non-empty reason.
ZH_OK = re.compile(r"#\s*zh-ok:\s*\S")

def _code_files() -> list[Path]:
    return sorted((ROOT / "suzhou_sim").rglob("*.py")) + [ROOT / "app.py"]


def _docstrings(tree: ast.AST) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) as (line, column) of every docstring: the first statement of a module,
    class or function when it is a string expression (which may be several tokens)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                doc = body[0].value
                out.append(((doc.lineno, doc.col_offset), (doc.end_lineno, doc.end_col_offset)))
    return out


def chinese_literals(path: Path) -> list[tuple[int, str]]:
    """(line, literal) of every string token of ``path`` holding a CJK character that is
    neither a docstring nor on a line ending with ``# zh-ok: <reason>``."""
    source = path.read_text(encoding="utf-8")
    docstrings = _docstrings(ast.parse(source, filename=str(path)))
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    # a comment token is always the end of its physical line
    allowed = {tok.start[0] for tok in tokens
               if tok.type == tokenize.COMMENT and ZH_OK.match(tok.string)}
    # f-strings tokenize as several tokens on Python 3.12+; every kind holding text counts
    text_tokens = {tokenize.STRING} | {getattr(tokenize, name) for name in
                                       ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
                                       if hasattr(tokenize, name)}
    out: list[tuple[int, str]] = []
    for tok in tokens:
        if tok.type not in text_tokens or not CJK.search(tok.string):
            continue
        if any(start <= tok.start and tok.end <= end for start, end in docstrings):
            continue
        # a literal over several lines is allowed by the comment on its last line
        if tok.end[0] in allowed:
            continue
        out.append((tok.start[0], tok.string))
    return out


@lru_cache(maxsize=1)
def _offenders() -> dict[str, list[tuple[int, str]]]:
    out = {}
    for path in _code_files():
        found = chinese_literals(path)
        if found:
            out[path.relative_to(ROOT).as_posix()] = found
    return out


def test_no_chinese_literals_in_code():
    bad = _offenders()
    message = "\n".join(f"{name}:{line}: {literal}" for name, found in bad.items()
                        for line, literal in found)
    assert not bad, ("Chinese text in code: move it to suzhou_sim/wording/texts/*.yaml and "
                     "call say(), or end the line with '# zh-ok: <reason>':\n" + message)


def test_guard_finds_a_literal_and_spares_docstrings_and_zh_ok(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""模块。"""\n'
                      'def f():\n'
                      '    ("函数，"\n'
                      '     "续。")\n'
                      '    a = "概率"\n'
                      '    b = "字体"  # zh-ok: a font name\n'
                      '    c = "字体"  # zh-ok:\n'
                      '    d = f"{a}年"\n'
                      '    e = "# zh-ok: not a comment，"\n'
                      '    return "ok"  # 注释\n', encoding="utf-8")
    found = chinese_literals(sample)
    assert [line for line, _ in found] == [5, 7, 8, 9]
    assert found[0] == (5, '"概率"')
