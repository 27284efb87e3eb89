"""The about page (``app/pages/about.py``) through AppTest: in the planner's language, citing every
source document and the data years."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from suzhou_sim.app import state as S
from tests.app.apptest import (
    APP,
    needs_suzhou,
    open_page,
)


@needs_suzhou
def test_about_page_is_chinese_in_chinese(app):
    open_page(app, "about")
    assert not app.exception, app.exception
    text = "\n".join(m.value for m in app.markdown)
    for part in ("高新技术企业 → 企业带动就业", "口径提示", "苏委发〔2022〕1号"):
        assert part in text, part
    assert "`High tech enterprises`" not in text and "Definitional traps" not in text
    # the fit goals: the report's table, by indicator labels in Chinese (no series ids)
    goals = app.dataframe[0].value
    assert list(goals.columns[:2]) == ["序列", "MAPE(精确值与公布值,%)"]
    assert "有效高新技术企业数" in set(goals["序列"]) and "high_tech_enterprises" not in \
        set(goals["序列"])
    assert "MAPE(%)" in app.dataframe[1].value.columns
    # the diagram: one sector at a time, labelled in Chinese; the whole one on request
    diagram = app.get("graphviz_chart")[0].proto.spec
    assert 'label="企业梯队"' in diagram and 'label="首次认定"' in diagram
    app.button_group(key="about.part").set_value("Talent").run()
    assert 'label="人才"' in app.get("graphviz_chart")[0].proto.spec
    app.button_group(key=S.K_LANG).set_value("en").run()
    text = "\n".join(m.value for m in app.markdown)
    assert "`High tech enterprises`" in text and "Definitional traps" in text
    assert app.session_state["about.part"] == "Talent"  # kept across the language switch
    assert "Valid high-tech enterprises" in set(app.dataframe[0].value["Series"])
    diagram = app.get("graphviz_chart")[0].proto.spec
    assert 'label="Talent"' in diagram and "人才" not in diagram


@needs_suzhou
def test_about_cites_every_source_document_and_the_data_years():
    import re

    from suzhou_sim.catalogues.observations import load_observations
    from suzhou_sim.reporting.documents import DOCUMENTS

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["view"] = "about"
    at.run()
    assert not at.exception, at.exception
    body = next(m.value for m in at.markdown if "来源文件" in m.value)
    line = body.split("来源文件:", 1)[1]
    assert all(d.citation() in line for d in DOCUMENTS)  # number and title, all five
    assert not re.search(r"[A-Za-z]{3,}", line), line  # no English in the Chinese UI
    years = load_observations()["year"]
    assert f"{int(years.min())}—{int(years.max())} 年" in body  # what the data hold
