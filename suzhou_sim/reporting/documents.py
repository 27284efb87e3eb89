"""The policy documents the targets and scenarios cite, by number and title.

Lives here: the table of source documents (document number, title, issuer and date) that the
targets' ``source_doc`` (``苏委发〔2022〕1号 四(一)2``) point to, and the citation of a
source as a reader expects it: number, title in 《》 and clause. The documents themselves are
summarised in ``data/README.md``.

Must not: read the documents' files or refer to them by file name.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Document", "DOCUMENTS", "cite", "cited_documents", "documents_line"]


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
        return f"{self.number}《{self.title}》" if self.number else f"《{self.title}》"


#: The documents of ``data/README.md`` ("Source documents").
DOCUMENTS: tuple[Document, ...] = (
    Document("苏委发〔2022〕1号", "苏州市推进数字经济时代产业创新集群发展指导意见",
             "中共苏州市委、苏州市人民政府", "2022"),
    Document("苏府办〔2022〕127号", "关于加快推进全市科技招商工作的指导意见",
             "苏州市人民政府办公室", "2022-07"),
    Document("", "市政府关于加快培育未来产业的工作意见", "苏州市人民政府", "2023-09"),
    Document("昆政办发〔2024〕33号",
             "昆山市实施“八大工程”全面提升科技创新能力三年行动计划(2024—2026年)",
             "昆山市人民政府办公室", "2024"),
    # the news report of the meeting that launched the 14th-plan funding (2021 baselines,
    # the >=1000亿 special funds and >=2000亿 cluster fund); it carries no document number
    Document("", "2022苏州“新年第一会”聚焦创新集群", "中国工业报", "2022-01-12"),
)


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
