"""Build sichuan-zhongjiang-shuibiaochi-2022.xlsx: the published form laid out as printed.

One sheet, the Sichuan transfer-payment variant of the national 项目支出绩效自评表: title line as printed
(「绩效目标自评表」), a year line, a unit line, no 年初预算数 column, no 指标性质 column, 分值 before
年度指标值, merged 一级/二级 cells, the empty 经济效益指标 row and the 「……」 row as printed, a 总分 row
whose 100/100 does not match the 110 the rows add up to. The text of every cell is the text of
sichuan-zhongjiang-shuibiaochi-2022.yaml (source and reading notes there); 项目负责人及电话 is left out.
The 「单位：万元」 line is the national layout's; the web text shows the unit only as 「资金情况(万元)」.

Run: python tests/forms/build_sichuan_workbooks.py   (needs openpyxl)
"""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

HERE = Path(__file__).resolve().parent
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")


def put(ws, ref, value, merge_to=None, fmt=None):
    ws[ref] = value
    if fmt:
        ws[ref].number_format = fmt
    if merge_to:
        ws.merge_cells(f"{ref}:{merge_to}")


def zhongjiang():
    wb = Workbook()
    ws = wb.active
    ws.title = "项目支出绩效自评表"
    put(ws, "A1", "绩效目标自评表", "I1")
    ws["A1"].font = Font(bold=True, size=16)
    put(ws, "A2", "（2022年度）", "I2")
    put(ws, "A3", "单位：万元", "I3")
    ws["A3"].alignment = Alignment(horizontal="right")

    put(ws, "A4", "项目名称", "B4")
    put(ws, "C4", "中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装", "I4")
    put(ws, "A5", "主管部门", "B5")
    put(ws, "C5", "中江县水利局", "E5")
    put(ws, "F5", "实施单位")
    put(ws, "G5", "中江县水利局", "I5")

    # budget block: no 年初预算数 column
    put(ws, "A6", "资金情况(万元)", "A9")
    put(ws, "B6", None, "C6")
    for col, text in zip(
        "DEFGH", ["全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"], strict=True
    ):
        ws[f"{col}6"] = text
    put(ws, "B7", "年度资金总额:", "C7")
    ws["D7"], ws["E7"], ws["F7"] = 20, 20, 10
    put(ws, "G7", 1, fmt="0.00%")
    ws["H7"] = 10
    put(ws, "B8", "其中:本年财政拨款", "C8")
    ws["D8"], ws["E8"] = 20, 20
    put(ws, "B9", "其他资金", "C9")

    put(ws, "A10", "年度总体目标", "A11")
    put(ws, "B10", "年初设定目标", "E10")
    put(ws, "F10", "年度总体目标完成情况综述", "I10")
    put(ws, "B11", "对农村地区供水计量设施设备进行改进,对项目区农业用水计量,为项目区农业生产夯实基础,", "E11")
    put(ws, "F11", "对项目区农业用水计量,为项目区农业生产夯实基础,", "I11")

    head = [
        "一级指标",
        "二级指标",
        "三级指标",
        "分值",
        "年度指标值",
        "全年实际值",
        "得分",
        "未完成原因及拟采取的改进措施",
    ]
    for col, text in zip("BCDEFGHI", head, strict=True):
        ws[f"{col}12"] = text
    rows = [  # 一级, 二级, 三级, 分值, 年度指标值, 全年实际值, 得分
        ("产出指标(70分)", "数量指标", "安装坡面水标尺", 10, "≥266米", "≥266米", 10),
        (None, None, "水标尺宽度", 10, "≥50厘米", "≥50厘米", 10),
        (None, "质量指标", "项目(工程)验收合格率", 20, "100%", "100%", 20),
        (None, "时效指标", "及时(按期)开工率", 10, "≥90%", "≥90%", 10),
        (None, None, "及时(按期)完工率", 10, "≥90%", "≥90%", 10),
        (None, "成本指标", "项目计划总投资", 10, "20万元", "20万元", 10),
        ("效益指标(20分)", "经济效益指标", None, None, None, None, None),
        (None, "社会效益指标", "受益脱贫(含监测对象)户人口数", 10, "≥1000人", "≥1000人", 10),
        (None, None, "群众生产生活条件改善状况", 10, "显著提升", "显著提升", 10),
        ("满意度指标(10分)", "服务对象满意度指标", "受益脱贫(含监测对象)户满意度", 10, "≥95%", "≥95%", 10),
        (None, None, "……", None, None, None, None),
    ]
    first = 13
    for i, row in enumerate(rows):
        r = first + i
        for col, value in zip("BCDEFGH", row, strict=True):
            if value is not None:
                ws[f"{col}{r}"] = value
    last = first + len(rows) - 1
    put(ws, "A12", "绩效指标", f"A{last}")
    ws.merge_cells("B13:B18")  # 产出指标(70分)
    ws.merge_cells("C13:C14")  # 数量指标
    ws.merge_cells("C16:C17")  # 时效指标
    ws.merge_cells("B19:B21")  # 效益指标(20分)
    ws.merge_cells("C20:C21")  # 社会效益指标
    ws.merge_cells("B22:B23")  # 满意度指标(10分)
    ws.merge_cells("C22:C23")  # 服务对象满意度指标
    total = last + 1
    put(ws, f"A{total}", "总分", f"D{total}")
    ws[f"E{total}"] = 100
    ws[f"H{total}"] = 100

    for row in ws.iter_rows(min_row=4, max_row=total, max_col=9):
        for cell in row:
            cell.border = BOX
            cell.alignment = WRAP
    for col, width in zip("ABCDEFGHI", [10, 14, 16, 26, 8, 12, 12, 8, 22], strict=True):
        ws.column_dimensions[col].width = width
    wb.save(HERE / "sichuan-zhongjiang-shuibiaochi-2022.xlsx")


if __name__ == "__main__":
    zhongjiang()
