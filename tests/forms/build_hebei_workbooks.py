"""Build hebei-langfang-shipin-2019-nuantong.xlsx: the published form laid out as printed.

Two sheets: a 说明 sheet first (what the workbook is and where the published text stops), then the
national 项目支出绩效自评表 as 廊坊市食品工程学校 published it: title, the year line as printed
(「2019年度)」, without its opening bracket), a unit line, 年初预算数 column, no 指标性质 column,
「指标1…」/「指标2」/「……」 rows exactly as printed (the empty ones too), 「0」 in three 偏差原因 cells,
merged 一级/二级 cells, 效益指标 printed a second time above 可持续影响指标 (a page break in the original).
Cell text is that of hebei-langfang-shipin-2019-nuantong.yaml (source and reading notes there).

The 「单位：万元」 line is the national layout's; the web text shows the unit only as 「项目资金(万元)」.
The published text stops after the last 满意度 row: there is NO 总分 row here, because its numbers
were not seen (the form is cut off, not blank).

Run: python tests/forms/build_hebei_workbooks.py   (needs openpyxl)
"""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

HERE = Path(__file__).resolve().parent
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")

DEV = "已完工,剩余3%尾款未付,且最高限价低于预算金额。提高预算准确度。"

# (一级指标, [(二级指标, [(三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因), ...]), ...])
BLOCKS = [
    (
        "产出指标",
        [
            (
                "数量指标",
                [
                    ("指标1工程资金金额", 43.2, 37.24, 10, 9, DEV),
                    ("指标2", None, None, None, None, None),
                    ("……", None, None, None, None, None),
                ],
            ),
            (
                "质量指标",
                [
                    ("指标1工程完工率", 100, 100, 10, 10, None),
                    ("指标2工程验收合格率", 100, 100, 10, 10, None),
                    ("……", None, None, None, None, None),
                ],
            ),
            (
                "时效指标",
                [
                    ("指标1项目完成及时率", 100, 100, 10, 10, None),
                    ("指标2", None, None, None, None, None),
                    ("……", None, None, None, None, None),
                ],
            ),
            (
                "成本指标",
                [
                    ("指标1成本控制率", 100, 100, 10, 10, None),
                    ("指标2", None, None, None, None, None),
                    ("……", None, None, None, None, None),
                ],
            ),
        ],
    ),
    (
        "效益指标",
        [
            (
                "经济效益指标",
                [
                    ("指标1安全率", 100, 100, 10, 10, 0),
                    ("指标2", None, None, None, None, None),
                    ("……", None, None, None, None, None),
                ],
            ),
            (
                "社会效益指标",
                [
                    ("指标1学校发展能力", 100, 100, 10, 10, 0),
                    ("指标2", None, None, None, None, None),
                    ("……", None, None, None, None, None),
                ],
            ),
            (
                "生态效益指标",
                [
                    ("指标1", None, None, None, None, None),
                    ("指标2", None, None, None, None, None),
                    ("……", None, None, None, None, None),
                ],
            ),
        ],
    ),
    (
        "效益指标",
        [
            (
                "可持续影响指标",
                [
                    ("指标1长期使用性", 100, 100, 10, 10, None),
                    ("指标2", None, None, None, None, None),
                    ("……", None, None, None, None, None),
                ],
            ),
        ],
    ),
    (
        "满意度指标",
        [
            (
                "服务对象满意度指标",
                [("指标1学生满意度", 100, 100, 10, 10, 0), ("指标2", None, None, None, None, None)],
            ),
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
        "本工作簿按廊坊市食品工程学校公开的「项目支出绩效自评表（2019年度）」逐格转录（网页：http://www.lfsp.cn/newsinfo/1158053.html）。",
        "第二张表为自评表本身；单元格文字照原样，空行也照原样保留。",
        "公开文本止于满意度指标的「指标2」行：其后的「总分」行看不到，故本表没有总分行（截断，不是空白）。",
        "「单位：万元」一行取自全国通用表式；原网页只在「项目资金(万元)」格写明单位。",
    ]
    for i, line in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=line)
    ws.column_dimensions["A"].width = 110


def form(wb):
    ws = wb.create_sheet("项目支出绩效自评表")
    for col, width in zip("ABCDEFGHI", (10, 14, 24, 12, 12, 8, 10, 14, 24), strict=False):
        ws.column_dimensions[col].width = width
    put(ws, "A1", "项目支出绩效自评表", "I1")
    ws["A1"].font = Font(bold=True, size=16)
    put(ws, "A2", "2019年度)", "I2")
    put(ws, "A3", "单位：万元", "I3")
    put(ws, "A4", "项目名称")
    put(ws, "B4", "办公宿舍楼、食堂及餐厅暖通改造经费", "I4")
    put(ws, "A5", "主管部门")
    put(ws, "B5", "廊坊市发改委", "D5")
    put(ws, "E5", "实施单位")
    put(ws, "F5", "廊坊市食品工程学校", "I5")
    # budget block: A = 项目资金(万元) merged down, B:C = row label
    put(ws, "A6", "项目资金\n(万元)", "A10")
    put(ws, "B6", None, "C6")
    for col, text in zip(
        "DEFGHI", ("年初\n预算数", "全年\n预算数", "全年\n执行数", "分值", "执行率", "得分"), strict=False
    ):
        ws[f"{col}6"] = text
    rows = [
        ("年度资金总额", 43.2, 43.2, 37.24, 10, "86%", 9),
        ("其中:当年财政拨款", 43.2, 43.2, 37.24, None, None, None),
        ("      上年结转资金", None, None, None, None, None, None),
        ("  其他资金", None, None, None, None, None, None),
    ]
    for r, (label, *cells) in enumerate(rows, start=7):
        put(ws, f"B{r}", label, f"C{r}")
        for col, value in zip("DEFGHI", cells, strict=False):
            ws[f"{col}{r}"] = value
    put(ws, "A11", "年度总体目标", "A12")
    put(ws, "B11", "预期目标", "E11")
    put(ws, "F11", "实际完成情况", "I11")
    put(ws, "B12", 43.2, "E12")
    put(ws, "F12", 37.24, "I12")
    header = (
        "一级指标",
        "二级指标",
        "三级指标",
        "年度\n指标值",
        "实际\n完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    )
    for col, text in zip("ABCDEFGH", header, strict=False):
        ws[f"{col}13"] = text
    ws.merge_cells("H13:I13")
    r = 14
    for level1, groups in BLOCKS:
        top1 = r
        for level2, items in groups:
            top2 = r
            for name, target, actual, weight, score, reason in items:
                ws[f"C{r}"] = name
                ws[f"D{r}"] = target
                ws[f"E{r}"] = actual
                ws[f"F{r}"] = weight
                ws[f"G{r}"] = score
                ws[f"H{r}"] = reason
                ws.merge_cells(f"H{r}:I{r}")
                r += 1
            put(ws, f"B{top2}", level2, f"B{r - 1}" if r - 1 > top2 else None)
        put(ws, f"A{top1}", level1, f"A{r - 1}" if r - 1 > top1 else None)
    for row in ws.iter_rows(min_row=4, max_row=r - 1, max_col=9):
        for cell in row:
            cell.border = BOX
            cell.alignment = WRAP
    for ref in ("A1", "A2", "A3"):
        ws[ref].alignment = Alignment(horizontal="center")


def main():
    wb = Workbook()
    explanation(wb)
    form(wb)
    out = HERE / "hebei-langfang-shipin-2019-nuantong.xlsx"
    wb.save(out)
    print(out)


if __name__ == "__main__":
    main()
