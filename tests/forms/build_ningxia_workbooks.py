"""Build ningxia-*.xlsx: the published Ningxia forms as one-sheet workbooks laid out as printed.

Run from anywhere: python tests/forms/build_ningxia_workbooks.py (needs openpyxl).
Cell texts are copied from the matching .yaml transcription (see its header for the source and for what
is cut off or illegible); nothing is added that the printed form does not show.
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


def yinchuan_liuzhong_2021():
    """银川市本级部门项目支出绩效自评表(2021年), 银川市第六中学 初中公用经费 (cut off before 满意度)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "项目支出绩效自评表"
    put(ws, "A1", "银川市本级部门项目支出绩效自评表(2021年)", "H1")
    put(ws, "A2", "项目名称")
    put(ws, "B2", "初中公用经费", "E2")
    put(ws, "F2", "自评得分")
    put(ws, "G2", 98, "H2")
    put(ws, "A3", "主管部门")
    put(ws, "B3", "银川市教育局", "C3")
    put(ws, "D3", "实施单位")
    put(ws, "E3", "银川市第六中学")
    put(ws, "F3", "财政审定评分")
    put(ws, "G3", None, "H3")
    # budget block: no 分值/得分 columns on this layout
    put(ws, "A4", "项目资金(万元)", "A5")
    for col, label in zip(
        "CDEF", ["年初预算数", "调整预算数(A)", "全年执行数(B)", "执行率(B/A)"], strict=False
    ):
        put(ws, f"{col}4", label)
    put(ws, "B5", "年度资金总额")
    put(ws, "C5", 64.8)
    put(ws, "D5", 64.8)
    put(ws, "E5", 64.8)
    put(ws, "F5", "100%")
    put(ws, "A6", "年度总体目标", "A7")
    put(ws, "B6", "年初设定目标", "D6")
    put(ws, "E6", "年度总体目标完成情况综述", "H6")
    put(ws, "B7", "保障学校正常工作运行", "D7")
    put(ws, "E7", None, "H7")  # illegible in the source: left empty
    header = [
        "一级指标",
        "二级指标",
        "三级指标",
        "参考分值",
        "指标值(A)",
        "全年实际值(B)",
        "得分",
        "未完成原因分析及改进措施",
    ]
    for col, label in zip("ABCDEFGH", header, strict=False):
        put(ws, f"{col}8", label)
    # (level1, level2, name, weight, target, actual, score); placeholder rows 「指标N:」 as printed
    rows = [
        ("项目决策(10分)", "项目目标", "完整性", 4, "一", "目标明确、内容细化、目标量化", 4),
        ("项目决策(10分)", "项目立项", "相关性", 2, "一", "按照学校管理标准对学校进行管理", 2),
        ("项目决策(10分)", "项目立项", "可行性", 2, None, "实际工作需求", 2),
        ("项目决策(10分)", "项目立项", "适当性", 2, None, "有资金测算标准", 2),
        ("项目管理(25分)", "投入管理", "预算执行率", 10, "一", "100%", 9),
        (
            "项目管理(25分)",
            "财务管理",
            "财务管理制度有效性",
            7,
            "一",
            "财务制度健全，严格执行制度，会计核算规范",
            7,
        ),
        ("项目管理(25分)", "项目实施", "绩效监控有效性", 2, "一", "持续有效", 2),
        ("项目管理(25分)", "项目实施", "管理制度有效性", 6, "-", "严格执行相关管理制度", 6),
        ("项目产出(30分)", "数量指标(10分)", "保障人数", 10, "2370人", "2370人", 10),
        ("项目产出(30分)", "数量指标(10分)", "指标2:", None, None, None, None),
        ("项目产出(30分)", "质量指标(5分)", "公用经费标准", 5, "符合相关文件要求", "符合相关文件要求", 5),
        ("项目产出(30分)", "质量指标(5分)", "指标2:", None, None, None, None),
        ("项目产出(30分)", "时效指标(5分)", "公用经费完成时间", 5, "2021年12月完成", "2021年12月完成", 4),
        ("项目产出(30分)", "时效指标(5分)", "指标2:", None, None, None, None),
        ("项目产出(30分)", "成本指标(10分)", "办公所需成本", 4, "15万元", "15万元", 4),
        ("项目产出(30分)", "成本指标(10分)", "维修(维护)所需成本", 3, "35万元", "35万元", 3),
        ("项目产出(30分)", "成本指标(10分)", "绿化、水电费等成本", 3, "M.8万元", "14.8万元", 3),
        ("项目效益(35分)", "经济效益指标", "指标1:", None, None, None, None),
        ("项目效益(35分)", "经济效益指标", "指标2:", None, None, None, None),
        ("项目效益(35分)", "社会效益指标", "效果显著", 15, "改善学校的办学条件", "改善学校的办学条件", 13),
        ("项目效益(35分)", "生态效益指标", "指标1:", None, None, None, None),
        ("项目效益(35分)", "生态效益指标", "指标2:", None, None, None, None),
        (
            "项目效益(35分)",
            "可持续影响指标",
            "使学生和老师行个更好的学习和工作环境,做到",
            10,
            "社会认可的办学环境.",
            "社会认可的办学环境.",
            8,
        ),
        ("项目效益(35分)", "可持续影响指标", "指标2:", None, None, None, None),
    ]
    write_indicator_rows(ws, rows, first_row=9)
    for col, width in zip("ABCDEFGH", [14, 14, 26, 9, 18, 26, 7, 22], strict=False):
        ws.column_dimensions[col].width = width
    wb.save(HERE / "ningxia-yinchuan-liuzhong-2021-gongyong.xlsx")


def write_indicator_rows(ws, rows, first_row):
    """Write rows; merge 一级 (col A) and 二级 (col B) down each run of equal values, as printed."""
    r = first_row
    for level1, level2, name, weight, target, actual, score in rows:
        for col, value in zip("ABCDEFG", [level1, level2, name, weight, target, actual, score], strict=False):
            put(ws, f"{col}{r}", value)
        r += 1
    last = r - 1
    for col, idx in (("A", 0), ("B", 1)):
        start = first_row
        for i in range(1, len(rows) + 1):
            ends = (
                i == len(rows)
                or rows[i][idx] != rows[start - first_row][idx]
                or (idx == 1 and rows[i][0] != rows[start - first_row][0])
            )
            if ends:
                end = first_row + i - 1
                if end > start:
                    ws.merge_cells(f"{col}{start}:{col}{end}")
                start = first_row + i
    return last


if __name__ == "__main__":
    yinchuan_liuzhong_2021()
