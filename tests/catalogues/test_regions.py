"""Region profiles and the list of regions discovered from them (``catalogues/regions.py``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from suzhou_sim.catalogues.regions import (
    DEFAULT_REGION,
    check_region,
    load_region,
    region_names,
)
from suzhou_sim.errors import InputError
from suzhou_sim.paths import REGIONS_DIR


@pytest.fixture
def regions(tmp_path) -> Path:
    folder = tmp_path / "regions"
    shutil.copytree(REGIONS_DIR, folder)
    return folder


def test_the_shipped_profiles():
    assert region_names() == ("suzhou", "kunshan") and region_names()[0] == DEFAULT_REGION
    suzhou, kunshan = load_region("suzhou"), load_region("kunshan")
    assert suzhou.parent is None and kunshan.parent == "suzhou"
    assert (suzhou.baseline, kunshan.baseline) == ("baseline.yaml", "kunshan_baseline.yaml")
    assert (kunshan.label("zh"), kunshan.label("en")) == ("昆山市", "Kunshan")


def test_a_new_profile_is_a_new_region_without_code(regions):
    (regions / "taicang.yaml").write_text(
        "label_en: Taicang\nlabel_zh: 太仓市\nparent: suzhou\nscale: 0.07\n", encoding="utf-8")
    (regions / "aaa_root.yaml").write_text("label_en: A\nlabel_zh: 甲\n", encoding="utf-8")
    (regions / "Not-A-Name.yaml").write_text("label_en: x\n", encoding="utf-8")
    # regions fitted on their own priors first, then the others, each by name
    assert region_names(regions) == ("aaa_root", "suzhou", "kunshan", "taicang")
    taicang = load_region("taicang", regions)
    assert taicang.parent == "suzhou" and taicang.scale == 0.07 and taicang.baseline is None
    assert check_region("taicang", "--region", regions) == "taicang"


@pytest.mark.parametrize(("text", "message"), [
    ("parent: wuxi\n", "parent: 'wuxi' is not another region (allowed: suzhou, kunshan)"),
    ("parent: taicang\n", "parent: 'taicang' is not another region"),  # itself
    ("baseline: ../x.yaml\n", "baseline: '../x.yaml' is not allowed"),
    ("baseline: 3\n", "baseline: 3 is not allowed"),
    ("scale: big\n", "scale: not a number"),
])
def test_a_bad_profile_field_is_one_line_naming_file_and_field(regions, text, message):
    path = regions / "taicang.yaml"
    path.write_text("label_en: Taicang\nlabel_zh: 太仓市\n" + text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_region("taicang", regions)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)
    assert "\n" not in str(info.value)


def test_an_unknown_region_names_the_choices(regions):
    with pytest.raises(InputError, match=r"--region: 'wuxi' is not a region \(allowed: "
                                         r"suzhou, kunshan\)"):
        check_region("wuxi", "--region", regions)
    with pytest.raises(InputError, match="unknown region 'wuxi'; allowed: suzhou, kunshan"):
        load_region("wuxi", regions)


def test_the_list_follows_the_files(regions):
    assert "kunshan" in region_names(regions)
    (regions / "kunshan.yaml").unlink()
    assert region_names(regions) == ("suzhou",)
