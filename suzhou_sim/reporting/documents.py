"""The policy documents the targets and scenarios cite, by number and title.

Lives here: the one sources table (document number, title, issuer and date), read once from
``data/source_documents.csv`` (the titles are proper names, data rather than wording), that
the targets' ``source_doc`` (``苏委发〔2022〕1号 四(一)2``) point to, and the citation of a
source as a reader expects it: number, title in 《》 and clause. The documents themselves are
summarised in ``data/README.md``.

Must not: read the documents' files or refer to them by file name.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalogues.csv_tables import read_csv_table
from ..paths import DATA_DIR

__all__ = ["Document", "DOCUMENTS", "SOURCES_FILE", "cite", "cited_documents", "documents_line"]


@dataclass(frozen=True)
class Document:
    """One source document: its number (empty when it carries none), title, issuer, date."""

    number: str
    title: str
    issuer: str
    date: str

    @property
    def key(self) -> str:
        """What a ``source_doc`` starts with: the number, or the title without one."""
        return self.number or self.title

    def citation(self) -> str:
        """``苏委发〔2022〕1号《苏州市推进数字经济时代产业创新集群发展指导意见》``."""
        return (f"{self.number}《{self.title}》"  # zh-ok: title marks of a Chinese citation
                if self.number else f"《{self.title}》")  # zh-ok: the same, without a number


#: The one sources table: a row per document (number, title, issuer, date, note), in the order
#: the reports list them; a copy of the project (``SUZHOU_SIM_HOME``) brings its own.
SOURCES_FILE = DATA_DIR / "source_documents.csv"


def _load_documents() -> tuple[Document, ...]:
    """The documents of :data:`SOURCES_FILE`, in its order (read once, when imported)."""
    table = read_csv_table(SOURCES_FILE, "source-document CSV",
                           ("number", "title", "issuer", "date"))
    return tuple(Document(r.number.strip(), r.title.strip(), r.issuer.strip(), r.date.strip())
                 for r in table.itertuples(index=False))


#: The source documents, from :data:`SOURCES_FILE` (summarised in ``data/README.md``).
DOCUMENTS: tuple[Document, ...] = _load_documents()


def _document(source: str) -> Document | None:
    return next((d for d in DOCUMENTS if source.startswith(d.key)), None)


def cite(source: str) -> str:
    """A target's ``source_doc`` as a citation: number, title and clause
    (``苏委发〔2022〕1号《…》四(一)2``); a source of no known document is returned as it is."""
    doc = _document(source)
    if doc is None:
        return source
    clause = source[len(doc.key):].strip()
    return f"{doc.citation()} {clause}".strip()


def cited_documents(sources: list[str]) -> list[Document]:
    """The documents ``sources`` cite, in the order of :data:`DOCUMENTS`."""
    found = {d for s in sources if (d := _document(s)) is not None}
    return [d for d in DOCUMENTS if d in found]


def documents_line(lang: str) -> str:
    """Every source document on one line, each as its citation with issuer and date
    (``苏委发〔2022〕1号《…》(中共苏州市委、苏州市人民政府,2022)``), in ``lang``'s
    punctuation: the titles are proper names and stay in Chinese."""
    if lang == "en":
        return "; ".join(f"{d.citation()} ({d.issuer}, {d.date})" for d in DOCUMENTS)
    return ";".join(f"{d.citation()}({d.issuer},{d.date})" for d in DOCUMENTS)
