"""The source documents (``reporting/documents.py``): cited by number, title and clause, listed
in their order, on one line in either language's punctuation."""

from __future__ import annotations

from suzhou_sim.reporting.documents import DOCUMENTS, cite, cited_documents, documents_line


def test_a_source_is_cited_with_its_title_and_clause():
    first = DOCUMENTS[0]
    assert cite(f"{first.number}四(一)2") == f"{first.number}《{first.title}》 四(一)2"
    assert cite(first.number) == f"{first.number}《{first.title}》"
    untitled = next(d for d in DOCUMENTS if not d.number)
    assert untitled.key == untitled.title and cite(untitled.title) == f"《{untitled.title}》"
    assert cite("an unknown source") == "an unknown source"


def test_cited_documents_come_once_each_in_the_order_of_the_table():
    a, b = DOCUMENTS[0], DOCUMENTS[1]
    sources = [f"{b.number} 二", "unknown", f"{a.number} 一", f"{b.number} 三"]
    assert cited_documents(sources) == [a, b]
    assert cited_documents([]) == []


def test_the_documents_line_names_every_document_with_issuer_and_date():
    for lang, separator in (("en", "; "), ("zh", ";")):
        line = documents_line(lang)
        assert "\n" not in line and line.count(separator) == len(DOCUMENTS) - 1
        for doc in DOCUMENTS:
            assert doc.citation() in line and doc.issuer in line and doc.date in line
    assert f"({DOCUMENTS[0].issuer}, {DOCUMENTS[0].date})" in documents_line("en")
    assert f"({DOCUMENTS[0].issuer},{DOCUMENTS[0].date})" in documents_line("zh")
