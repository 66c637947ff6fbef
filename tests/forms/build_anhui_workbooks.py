"""Build anhui-tianchang-shuihan-2022.xlsx: the published form laid out as printed.

Two sheets: a 说明 sheet first (what the workbook is), then the national 项目支出绩效自评表 as the
天长市水利局 published it: title and year lines, a unit line, 年初预算数 column, no 指标性质 column,
「-」 in the sub-rows' 分值/得分, the empty 执行率 cell, 「指标1:…」/「指标2:」/「……」 rows exactly as
printed (most of them empty), 一级指标 cells that read only 「(50分)」 「(30分)」 as in the published
text, merged 一级/二级 cells, and the 总分 row. Cell text is that of anhui-tianchang-shuihan-2022.yaml
(source and reading notes there). The 「单位：万元」 line is the national layout's; the web text shows
the unit only as 「项目资金（万元）」.

Run: python tests/forms/build_anhui_workbooks.py   (needs openpyxl)
"""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

HERE = Path(__file__).resolve().parent
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")

# (二级指标, 三级指标, 年度指标值, 实际完成值, 分值, 得分) per printed row, grouped under 一级指标
BLOCKS = [
    (
        "(50分)",
        [
            ("数量指标", "指标1:完成中型灌区节水改造项目数量", 1, 1, 10, 10),
            ("数量指标", "指标2:完成农业综合水价改革项目", 1, 1, 10, 10),
            ("数量指标", "……", None, None, None, None),
            ("质量指标", "指标1:工程质量合格", None, None, 10, 10),
            ("质量指标", "指标2:", None, None, None, None),
            ("质量指标", "……", None, None, None, None),
            ("时效指标", "指标1:年度资金支付完成率100%", None, None, 10, 10),
            ("时效指标", "指标2:", None, None, None, None),
            ("时效指标", "……", None, None, None, None),
            ("成本指标", "指标1:资金执行在预算范围内", None, None, 10, 10),
            ("成本指标", "指标2:", None, None, None, None),
            ("成本指标", "……", None, None, None, None),
        ],
    ),
    (
        "(30分)",
        [
            ("经济效益指标", "指标1:全市安全度汛", None, None, 10, 10),
            ("经济效益指标", "指标2:", None, None, None, None),
            ("经济效益指标", "……", None, None, None, None),
            ("社会效益指标", "指标1:保护全市人口财产不受损失", None, None, 10, 10),
            ("社会效益指标", "指标2:", None, None, None, None),
            ("社会效益指标", "……", None, None, None, None),
            ("生态效益指标", "指标1:", "/", "/", "/", None),
            ("生态效益指标", "指标2:", None, None, None, None),
            ("生态效益指标", "……", None, None, None, None),
            ("可持续影响指标", "指标1:已建工程良性运行", None, None, 10, 10),
            ("可持续影响指标", "指标2:", None, None, None, None),
            ("可持续影响指标", "……", None, None, None, None),
        ],
    ),
    (
        "满意度指标(10分)",
        [
            ("服务对象满意度指标", "指标1:服务对象满意度", "90%", "100%", 10, 10),
            ("服务对象满意度指标", "指标2:", None, None, None, None),
            ("服务对象满意度指标", "……", None, None, None, None),
        ],
    ),
]


def put(ws, ref, value, merge_to=None):
    ws[ref] = value
    if merge_to:
        ws.merge_cells(f"{ref}:{merge_to}")


def explanation(wb):
    ws = wb.active
    ws.title = "说明"
    lines = [
        "说明",
        "本工作簿为测试用样表：天长市水利局公开的《项目支出绩效自评表（2022年度）》水旱灾害防御经费，",
        "按公开文本逐格转录，未补任何内容；来源与转录说明见同名 .yaml 文件。",
        "下一张工作表是自评表本身。",
    ]
    for i, line in enumerate(lines, start=1):
        ws[f"A{i}"] = line
    ws.column_dimensions["A"].width = 90


def tianchang():
    wb = Workbook()
    explanation(wb)
    ws = wb.create_sheet("项目支出绩效自评表")
    put(ws, "A1", "项目支出绩效自评表", "I1")
    ws["A1"].font = Font(bold=True, size=16)
    put(ws, "A2", "（2022年度）", "I2")
    put(ws, "A3", "单位：万元", "I3")
    ws["A3"].alignment = Alignment(horizontal="right")

    put(ws, "A4", "项目名称", "B4")
    put(ws, "C4", "水旱灾害防御经费", "I4")
    put(ws, "A5", "主管部门", "B5")
    put(ws, "C5", None, "E5")  # 主管部门 printed blank
    put(ws, "F5", "实施单位")
    put(ws, "G5", "天长市水利局", "I5")

    put(ws, "A6", "项目资金\n（万元）", "A10")
    put(ws, "B6", None, "C6")
    for col, text in zip(
        "DEFGHI", ["年初预算数", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"], strict=True
    ):
        ws[f"{col}6"] = text
    put(ws, "B7", "年度资金总额:", "C7")
    ws["D7"], ws["E7"], ws["F7"], ws["G7"], ws["I7"] = 880, 880, 880, 10, 10
    put(ws, "B8", "其中:本年财政拨款", "C8")
    ws["D8"], ws["E8"], ws["F8"], ws["G8"], ws["I8"] = 880, 880, 880, "-", "-"
    put(ws, "B9", "上年结转资金", "C9")
    ws["G9"], ws["I9"] = "-", "-"
    put(ws, "B10", "其他资金", "C10")
    ws["G10"], ws["I10"] = "-", "-"

    put(ws, "A11", "年度总体目标完成情况", "A12")
    put(ws, "B11", "预期目标", "E11")
    put(ws, "F11", "实际完成情况", "I11")
    put(ws, "B12", "完成年度防汛工作,完成中型灌区节水改造项目和农业综合水价改革项目。", "E12")
    put(ws, "F12", "完成年度目标。", "I12")

    head = [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    for col, text in zip("BCDEFGHI", head, strict=True):
        ws[f"{col}13"] = text
    r = 14
    for level1, rows in BLOCKS:
        start1 = r
        start2, current2 = r, rows[0][0]
        for level2, name, target, actual, weight, score in rows:
            if level2 != current2:
                ws[f"C{start2}"] = current2
                if r - 1 > start2:
                    ws.merge_cells(f"C{start2}:C{r - 1}")
                start2, current2 = r, level2
            for col, value in zip("DEFGH", [name, target, actual, weight, score], strict=True):
                if value is not None:
                    ws[f"{col}{r}"] = value
            r += 1
        ws[f"C{start2}"] = current2
        ws.merge_cells(f"C{start2}:C{r - 1}")
        ws[f"B{start1}"] = level1
        ws.merge_cells(f"B{start1}:B{r - 1}")
    put(ws, "A13", "年度绩效指标完成情况", f"A{r - 1}")
    put(ws, f"A{r}", "总分", f"F{r}")
    ws[f"G{r}"] = 100
    ws[f"H{r}"] = 100

    for row in ws.iter_rows(min_row=4, max_row=r, max_col=9):
        for cell in row:
            cell.border = BOX
            cell.alignment = WRAP
    for col, width in zip("ABCDEFGHI", [12, 12, 14, 30, 10, 10, 8, 8, 22], strict=True):
        ws.column_dimensions[col].width = width
    wb.save(HERE / "anhui-tianchang-shuihan-2022.xlsx")


if __name__ == "__main__":
    tianchang()
