"""Build shanghai-putuo-tiyu-2022-jiesuan.xlsx: the published form laid out as printed.

One sheet, named as printed, 「财政项目支出绩效自评表」 (Shanghai's title for the national form):
title and 「(2022 年度)」 lines, a unit line, 项目名称/主管部门/实施单位, the budget block with 年初预算数
(amounts in 元, 250000.00 shown with two decimals, the total row's 执行数 with a thousands separator
as printed, 「215,457.6」), the 「—」 the sub-rows print after 执行数 (put in the 分值 column), 年度总体目标
with an empty 预期目标, no 指标性质 column (signs inside 年度指标值: 「=100%」, 「>=90%」), merged
一级/二级 cells, and the 总分 row. Cell text is that of shanghai-putuo-tiyu-2022-jiesuan.yaml (source
and reading notes there). The 「单位：元」 line is the national layout's; the PDF writes 「项目资金 (元)」.

Run: python tests/forms/build_shanghai_workbooks.py   (needs openpyxl)
"""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

HERE = Path(__file__).resolve().parent
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")

# (一级指标, [(二级指标, [(三级指标, 年度指标值, 实际完成值, 分值, 得分), ...]), ...])
BLOCKS = [
    (
        "产出指标",
        [
            ("数量指标", [("与委托运营方结算完成率", "=100%", "100%", 10, 10)]),
            ("质量指标", [("合同结算条款完成率", "=100%", "100%", 20, 20)]),
            ("时效指标", [("费用结算及时性", "及时", "及时", 20, 20)]),
        ],
    ),
    ("效益指标", [("社会效益指标", [("与委托运营方合同完成率", "=100%", "100%", 30, 30)])]),
    ("满意度指标", [("服务对象满意度指标", [("场馆开放满意度", ">=90%", "100%", 10, 10)])]),
]


def put(ws, ref, value, merge_to=None):
    ws[ref] = value
    if merge_to:
        ws.merge_cells(f"{ref}:{merge_to}")


def form(wb):
    ws = wb.active
    ws.title = "财政项目支出绩效自评表"
    for col, width in zip("ABCDEFGHI", (10, 14, 24, 14, 14, 12, 10, 10, 20), strict=False):
        ws.column_dimensions[col].width = width
    put(ws, "A1", "财政项目支出绩效自评表", "I1")
    ws["A1"].font = Font(bold=True, size=16)
    put(ws, "A2", "(2022 年度)", "I2")
    put(ws, "A3", "单位：元", "I3")
    put(ws, "A4", "项目名称")
    put(ws, "B4", "普陀体育中心与委托运营方结算费用", "I4")
    put(ws, "A5", "主管部门")
    put(ws, "B5", "上海市普陀区体育局", "D5")
    put(ws, "E5", "实施单位")
    put(ws, "F5", "上海市普陀区体育事业管理中心", "I5")
    put(ws, "A6", "项目资金\n(元)", "A10")
    put(ws, "B6", None, "C6")
    for col, text in zip(
        "DEFGHI", ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), strict=False
    ):
        ws[f"{col}6"] = text
    rows = [
        ("年度资金总额", 250000.00, 250000.00, 215457.6, 10, "86.19%", 8.62),
        ("其中:当年财政拨款", 250000.00, 250000.00, 215457.6, "—", None, None),
        ("上年结转资金", 0, 0, None, "—", None, None),
        ("其他资金", 0, 0, None, "—", None, None),
    ]
    for r, (label, *cells) in enumerate(rows, start=7):
        put(ws, f"B{r}", label, f"C{r}")
        for col, value in zip("DEFGHI", cells, strict=False):
            ws[f"{col}{r}"] = value
    for r in (7, 8):
        ws[f"D{r}"].number_format = "0.00"
        ws[f"E{r}"].number_format = "0.00"
    ws["F7"].number_format = "#,##0.0"
    put(ws, "A11", "年度总体目标", "A12")
    put(ws, "B11", "预期目标", "E11")
    put(ws, "F11", "实际完成情况", "I11")
    put(ws, "B12", None, "E12")
    put(ws, "F12", "已完成普陀体育中心与委托运营方费用结算。", "I12")
    header = (
        "一级指标",
        "二级指标",
        "三级指标",
        "年度\n指标值",
        "实际\n完成值",
        "分值",
        "得分",
        "偏差原因分析及\n改进措施",
    )
    for col, text in zip("ABCDEFGH", header, strict=False):
        ws[f"{col}13"] = text
    ws.merge_cells("H13:I13")
    r = 14
    for level1, groups in BLOCKS:
        top1 = r
        for level2, items in groups:
            top2 = r
            for name, target, actual, weight, score in items:
                ws[f"C{r}"] = name
                ws[f"D{r}"] = target
                if isinstance(target, str) and target.startswith("="):
                    ws[f"D{r}"].data_type = "s"  # printed text (`=100%`), not a formula
                ws[f"E{r}"] = actual
                ws[f"F{r}"] = weight
                ws[f"G{r}"] = score
                ws.merge_cells(f"H{r}:I{r}")
                r += 1
            put(ws, f"B{top2}", level2, f"B{r - 1}" if r - 1 > top2 else None)
        put(ws, f"A{top1}", level1, f"A{r - 1}" if r - 1 > top1 else None)
    put(ws, f"A{r}", "总分", f"E{r}")
    ws[f"F{r}"] = 100
    ws[f"G{r}"] = 98.62
    ws.merge_cells(f"H{r}:I{r}")
    for row in ws.iter_rows(min_row=4, max_row=r, max_col=9):
        for cell in row:
            cell.border = BOX
            cell.alignment = WRAP
    for ref in ("A1", "A2", "A3"):
        ws[ref].alignment = Alignment(horizontal="center")


def main():
    wb = Workbook()
    form(wb)
    out = HERE / "shanghai-putuo-tiyu-2022-jiesuan.xlsx"
    wb.save(out)
    print(out)


if __name__ == "__main__":
    main()
