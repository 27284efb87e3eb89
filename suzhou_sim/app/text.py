"""Bilingual (中文 / English) interface strings of the Streamlit app (and its number formatting).

Lives here: every piece of interface text the app writes itself (labels of its own widgets,
headings, captions, help). The display names of the model's units and plan periods and the
formatting of numbers, probabilities and differences are shared with the reports and live in
:mod:`suzhou_sim.reporting.labels`; they are re-exported here for the app's modules. Labels of
levers, assumptions, targets, indicators and regions are not here: they come from the
catalogues, the ledger and the registry.
Must not: import Streamlit, run the model or read project files.
"""

from __future__ import annotations

import re

from ..reporting.headline_text import HEADLINE_TITLE
from ..reporting.labels import (
    fmt_points,
    fmt_probability,
    fmt_quantity,
    fmt_value,
    in_language,
    period_label,
    unit_label,
)
from ..reporting.markdown import STATUS_TEXT

__all__ = [
    "LANGS",
    "LANG_NAMES",
    "tr",
    "unit_label",
    "fmt_value",
    "fmt_quantity",
    "fmt_probability",
    "fmt_points",
    "period_label",
    "comparator_label",
    "multiselect_text",
    "url_problem",
    "bound_label",
    "problem_reason",
    "FIELDS_ZH",
    "LOOP_PATHS_ZH",
    "loop_path",
]

LANGS: tuple[str, ...] = ("zh", "en")
LANG_NAMES = {"zh": "中文", "en": "English"}

