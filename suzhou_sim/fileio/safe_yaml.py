"""Safe YAML reading for every input file of the product.

Lives here: :func:`load_yaml` (a file) and :func:`parse_yaml` (text already read), built on
PyYAML's safe loading with three extra refusals: duplicate keys (YAML would silently keep
the last), aliases whose expansion exceeds :data:`MAX_NODES` nodes (the "billion laughs"
alias bomb) and nesting deeper than :data:`MAX_DEPTH` levels. Every refusal and every syntax
error is an :class:`~suzhou_sim.errors.InputError` of one line naming the file and the line.
The text is scanned and parsed by libyaml (PyYAML's C ``CParser``) when PyYAML was built with
it, seven times faster than the pure-Python scanner; the document is still composed by
PyYAML's Python composer and constructed by its ``SafeConstructor``, so that the three checks
above run as the nodes are built, whichever parser reads the events. A file libyaml refuses
is read again by the pure-Python loader, whose messages quote the offending character.
Must not: validate what the data mean (the catalogues do that) or write YAML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..limits import MAX_INPUT_BYTES
from ..wording.problems import Problem
from .text import read_text

__all__ = ["MAX_DEPTH", "MAX_NODES", "load_yaml", "parse_yaml"]

#: Deepest nesting accepted (the product's files nest 4 levels at most).
MAX_DEPTH = 50
#: Most nodes a document may expand to, counting every alias use as a copy of its anchor.
MAX_NODES = 200_000


class _Refused(yaml.YAMLError):
    """A document that parses but is refused (duplicate key, alias bomb, deep nesting)."""

    def __init__(self, problem: Problem, mark: yaml.Mark | None) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.problem_mark = mark


class _Checks:
    """Depth, alias-expansion and duplicate-key checks, mixed into a safe loader."""

    _depth = 0

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201 - PyYAML's signature
        # Checked while composing, before PyYAML's own recursion can overflow the stack.
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(Problem("err.yaml_too_deep", limit=MAX_DEPTH),
                               self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self):  # noqa: ANN201
        node = super().get_single_node()
        if node is not None:
            _check_expansion(node)
        return node

    def construct_mapping(self, node, deep=False):  # noqa: ANN001, ANN201
        if isinstance(node, yaml.MappingNode):
            seen: set = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:  # unhashable key: PyYAML reports it below
                    continue
                if duplicate:
                    raise _Refused(Problem("err.yaml_duplicate_key", key=key),
                                   key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


class _PyLoader(_Checks, yaml.SafeLoader):
    """``yaml.SafeLoader`` (pure Python) with the checks; its error messages are the ones
    reported (they quote the offending character, libyaml's do not)."""


try:  # libyaml's scanner and parser, when PyYAML was built with it
    from yaml.cyaml import CParser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _Loader: type = _PyLoader
else:
    class _Loader(_Checks, yaml.composer.Composer, CParser,  # type: ignore[no-redef]
                  yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """The checks on libyaml's events: PyYAML's Python ``Composer`` (listed before
        ``CParser``, whose own composer would bypass the depth check) builds the nodes and
        ``SafeConstructor`` the values, as in ``yaml.SafeLoader``."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)


def _check_expansion(root: yaml.Node) -> None:
    """Refuse documents whose aliases expand to more than :data:`MAX_NODES` nodes."""
    sizes: dict[int, int] = {}
    aliased = [False]

    def size(node: yaml.Node) -> int:
        if id(node) in sizes:
            aliased[0] = True  # the same node met twice: an alias
            return sizes[id(node)]
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        sizes[id(node)] = total
        if total > MAX_NODES:
            problem = Problem("err.yaml_aliases" if aliased[0] else "err.yaml_too_many",
                              limit=MAX_NODES)
            raise _Refused(problem, node.start_mark)
        return total

    size(root)


def parse_yaml(text: str, source: str | Path) -> Any:
    """Parse YAML ``text`` safely; ``source`` names it in messages.

    Raises
    ------
    InputError
        One line: ``source: malformed YAML at line L, column C: problem`` for syntax errors,
        ``source: line L, column C: problem`` for refused documents.
    """
    try:
        try:
            return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader constructs safely
        except _Refused:
            raise
        except (yaml.YAMLError, UnicodeError):
            # libyaml refuses some text (a lone surrogate) with a UnicodeError of its own
            if _Loader is _PyLoader:
                raise
        # a rare malformed file: read again by the pure-Python loader for its message
        return yaml.load(text, Loader=_PyLoader)  # noqa: S506 - a SafeLoader
    except _Refused as exc:
        mark = exc.problem_mark
        if mark is None:
            raise InputError(problems=[exc.problem.located(source)]) from None
        raise InputError(code="err.yaml_at", file=source, line=mark.line + 1,
                         column=mark.column + 1, reason=exc.problem) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if mark is None:
            raise InputError(code="err.yaml_malformed", file=source, problem=problem) from None
        raise InputError(code="err.yaml_malformed_at", file=source, line=mark.line + 1,
                         column=mark.column + 1, problem=problem) from None


def load_yaml(path: str | Path, what: str = "YAML file", max_bytes: int = MAX_INPUT_BYTES) -> Any:
    """Read ``path`` as UTF-8 (see :func:`~suzhou_sim.fileio.text.read_text`) and parse it.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file is, for messages.
    max_bytes : int
        Largest file read (checked before reading).

    Raises
    ------
    InputError
        Unreadable or non-UTF-8 file, malformed YAML, duplicate keys, alias bombs, deep
        nesting; one line naming the file.
    """
    return parse_yaml(read_text(path, what, max_bytes), path)
