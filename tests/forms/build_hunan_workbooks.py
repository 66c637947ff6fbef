"""Build hunan-*.xlsx: the published Hunan forms as workbooks laid out as printed.

Run from anywhere: python tests/forms/build_hunan_workbooks.py (needs openpyxl).
Cell texts are copied from the matching .yaml transcription (see its header for the source and the
readings of the text layer); nothing is added that the printed form does not show. This workbook has a
说明 sheet first, then the form on a sheet named as its printed title.
"""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment

HERE = Path(__file__).resolve().parent


def put(ws, cell, value, merge_to=None):
    ws[cell] = value
    ws[cell].alignment = Alignment(wrap_text=True, vertical="center")
    if merge_to:
        ws.merge_cells(f"{cell}:{merge_to}")


def hengshan_2020_chubeiliang():
    """2020年度县级专项资金绩效目标自评表, 衡山县商务和粮食局 县级储备粮: no 分值/得分 columns at all."""
    wb = Workbook()
    note = wb.active
    note.title = "说明"
    note["A1"] = "填表说明"
    note["A2"] = (
        "本工作簿据公开的《2020年度县级专项资金绩效目标自评表》录入，表格式样照原表；原表无分值、得分、总分栏。"
        "负责人及电话一栏原表有姓名，此处未录入。"
    )
    note.column_dimensions["A"].width = 90

    ws = wb.create_sheet("县级专项资金绩效目标自评表")
    put(ws, "A1", "2020年度县级专项资金绩效目标自评表", "G1")
    put(ws, "A2", "专项资金名称")
    put(ws, "B2", "县级储备粮", "D2")
    put(ws, "E2", "负责人及电话")
    put(ws, "F2", None, "G2")
    put(ws, "A3", "县级主管部门")
    put(ws, "B3", "衡山县商务和粮食局", "D3")
    put(ws, "E3", "实施单位")
    put(ws, "F3", "粮食调控储备与产业发展股", "G3")
    # budget block: 全年预算数(A) | 全年执行数(B) | 执行率(B/A); no 年初预算数, no 分值/得分
    put(ws, "A4", "项目资金(万元)", "A7")
    put(ws, "B4", None, "C4")
    put(ws, "D4", "全年预算数(A)")
    put(ws, "E4", "全年执行数(B)")
    put(ws, "F4", "执行率(B/A)", "G4")
    budget = [
        ("年度资金总额", 194.9, 194.9, "100%"),
        ("其中:中央、省、市补助县级资金", 194.9, 194.9, "100%"),
        ("其他资金", None, None, None),
    ]
    for r, (label, a, b, rate) in enumerate(budget, start=5):
        put(ws, f"B{r}", label, f"C{r}")
        put(ws, f"D{r}", a)
        put(ws, f"E{r}", b)
        put(ws, f"F{r}", rate, f"G{r}")
    put(ws, "A8", "年度总体目标", "A9")
    put(ws, "B8", "年初设定目标", "D8")
    put(ws, "E8", "全年实际完成情况", "G8")
    put(ws, "B9", "保持和稳定地方粮食储备机制", "D9")
    put(ws, "E9", "地方储备粮食规模达标", "G9")
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "全年完成值", "未完成原因和改进措施"]
    for col, label in zip("BCDEFG", header, strict=False):
        put(ws, f"{col}10", label)
    rows = [
        ("产出指标", "数量指标", "5000吨稻谷、500吨成品粮储备到位率", "100%", "100%", None),
        ("产出指标", "数量指标", "库存数量真实率", "100%", "100%", None),
        ("产出指标", "质量指标", "县级储备粮管理制度严格执行率", "100%", "100%", None),
        ("产出指标", "质量指标", "储备粮管理专户管理率", "100%", "100%", None),
        ("产出指标", "质量指标", "县级储备粮库存粮食明显变质比例", 0, 0, None),
        ("产出指标", "时效指标", "县级储备粮贷款付息及时率", "100%", "100%", None),
        ("产出指标", "时效指标", "县级储备粮应急保障率", "100%", "100%", None),
        ("产出指标", "成本指标", "国家政策性粮收购价格执行率", "100%", "100%", None),
        ("产出指标", "成本指标", "县级储备粮库存成本核算率", "100%", "100%", None),
        ("效益指标", "经济效益指标", "利息费用保障率", "100%", "100%", None),
        ("效益指标", "经济效益指标", "政策性挂账利息补贴保障率", "100%", "无", "没有轮换、动用库存"),
        ("效益指标", "生态效益指标", "低温、低氧、低剂量科学保粮率", "100%", "100%", None),
        ("效益指标", "生态效益指标", "食品安全指标达标率", "100%", "100%", None),
        ("效益指标", "可持续影响指标", "粮食储备设备维护及安全性", "高", "高", None),
        ("满意度指标", "服务对象满意度指标", "因粮食市场波动引起的粮食安全事件发生数", "0起", "0起", None),
        ("满意度指标", "服务对象满意度指标", "市民满意度调查", "≥90%", "100%", None),
    ]
    first = 11
    for i, row in enumerate(rows):
        for col, value in zip("BCDEFG", row, strict=False):
            put(ws, f"{col}{first + i}", value)
    last = first + len(rows) - 1
    put(ws, "A10", "绩效指标", f"A{last}")
    merge_runs(ws, rows, first, "B", 0)
    merge_runs(ws, rows, first, "C", 1)
    put(ws, f"A{last + 1}", "说明")
    put(ws, f"B{last + 1}", "无", f"G{last + 1}")
    for col, width in zip("ABCDEFG", [12, 12, 16, 34, 12, 12, 22], strict=False):
        ws.column_dimensions[col].width = width
    wb.save(HERE / "hunan-hengshan-2020-chubeiliang.xlsx")


def merge_runs(ws, rows, first, col, idx):
    """Merge a column down each run of equal values (within the same 一级 for 二级), as printed."""
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][idx] != rows[start][idx] or rows[i][0] != rows[start][0]:
            if i - 1 > start:
                ws.merge_cells(f"{col}{first + start}:{col}{first + i - 1}")
            start = i


if __name__ == "__main__":
    hengshan_2020_chubeiliang()