# key -> (Chinese, English). Placeholders use str.format names.
_STRINGS: dict[str, tuple[str, str]] = {
    # page
    "app_title": ("苏州创新政策情景模拟器", "Suzhou innovation-policy simulator"),
    "app_caption": (
        "系统动力学模型经 {first}—{last} 年历史数据校准;概率 = 后验参数 × 假设抽样中达成目标的比例,"
        "各情景共用同一组抽样(公共随机数)。",
        "A system-dynamics model calibrated to {first}-{last}; probability = share of posterior x "
        "assumption draws that reach a target; every scenario uses the same draws (common random "
        "numbers).",
    ),
    "language": ("语言 / Language", "Language / 语言"),
    "region": ("地区", "Region"),
    "scenario": ("情景", "Scenario"),
    "scenario_help": (
        "scenarios/ 文件夹中的情景文件与已保存的情景(按地区筛选)。选择后滑块重置为该情景的取值。",
        "Scenario files in scenarios/ and saved scenarios (for this region). Picking one resets "
        "the sliders to it.",
    ),
    "uploaded_scenario": ("已导入:{name}", "Uploaded: {name}"),
    "reset": ("重置为所选情景", "Reset to the picked scenario"),
    "levers": ("政策杠杆(可控)", "Policy levers (what planners choose)"),
    "levers_caption": (
        "按五年规划时期设定;{last} 年及以前为历史,不可更改。",
        "Set per Five-Year-Plan period; {last} and earlier are history and cannot be changed.",
    ),
    "assumptions": ("外部假设(不可控)", "Assumptions (outside planners' control)"),
    "assumptions_caption": (
        "每项假设按三角分布抽样:众数为“默认值”,范围为“不确定区间”。",
        "Each assumption is drawn from a triangle: mode at the default, between low and high.",
    ),
    "assumption_range": ("{label}:不确定区间", "{label}: uncertainty range"),
    "assumption_default": ("{label}:默认值", "{label}: default"),
    "assumption_clamped": (
        "默认值 {value} 不在区间内,计算时取区间端点 {used}。",
        "The default {value} lies outside the range; the run uses the nearest end, {used}.",
    ),
    "ensemble": ("抽样设置", "Ensemble"),
    "draws": ("抽样次数", "Draws"),
    "draws_help": (
        "参数组数(后验 × 假设);越多越稳定,越慢。",
        "Parameter sets (posterior x assumptions); more is steadier and slower.",
    ),
    "seed": ("随机种子", "Seed"),
    "seed_help": (
        "相同种子 = 相同抽样;情景间差异只来自政策。",
        "Same seed = same draws; differences between scenarios come from policy only.",
    ),
    "save_load": ("保存与导入", "Save and load"),
    "download_yaml": ("下载当前设置(情景 YAML)", "Download the settings (scenario YAML)"),
    "download_targets": ("下载目标结果(CSV)", "Download the target results (CSV)"),
    "download_series": ("下载轨迹数据(CSV)", "Download the trajectories (CSV)"),
    "upload": ("导入情景文件(YAML)", "Upload a scenario file (YAML)"),
    "upload_help": ("拖入或选择一个 .yaml/.yml 情景文件(每个不超过 200MB)。",
                    "Drop or choose one .yaml/.yml scenario file (200MB at most)."),
    "paste": ("或粘贴情景 YAML", "Or paste scenario YAML"),
    "apply_paste": ("应用粘贴的情景", "Apply the pasted scenario"),
    "upload_error": (
        "情景文件无效,设置未作更改:\n\n{message}",
        "The scenario is not valid; nothing was changed:\n\n{message}",
    ),
    "upload_ok": ("已导入情景 {name}。", "Scenario {name} loaded."),
    "changes": ("相对所选情景的调整:{items}", "Changed from the picked scenario: {items}"),
    "no_changes": ("与所选情景一致。", "Same as the picked scenario."),
    # views
    "view": ("视图", "View"),
    "view_scoreboard": ("目标记分牌", "Target scoreboard"),
    "view_charts": ("轨迹图", "Trajectories"),
    "view_compare": ("情景对比", "Compare scenarios"),
    "view_goal": ("目标反推", "Goal seeking"),
    "view_effects": ("杠杆边际效果", "What each lever buys"),
    "view_about": ("关于模型", "About the model"),
    "run_info": (
        "{region} · {scenario} · {draws} 次抽样 · 种子 {seed} · 计算 {seconds:.2f} 秒 · "
        "参数:{source}",
        "{region} · {scenario} · {draws} draws · seed {seed} · run {seconds:.2f} s · "
        "parameters: {source}",
    ),
    "posterior_info": (
        "{region}已存储的校准后验({n} 组参数)",
        "stored calibration of {region} ({n} parameter sets)",
    ),
    "no_calibration": (
        "{region}暂无校准结果,无法计算概率。{message}",
        "No calibration is stored for {region} yet, so no probabilities can be computed. "
        "{message}",
    ),
    "run_failed": ("无法计算:{message}", "Could not compute: {message}"),
    "bad_settings": ("当前设置无效:{message}", "The current settings are not valid: {message}"),
    "computing": ("计算中…", "Computing…"),
    "curves_pending": ("随假设变化的概率计算中…", "Probability over the assumption: computing…"),
    # scoreboard
    "sb_summary": (
        "有单一概率的 {n} 项目标中:{green} 项 P(达到目标值) ≥80%,{amber} 项 50–80%,"
        "{orange} 项 20–50%,{red} 项 <20%(下限/上限目标按所示界值计)。",
        "Of the {n} targets with one probability: {green} have P(value ≥ threshold) ≥80%, "
        "{amber} 50-80%, {orange} 20-50%, {red} below 20% (bounds counted at the bound shown).",
    ),
    "sb_status_summary": ("按状态:{counts}。", "By status: {counts}."),
    "headline": HEADLINE_TITLE,
    "sb_statuses": ("状态与颜色说明", "Statuses and colours"),
    "sb_fix": ("固定驱动假设,得到单一条件概率", "Fix a driving assumption for one conditional "
               "probability"),
    "sb_fix_help": (
        "“取决于假设”的目标给出的是假设取值区间上的概率范围。固定某项假设后,记分牌和结论摘要"
        "显示该取值下的条件概率(其余假设照常抽样)。",
        "Targets that depend on an assumption show the range of their probability over it. "
        "Fix the assumption and the scoreboard and headline show the probability conditional "
        "on that value (the other assumptions drawn as usual).",
    ),
    "sb_fix_free": ("不固定(显示区间)", "free (show the range)"),
    "sb_status": ("状态", "Status"),
    "sb_status_help": ("状态定义:{definitions}", "Statuses: {definitions}"),
    "sb_target": ("目标与出处", "Target and source clause"),
    "sb_year": ("年份", "Year"),
    "sb_threshold": ("目标值", "Threshold"),
    "sb_probability": ("P(达到目标值)", "P(value ≥ threshold)"),
    "sb_median": ("中位数(P10–P90)", "Median (p10-p90)"),
    "sb_first_year": ("首次达成", "First reached"),
    "sb_delta": ("较基准", "vs baseline"),
    "sb_delta_policy": ("政策效应", "Policy effect"),
    "sb_delta_policy_help": (
        "相对“调整假设后的基准”(基准杠杆 + 当前假设)的变化,只反映政策差异。",
        "Change against the modified baseline (baseline levers under the current assumptions): "
        "the policy effect alone.",
    ),
    "sb_note": ("定义说明", "Definition notes"),
    "sb_year_group": ("{year} 年目标", "{year} targets"),
    "sb_never": ("2035年前未达成", "not by 2035"),
    "sb_reach80": ("80% 概率可达到的水平:{level}", "level reachable with 80%: {level}"),
    "sb_reach80_lower": ("80% 概率可达到的水平:至少 {level}",
                         "level reachable with 80%: at least {level}"),
    "sb_is_baseline": ("(本身即基准)", "(is the baseline)"),
    "sb_out_of_scope": ("模型范围外的目标", "Targets outside model scope"),
    "sb_out_mark": ("范围外", "out of scope"),
    "sb_reason": ("原因", "Reason"),
    "sb_legend": (
        "颜色:绿 ≥80% · 琥珀 50–80% · 橙 20–50% · 红 <20%。"
        "概率 = P(数值 ≥ 目标值),“约”类目标(~)另列 ±5% 以内的概率;“每年”类目标须在每一年都达到。"
        "首次达成 = 过半抽样达成时的中位年份。"
        "较基准 = 与本地区基准情景(相同抽样)之差,单位为百分点。说明文字来自目标台账。",
        "Colours: green ≥80% · amber 50-80% · orange 20-50% · red <20%. Probability = "
        "P(value ≥ threshold); 'about' targets (~) also show P(within ±5%); 'every year' "
        "targets must hold in each year. First reached = median first year, blank when fewer "
        "than half of the draws reach it. vs baseline = difference from the region's baseline "
        "scenario on the same draws, in percentage points. Notes come from the target ledger.",
    ),
    "about_prefix": ("约", "about"),
    # charts
    "chart_indicators": ("选择指标", "Indicators"),
    "chart_scenario": ("当前情景中位数", "Current scenario (median)"),
    "chart_baseline": ("基准情景中位数", "Baseline (median)"),
    "chart_modified": (
        "调整假设后的基准", "Modified baseline (baseline levers, current assumptions)"
    ),
    "chart_band": ("当前情景 10–90% 区间", "Current scenario, 10-90% band"),
    "chart_target": ("目标", "Target"),
    "chart_year": ("年份(年末)", "Year (year-end)"),
    "chart_cumulative": ("{base}年起累计", "cumulative since {base}"),
    "chart_caption": (
        "图例见各图下方;空心历史点 = 未核实。虚线为基准情景,点线为“调整假设后的基准”"
        "(仅在假设与所选情景不同时显示):基准与点线之差是假设的作用,点线与实线之差是政策的作用。"
        "鼠标悬停在点或星号上可查看数值。",
        "Legends below each chart; a hollow history point is unverified. Dashed: baseline; "
        "dotted: the modified baseline (shown when the assumptions differ from the picked "
        "scenario's): dashed to dotted is the effect of the assumptions, dotted to solid the "
        "effect of policy. Hover over a point or star for its numbers.",
    ),
    "chart_history": ("历史观测", "Observed"),
    "chart_hist_lower": ("下限(“超过”)", "lower bound ('over')"),
    "chart_hist_upper": ("上限(“不到”)", "upper bound ('under')"),
    "chart_hist_exact": ("精确或约数", "exact or approximate"),
    "chart_quality": ("数据质量", "Quality"),
    "chart_target_legend": ("目标(旁注数字为达成概率)",
                            "Target (the number: probability of reaching it)"),
    "chart_none": ("请选择至少一个指标。", "Pick at least one indicator."),
    "bound_lower": ("下限", "lower bound"),
    "bound_upper": ("上限", "upper bound"),
    "bound_exact": ("精确/约数", "exact/approx"),
    "unverified": ("未核实", "unverified"),
    "value": ("数值", "Value"),
    "probability": ("概率", "Probability"),
    # compare
    "cmp_pick": ("要对比的情景(至少两个)", "Scenarios to compare (two or more)"),
    "cmp_current": ("包含当前设置", "Include the current settings"),
    "cmp_run": ("对比", "Compare"),
    "cmp_need_two": ("请至少选择两个情景。", "Pick at least two scenarios."),
    "cmp_caption": (
        "相同抽样({draws} 次,种子 {seed})下各情景的达成概率;Δ 为相对第一个情景的差(百分点)。",
        "Probability of each target under each scenario on the same draws ({draws}, seed "
        "{seed}); Δ is the difference from the first scenario in percentage points.",
    ),
    "cmp_stale": (
        "抽样设置或情景已改变,点击“对比”更新。",
        "The settings changed since this comparison; press Compare to update.",
    ),
    "cmp_current_name": ("当前设置", "Current settings"),
    "cmp_charts": ("各情景的指标轨迹", "The indicators under each scenario"),
    "cmp_chart_caption": (
        "实线 = 各情景中位数;浅色带 = 第一个情景的 10–90% 区间;★ = 目标。",
        "Lines: each scenario's median; the light band: the first scenario's 10-90% band; "
        "★: targets.",
    ),
    "cmp_indicators": ("目标年份的指标中位数与差异(相对第一个情景)",
                       "Indicator medians in the target years and differences from the first "
                       "scenario"),
    "cmp_indicator": ("指标", "Indicator"),
    # goal seek
    "gs_intro": (
        "在其他杠杆保持当前设置时,求某一时期某一杠杆达到目标所需的最小取值。",
        "The smallest value of one lever in one plan period that reaches a target with the "
        "chosen probability, all other levers as currently set.",
    ),
    "gs_target": ("目标", "Target"),
    "gs_lever": ("杠杆", "Lever"),
    "gs_period": ("规划时期", "Plan period"),
    "gs_probability": ("要求的达成概率", "Required probability"),
    "gs_run": ("开始反推", "Seek"),
    "gs_found": (
        "将{lever}({period})设为 {value},{target}的达成概率为 {achieved}(要求 {goal};"
        "当前取值 {current} 时为 {p_current})。",
        "Setting {lever} ({period}) to {value} reaches {target} with probability {achieved} "
        "(required {goal}; the current value {current} gives {p_current}).",
    ),
    "gs_not_enough": (
        "仅靠此杠杆不够:即使{lever}({period})取上限 {upper},{target}的达成概率也只有 "
        "{p_max} < {goal}。需组合多个杠杆或重新审视目标。",
        "Not enough: even the top of the range of {lever} ({period}), {upper}, reaches {target} "
        "with probability only {p_max} < {goal}. Combine levers or revisit the target.",
    ),
    "gs_already_met": (
        "{lever}({period})取下限 {lower} 时{target}的达成概率已为 {p_min} ≥ {goal}:"
        "该目标不依赖此杠杆。",
        "{target} is already reached with probability {p_min} ≥ {goal} at the bottom of the "
        "range of {lever} ({period}), {lower}: the target does not need this lever.",
    ),
    "gs_late": (
        "注意:{period}杠杆自 {start} 年起才起作用,晚于目标年份 {year} 年。",
        "Note: the {period}-plan lever acts from {start}, after the target year {year}.",
    ),
    "gs_unconfirmed": (
        "复核运行的达成概率为 {achieved}:达成概率并非随此杠杆单调上升,请谨慎使用该取值。",
        "The confirming re-run gives {achieved}: the probability is not monotone in this "
        "lever; treat the value with caution.",
    ),
    "gs_closed": (
        "{periods}已开始(数据截至 {vintage} 年,其后一年的资金已在使用),不再提供反推;"
        "只列出仍可改变的时期能影响的目标。",
        "{periods} began with the data vintage ({vintage}; the next year's money is already "
        "spent or committed) and is not offered; only the targets the open periods can "
        "still move are listed.",
    ),
    "gs_no_open": ("没有尚未开始的规划时期,无从反推。",
                   "No plan period is still open: there is nothing to seek."),
    "gs_fix_help": (
        "该目标的概率取决于外部假设,没有单一概率可供反推:请固定假设(低值、中值、高值,或记分牌上"
        "固定的取值),反推的是该取值下的条件概率。",
        "This target's probability depends on an assumption, so it has no single probability "
        "to seek: fix the assumption (its low, central or high value, or the value fixed on "
        "the scoreboard) and the search aims at the probability conditional on it.",
    ),
    "gs_by_scenario": ("{driver}:由当前情景固定为 {value}",
                       "{driver}: fixed by the current scenario at {value}"),
    "gs_conditional": ("条件概率:在{items}的条件下(其余假设照常抽样)。",
                       "Conditional probability: given {items} (the other assumptions drawn "
                       "as usual)."),
    "gs_current": ("当前设置下的达成概率:{p}。", "Probability with the current settings: {p}."),
    "gs_current_conditional": ("当前设置下的条件达成概率:{p}(给定{items})。",
                               "Conditional probability with the current settings: {p} "
                               "(given {items})."),
    "gs_apply": ("把此取值用到当前设置", "Use this value in the current settings"),
    "gs_band": ("取决于先验:在按“{name}”排序的模拟中取{fifth}五分之一(中位 {value}),"
                "以该组为条件:",
                "Prior-driven: among the {fifth} fifth of runs by {name} (median {value}), "
                "conditional on that band: "),
    "gs_band_low": ("最低", "lowest"), "gs_band_mid": ("中间", "middle"),
    "gs_band_high": ("最高", "highest"),
    "gs_band_intro": ("该目标取决于先验:按其驱动输入的三个五分之一分组分别反推。",
                      "This target is prior-driven: the search is made for each of three "
                      "fifths of the runs by its driving input."),
    "gs_none": ("本地区没有模型范围内的目标。", "This region has no target in model scope."),
    "gs_stale": (
        "以下结果基于此前的设置。",
        "The result below was computed for earlier settings.",
    ),
    # about
    "about_structure": ("存量—流量结构", "Stock-and-flow structure"),
    "about_structure_caption": (
        "由 {mdl} 解析生成:方框 = 存量,椭圆 = 流量(黄色)与反馈回路上的变量,粗箭头 = 流量进出存量,"
        "细箭头 = 依赖关系(经由未画出的中间变量),彩色箭头标出回路 R1、R2、B1—B4。",
        "Drawn from {mdl}: boxes = stocks, ellipses = flows (yellow) and variables on the "
        "feedback loops, thick arrows = flows into and out of stocks, thin arrows = "
        "dependencies (through variables not drawn), coloured arrows = the loops R1, R2, "
        "B1-B4.",
    ),
    "about_part": ("显示部分", "Part shown"),
    "about_part_all": ("全图(总览)", "Whole diagram (overview)"),
    "about_part_caption": (
        "每次显示一个部门,字号可读:框内是该部门的存量及其流量,虚线外框的是与之有箭头相连的其他部门变量。"
        "“全图”一次显示全部变量,适合看整体,字较小(可点右上角全屏放大)。",
        "One sector at a time, in readable type: its stocks and their flows are framed, the "
        "variables of other sectors with an arrow to or from it have a dashed outline. The "
        "whole diagram shows every variable at once, for the big picture, in small type "
        "(the full-screen button at its top right enlarges it).",
    ),
    "about_loops": ("反馈回路", "Feedback loops"),
    "about_loop": ("回路", "Loop"),
    "about_loop_path": ("模型中的路径", "Path in the model"),
    "about_sources": ("数据来源", "Data sources"),
    "about_fit": ("校准拟合", "Calibration fit"),
    "about_fit_missing": (
        "{region}暂无校准结果:{message}", "No calibration for {region}: {message}"
    ),
    "about_fit_summary": (
        "{rows} 个观测点;两侧观测点落入 80% 预测区间的比例 {coverage};所有单侧界限均满足:{bounds};"
        "后验 {draws} 组参数,R̂ 最大 {rhat},有效样本约 {ess}。",
        "{rows} observation rows; share of two-sided points inside the 80% predictive band "
        "{coverage}; every one-sided bound respected: {bounds}; {draws} posterior parameter "
        "sets, max R-hat {rhat}, about {ess} effective samples.",
    ),
    "about_fit_mape": (
        "各序列平均绝对百分比误差(MAPE)", "Mean absolute percentage error per series"
    ),
    "about_report": ("完整拟合报告:{path}", "Full fit report: {path}"),
    "about_report_goals": ("报告中的拟合目标", "Fit goals from the report"),
    "series": ("序列", "Series"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "loop_R1": ("R1 创新—人才(增强)", "R1 innovation-talent (reinforcing)"),
    "loop_R2": ("R2 资本循环(增强)", "R2 capital recycling (reinforcing)"),
    "loop_B1": ("B1 企业储备消耗(调节)", "B1 pipeline depletion (balancing)"),
    "loop_B2": ("B2 承载能力(调节)", "B2 capacity (balancing)"),
    "loop_B3": ("B3 证书到期(调节)", "B3 certificate expiry (balancing)"),
    "loop_B4": ("B4 可培育企业基数耗尽(调节)", "B4 eligible base used up (balancing)"),
    "about_mape_col": ("MAPE(%)", "MAPE %"),
    "about_sources_body": (
        "数据文件(data/ 文件夹,均保留来源链接与原文引述,每个数字都可追溯):\n\n"
        "- `observed_history.csv`:苏州、昆山 2014—2023 年官方或官方报道的统计数;每行一个数字,"
        "标注口径(确数、下限、上限、约数)与质量(已公布、初步、推算、未核实)\n"
        "- `policy_targets.csv`:五份来源文件中的全部量化目标及其条款原文\n"
        "- `policy_instruments.csv`:文件中写明的资金数额与基数"
        "(“十四五”专项资金、集群基金、奖励与资助)\n\n"
        "口径提示:高新技术企业按有效证书计数(三年有效),净增 = 认定 − 到期 − 退出;新认定高企约 95% "
        "来自前三年入库的科技型中小企业,近年认定通过率约三分之二;R&D 经费 / GDP 与 R&D 强度因 GDP "
        "版本不同而不完全一致,二者都参与拟合;领军人才仅指姑苏领军人才计划,而 2025 年目标计入市级及"
        "以上全部领军人才;未来产业产值没有公布的基数,其 2023 年水平是一项假设。\n\n"
        "来源文件:{docs}",
        "Data files (folder data/, each row keeping its source URL and quote, so every number "
        "traces back):\n\n"
        "- `observed_history.csv`: official or officially reported statistics for Suzhou and "
        "Kunshan, 2014-2023; one row per figure with its bound (exact, lower, upper, approx) and "
        "quality (reported, preliminary, derived, unverified)\n"
        "- `policy_targets.csv`: every quantitative target in the five source documents, with "
        "its clause\n"
        "- `policy_instruments.csv`: funding figures and baselines the documents state\n\n"
        "Definitional traps: high-tech enterprises count valid three-year certificates (net "
        "increase = recognitions - expiries - exits); about 95% of new HTEs come from tech SMEs "
        "registered in the previous three years, approval about two-thirds; R&D expenditure / "
        "GDP and R&D intensity differ by GDP vintage, both are fitted; leading talents count the "
        "Gusu programme only while the 2025 target counts all city-level-and-above; "
        "future-industry output has no published baseline: its 2023 level is an assumption.\n\n"
        "Source documents: {docs}"),
    # settings that survive, saved scenarios, reports
    "copy_link": ("复制链接(含全部设置)", "Copy the link (holds every setting)"),
    "copy_link_help": (
        "地址栏已包含当前地区、情景、杠杆与假设调整、语言和视图;刷新页面不会丢失,复制给同事即可共享。",
        "The address holds the region, scenario, every lever and assumption edit, language "
        "and view: a reload keeps them and a copied link shares them.",
    ),
    "url_problems": ("链接中的部分参数无效,已忽略:{items}",
                     "Some parameters of the link are not valid and were ignored: {items}"),
    "region_switched": ("已切换到{region};{previous}的设置已保留。",
                        "Switched to {region}; the settings of {previous} are kept."),
    "region_undo": ("撤销:返回{previous}", "Undo: back to {previous}"),
    "save_name": ("情景名称(可用中文)", "Scenario name (any language)"),
    "save_button": ("保存当前设置", "Save the current settings"),
    "save_ok": ("已保存情景“{name}”。", "Saved scenario '{name}'."),
    "save_empty": ("请先填写情景名称。", "Give the scenario a name first."),
    "save_reserved": ("“{name}”是内置情景的名称,请换一个名称。",
                      "'{name}' is the title of a built-in scenario; choose another name."),
    "saved_list": ("已保存的情景:{items}", "Saved scenarios: {items}"),
    "save_exists": (
        "已有名为“{name}”的情景。要用当前设置覆盖它吗?",
        "A scenario named '{name}' is already saved. Replace it with the current settings?",
    ),
    "save_replace": ("覆盖", "Replace"),
    "cancel": ("取消", "Cancel"),
    "delete_saved": ("删除“{name}”", "Delete '{name}'"),
    "delete_not_ours": (
        "该文件不是本应用保存的(手动放入文件夹),应用不会删除它。",
        "This file was not saved by the app (it was put in the folder by hand), so the app "
        "does not delete it.",
    ),
    "delete_confirm": (
        "确定删除情景“{name}”吗?所有使用本服务器的人都将看不到它。",
        "Delete the scenario '{name}'? Nobody using this server will see it any more.",
    ),
    "delete_yes": ("删除", "Delete"),
    "saved_folder": (
        "已保存的情景存放在服务器文件夹 {folder}(可用环境变量 SUZHOU_SIM_SCENARIO_DIR 更改),"
        "使用同一应用服务器的所有人都能看到、覆盖或删除它们。",
        "Saved scenarios are kept in the server folder {folder} (set SUZHOU_SIM_SCENARIO_DIR "
        "to change it): everyone using this app server can see, replace or delete them.",
    ),
    "broken_files": ("{n} 个情景文件无法读取,已跳过(点开看原因)",
                     "{n} scenario file(s) cannot be read and are skipped (open for why)"),
    "saved_broken": ("已保存的情景文件无法读取,已跳过:{line}",
                     "A saved scenario file cannot be read and is skipped: {line}"),
    "saved_scenario": ("已保存:{name}", "Saved: {name}"),
    "download_docx": ("下载会议报告(Word)", "Download the meeting report (Word)"),
    "download_xlsx": ("下载数据表(Excel)", "Download the tables (Excel)"),
    "report_prepare": ("生成报告文件", "Prepare the report files"),
    "weights_share": ("占 {share},约 {amount}", "{share} of the fund, about {amount}"),
    "per_year": ("每年", "per year"),
    "choose": ("请选择", "Choose"),
    "sb_year_filter": ("目标年份", "Target year"),
    "sb_all_years": ("全部", "All"),
    "sb_year_summary": ("各目标年份概览", "Summary by target year"),
    "sb_count": ("目标数", "Targets"),
    "period_tab": ("规划时期", "Plan period"),
    # translated validation problems (the CLI stays English)
    "problem_line": ("{source}:{field}:{reason}", "{source}: {field}: {reason}"),
    "problem_noline": ("{source}:{reason}", "{source}: {reason}"),
    # portfolio optimisation and scenario discovery (app.portfolio_view)
    "view_portfolio": ("组合优化", "Portfolio"),
    "pf_intro": (
        "同时调整多个杠杆与规划时期,求使所选目标均以要求概率实现、专项资金总投入最少的方案;"
        "并给出投入与目标缺口之间的帕累托前沿。其他杠杆保持当前设置。",
        "Several levers in several plan periods at once: the plan with the least total special-"
        "fund spending that reaches every chosen target with the required probability, and the "
        "Pareto front of spending against the shortfall. Other levers keep the current settings.",
    ),
    "pf_targets": ("目标", "Targets"),
    "pf_levers": ("参与优化的杠杆", "Levers to optimise"),
    "pf_periods": ("规划时期", "Plan periods"),
    "pf_probability": ("要求的达成概率", "Required probability"),
    "pf_run": ("开始优化", "Optimise"),
    "pf_need_target": ("请至少选择一个目标。", "Choose at least one target."),
    "pf_found": (
        "最省可行方案:专项资金总投入 {spend} 亿元,各目标均以不低于 {p} 的概率实现。",
        "Cheapest feasible plan: total special-fund spending {spend} (100m yuan), every "
        "target reached with probability at least {p}.",
    ),
    "pf_infeasible": (
        "没有方案能达到:在允许范围内,没有方案能使所有目标的概率都达到 {p}。最接近的方案"
        "仍差 {shortfall}(各目标概率缺口之和),总投入 {spend} 亿元。",
        "No plan reaches it: within the allowed ranges no plan gives every target a "
        "probability of {p}. The closest plan still falls {shortfall} short (summed over the "
        "targets) and spends {spend} (100m yuan).",
    ),
    "pf_knee": (
        "拐点方案:总投入 {spend} 亿元,{n} 项目标中 {reached} 项达到要求(缺口 {shortfall});"
        "再多投入,缺口下降明显变慢。",
        "Knee of the front: spending {spend} (100m yuan), {reached} of {n} targets reached "
        "(shortfall {shortfall}); beyond it more money buys little.",
    ),
    "pf_plan_chosen": ("最省可行 / 最接近的方案", "Cheapest feasible / closest plan"),
    "pf_plan_knee": ("拐点方案", "Knee plan"),
    "pf_held": ("未参与优化的时期({periods})保持当前设置,不会被清零。",
                "Periods left out of the search ({periods}) keep the current settings; they "
                "are not set to zero."),
    "pf_ranged": (
        "{items} 的概率取决于外部假设:优化按假设的抽样分布取平均概率,不是区间。",
        "The probability of {items} depends on an assumption: the search uses its average "
        "over the assumption's draws, not the range.",
    ),
    "pf_probabilities": (
        "达成概率(搜索所用抽样 / 新抽样复核):{items}",
        "Probability (search draws / fresh draws): {items}",
    ),
    "pf_plan": ("方案", "Plan"),
    "pf_lever": ("杠杆", "Lever"),
    "pf_period": ("时期", "Period"),
    "pf_value": ("取值", "Value"),
    "pf_front": ("帕累托前沿:总投入与目标缺口", "Pareto front: spending against shortfall"),
    "pf_spend": ("专项资金总投入(亿元)", "Total special-fund spending (100m yuan)"),
    "pf_shortfall": ("目标缺口(概率差之和)", "Shortfall (sum of missing probability)"),
    "pf_reached": ("达成的目标数", "Targets reached"),
    "pf_load": ("将此方案载入滑块", "Load this plan into the sliders"),
    "pf_stale": ("设置已变化,结果对应之前的设置。", "Settings changed: the result is for the "
                 "earlier settings."),
    "pf_discover": ("当前设置下未达成的目标:在哪些情形下失败?",
                    "Targets the current settings miss: in which futures do they fail?"),
    "pf_discover_caption": (
        "PRIM 情景发现:在校准参数与各项假设中,找出目标多数情况下无法实现的取值区间。",
        "PRIM scenario discovery: the ranges of calibrated parameters and assumptions in which "
        "a target fails in most runs.",
    ),
    "pf_discover_run": ("分析未达成的目标", "Explain the missed targets"),
    "pf_discover_none": ("当前设置下所有目标均达到要求的概率。",
                         "Every target reaches the required probability with the current "
                         "settings."),
}

# Feedback-loop paths in Chinese; English shows the path of model/README.md (the .mdl names).
LOOP_PATHS_ZH = {
    "R1": (
        "高新技术企业 → 企业带动就业 → 人才引进 → 高层次人才 → 人才对创业的带动 → 科技型企业新设 → "
        "科技型中小企业储备 → 首次认定 → 高新技术企业"),
    "R2": (
        "新设创投基金规模 → 未实缴承诺 → 实缴出资(= 创投投资)→ 创投在投组合 → 创投退出 → "
        "退出收益 → 循环募资 → 新设创投基金规模;创投效应联动企业新设、独角兽培育和上市"),
    "B1": (
        "首次认定消耗科技型中小企业储备,从而降低此后的认定数"),
    "B2": (
        "科技型中小企业储备 / 载体容量 → 载体利用率 → 载体容量效应(查表)→ 科技型企业新设;"
        "人才奖励受合格申请人数量限制(预算约束与申请人约束取较小值)"),
    "B3": (
        "高企认定 →(三年)→ 证书到期 → 退出高新技术企业存量,仅“续期比例”部分回流"),
    "B4": (
        "科技型中小企业储备 + 高新技术企业 = 培育中的企业 → "
        "可培育余量(可培育企业基数中尚未占用的比例) → 可培育余量效应 → "
        "科技型企业新设:基数用尽时企业新设放缓"),
}

# Validation problems of scenario files, English reason -> Chinese (regex, template). The
# catalogue and the schema write the English; the app shows the Chinese when zh is chosen.
_PROBLEMS_ZH: tuple[tuple[str, str], ...] = (
    (r"unknown lever; did you mean '([^']+)'.*", "未知的杠杆;是否应为“{0}”?"),
    (r"unknown lever.*", "未知的杠杆"),
    (r"unknown assumption; did you mean '([^']+)'.*", "未知的外部假设;是否应为“{0}”?"),
    (r"unknown assumption.*", "未知的外部假设"),
    (r"unknown plan period '([^']+)'.*allowed: (.*)",
     "未知的规划时期“{0}”;允许:{1}"),
    (r"unknown field '([^']+)'; allowed: (.*)", "未知字段“{0}”;允许的字段:{1}"),
    (r"(\S+) is outside the allowed range (\S+?)(?:-| to )(\S+)(?: (.*))?",
     "{0} 超出允许范围 {1} 至 {2} {3}"),
    (r"'?([^']*)'? is not allowed; input should be (.*)", "“{0}”不是允许的取值;应为 {1}"),
    (r"required field is missing", "缺少此必填字段"),
    (r"use letters, digits.*", "只能使用英文字母、数字、“_”“-”或“.”(用作输出文件夹名)"),
    (r"needs low <= default <= high, got low=(\S+), default=(\S+), high=(\S+)",
     "须满足 下限 ≤ 默认值 ≤ 上限,现为 下限 {0}、默认值 {1}、上限 {2}"),
    (r"Input should be a valid number.*", "须为数字"),
    (r"'?([^']*)'? is not a number \(text and true/false are not allowed\).*",
     "“{0}”不是数字:须为数字(不能是文字或 true/false)"),
    (r"'?([^']*)'? is not a number; give a number.*", "“{0}”不是数字:须为数字"),
    (r"'?([^']*)'? is not allowed; use a finite number", "“{0}”不允许:须为有限的数字"),
    (r"duplicate key '([^']+)'.*", "键“{0}”重复(每个键只能出现一次)"),
    (r"aliases expand to more than (\S+) values", "别名展开超过 {0} 个值(疑似恶意文件)"),
    (r"nesting deeper than (\d+) levels", "嵌套超过 {0} 层"),
    (r".*is a binary file, not UTF-8 text", "是二进制文件,不是 UTF-8 文本"),
    (r".*is (\S+) text; save it as UTF-8", "是 {0} 编码的文本,请另存为 UTF-8"),
    (r"Input should be a valid (string|integer|dictionary).*", "类型不对(应为{0})"),
    (r"malformed YAML at line (\d+), column (\d+): (.*)", "YAML 格式错误(第 {0} 行第 {1} 列):{2}"),
    (r"malformed YAML.*", "YAML 格式错误"),
    (r"expected a mapping of scenario fields at the top level",
     "顶层应为“字段: 取值”形式的情景字段"),
    (r"not UTF-8 text", "不是 UTF-8 编码的文本"),
    # the URL's parameters (state.apply_query)
    (r"not a valid value", "不是有效的取值"),
    (r"unknown setting", "未知的设置"),
    (r"allowed (.*)", "允许的取值:{0}"),
    (r"no such scenario file for (\S+)", "该地区({0})没有这个情景"),
    (r"no saved scenario with this id for (\S+) \(deleted, or saved on another server\)",
     "该地区({0})没有此编号的已保存情景(可能已被删除,或保存在另一台服务器上)"),
)
_TYPES_ZH = {"string": "文本", "integer": "整数", "dictionary": "键值映射"}

# Top-level fields of a scenario file in Chinese.
FIELDS_ZH = {
    "name": "情景代号(name)", "title_en": "英文标题(title_en)", "title_zh": "中文标题(title_zh)",
    "description": "说明(description)", "rationale": "依据(rationale)", "region": "地区(region)",
    "draws": "抽样次数(draws)", "seed": "随机种子(seed)", "levers": "政策杠杆(levers)",
    "assumptions": "外部假设(assumptions)", "default": "默认值", "low": "下限", "high": "上限",
}
# Target statuses: one wording, shared with report.md (reporting.markdown.STATUS_TEXT).
_STRINGS.update({f"status_{k}": (zh, en) for k, (en, zh, _, _) in STATUS_TEXT.items()})
_STRINGS.update({f"status_def_{k}": (zh, en) for k, (_, _, en, zh) in STATUS_TEXT.items()})

_BOUNDS = {"lower": "bound_lower", "upper": "bound_upper", "exact": "bound_exact",
           "approx": "bound_exact"}


def tr(key: str, lang: str, **values: object) -> str:
    """Interface text ``key`` in ``lang`` (``zh`` or ``en``), with ``values`` filled in.

    Parameters
    ----------
    key : str
        A key of the string table.
    lang : {"zh", "en"}
        Language; anything but ``en`` gives Chinese (the default language).
    **values
        Values for the ``str.format`` placeholders of the text.

    Returns
    -------
    str

    Raises
    ------
    KeyError
        For an unknown key (a programming error, not bad input).
    """
    text = in_language(_STRINGS[key], lang)
    return text.format(**values) if values else text


def loop_path(code: str, path: str, lang: str) -> str:
    """Path of feedback loop ``code``: Chinese words, or the README's ``path`` in English."""
    return LOOP_PATHS_ZH.get(code, path) if lang == "zh" else path


def problem_reason(reason: str, lang: str, labels: dict[str, str] | None = None) -> str:
    """A validation problem's reason in ``lang`` (English as written; Chinese by pattern).

    ``labels`` maps keys quoted in the reason (a suggested lever, say) to display names. A
    reason that no pattern knows is shown in Chinese as "其他问题" with the English text,
    so nothing is hidden.
    """
    if lang == "en":
        return reason
    labels = labels or {}
    for pattern, template in _PROBLEMS_ZH:
        match = re.fullmatch(pattern, reason.strip(), re.S)
        if match:
            groups = [labels.get(g, _TYPES_ZH.get(g, g)) if g else "" for g in match.groups()]
            for i, g in enumerate(groups):
                if len(match.groups()) >= 4 and i == 3:
                    groups[i] = unit_label(g, "zh")
            return template.format(*groups).rstrip().replace("' or '", "' 或 '")
    return f"其他问题(英文原文):{reason}"


def url_problem(problem: str, lang: str) -> str:
    """One problem of the URL's parameters (``key=value: reason``) in ``lang``."""
    where, _, reason = problem.partition(": ")
    if lang == "en" or not reason:
        return problem
    return f"{where}:{problem_reason(reason, lang)}"


def multiselect_text(lang: str) -> dict:
    """Keyword arguments of a multiselect in ``lang``: its placeholder, and no "Select all"
    entry in Chinese (a fixed English text of Streamlit's)."""
    return {"placeholder": tr("choose", lang), "select_all": lang == "en"}


def comparator_label(comparator: str, lang: str) -> str:
    """``≥`` for ``>=``; ``约`` / ``about`` for ``~``."""
    return "≥" if comparator == ">=" else tr("about_prefix", lang)


def bound_label(bound: str, lang: str) -> str:
    """Name of an observation bound (lower, upper, exact/approx)."""
    return tr(_BOUNDS.get(bound, "bound_exact"), lang)
