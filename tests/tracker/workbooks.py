"""Messy hand-kept ledgers, written fresh with openpyxl the way branches really lay them out.

Each builder returns the path of a new workbook; the tests next to them state what importing it
must give. Layouts vary on purpose: title and 填报单位 lines, merged problem cells, two-row
headers under merged group headings, blanks under a problem's first row, section lines,
footnotes and signature lines, other wordings and orders, formulas with cached values.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

OFFICIAL_HEADINGS = [
    "序号",
    "问题来源",
    "问题类别",
    "问题描述（具体表现）",
    "原因分析",
    "整改目标",
    "整改措施",
    "责任领导",
    "责任部门",
    "责任人",
    "整改时限",
    "整改进展",
    "完成情况（是否销号）",
    "销号时间",
    "佐证材料",
    "备注",
]


def _style(ws, first_row: int, last_row: int, width: int) -> None:
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, max_col=width):
        for cell in row:
            cell.border = BOX
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.font = Font(name="仿宋_GB2312", size=11)


def _merge_down(ws, columns: str, first: int, last: int) -> None:
    for letter in columns:
        ws.merge_cells(f"{letter}{first}:{letter}{last}")


def official(path: Path) -> Path:
    """The official layout: merged title, 填报单位 line, one row per measure, problem cells merged."""
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ws["A1"] = "市直机关第一党支部2025年度组织生活会查摆问题整改台账"
    ws.merge_cells("A1:P1")
    ws["A2"] = "填报单位：市直机关第一党支部"
    ws.merge_cells("A2:F2")
    ws["L2"] = "填报日期：2026年3月1日"
    ws.append(OFFICIAL_HEADINGS)
    rows = [
        # seq, source, category, description, cause, target, measure, leader, dept, owner,
        # deadline, progress, status, closed, evidence, remarks
        [
            1,
            "组织生活会",
            "作风建设",
            "会议文件多，以文件落实文件，基层负担重",
            "形式主义思想作祟",
            "会议文件精简三分之一",
            "制定会议文件审核制度",
            "张伟",
            "办公室",
            "李娜",
            dt.datetime(2025, 12, 31),
            "已印发制度",
            "已销号",
            dt.datetime(2026, 1, 15),
            "会议纪要、制度文件",
            None,
        ],
        [None] * 6 + ["开展文风会风专项检查", None, "办公室", "李娜", "2026年1月底前"] + [None] * 5,
        [None] * 6 + ["建立长效监督机制", None, "办公室", "王敏", "长期坚持"] + [None] * 5,
        [
            2,
            "巡察反馈",
            "组织建设",
            "“三会一课”记录不规范，部分会议记录缺失",
            None,
            None,
            "规范会议记录模板",
            "赵刚",
            "组织科",
            "陈晨",
            46022,
            None,
            "正在整改",
            None,
            None,
            "重点督办",
        ],
        [None] * 6 + ["每季度检查一次会议记录", None, "组织科", "陈晨", "每季度"] + [None] * 5,
        [
            3,
            "自查",
            "纪律建设",
            "个别党员参加组织生活不积极",
            None,
            None,
            "（1）开展谈心谈话（2）纳入年度考评",
            "张伟",
            "办公室",
            "李娜、王敏",
            "年底前",
            None,
            None,
            None,
            None,
            None,
        ],
    ]
    for row in rows:
        ws.append(row)
    _merge_down(ws, "ABCDEFHMNOP", 4, 6)
    _merge_down(ws, "ABCDEFHMNOP", 7, 8)
    _style(ws, 3, 9, 16)
    ws.append([])
    ws.append(["注：1.完成情况填写“已销号”“正在整改”或“长期坚持”；2.时限写明具体日期。"])
    ws.merge_cells("A11:P11")
    ws.append(["填表人：王敏", None, None, None, "联系电话：0571-88886666"])
    ws.append(["审核人：", None, None, None, "（盖章）"])
    wb.save(path)
    return path


def two_row_header(path: Path) -> Path:
    """Group headings over sub-headings, section lines, blanks under the first row, numbered cells."""
    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    ws["A1"] = "机关第二党支部主题教育检视问题整改清单"
    ws.merge_cells("A1:K1")
    top = ["序号", "问题清单", None, None, "任务清单", None, "责任清单", None, None, "整改状态"]
    ws.append(top + ["配合单位"])
    sub = [None, "问题类别", "存在问题", "原因剖析", "整改措施", "完成时限"]
    ws.append(sub + ["牵头领导", "责任单位", "责任人", None, None])
    for cells in ("A2:A3", "B2:D2", "E2:F2", "G2:I2", "J2:J3", "K2:K3"):
        ws.merge_cells(cells)
    ws.append(["一、思想建设方面（2个）"])
    ws.merge_cells("A4:K4")
    ws.append(
        [
            1,
            None,
            "理论学习流于形式，学用脱节",
            "学习缺乏计划",
            "1.制定年度学习计划；2.每月开展一次专题研讨",
            "1.2026年3月底前；2.每月",
            "刘洋（支部书记）",
            "宣传科",
            "周杰",
            "推进中",
            "办公室",
        ]
    )
    ws.append([None, None, None, None, "建立学习笔记检查制度", dt.datetime(2026, 4, 30)])
    ws.append(
        [
            2,
            None,
            "调查研究不深入，掌握一线情况不够",
            None,
            "一是每季度走访基层；二是形成调研报告",
            45800,
            "刘洋",
            "宣传科",
            "周  杰",
            "已完成",
        ]
    )
    ws.append(["二、作风建设方面"])
    ws.merge_cells("A8:K8")
    ws.append(
        [
            3,
            "作风建设",
            "办事效率不高，群众反映办事难",
            None,
            "推行一次性告知制度",
            "2026年第二季度",
            "赵刚",
            "服务中心",
            "孙丽",
            "持续整改",
        ]
    )
    _style(ws, 2, 9, 11)
    ws.append(["说明：本表一式两份，报机关党委一份。"])
    wb.save(path)
    return path


def wps_style(path: Path) -> Path:
    """No title, other wordings in another order, text repeated on every measure row, formulas."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(
        [
            "序号",
            "整改期限",
            "存在问题",
            "整改举措",
            "责任科室",
            "具体责任人",
            "是否完成",
            "整改进展情况",
            "问题编号",
            "备注",
        ]
    )
    ws.append(
        [
            "=ROW()-1",
            "2026-06-30",
            "值班制度执行不严格",
            "修订值班制度",
            "办公室",
            "李娜",
            "已整改",
            "已修订并印发",
            "2025-007",
            '=IF(A2=1,"重点督办","")',
        ]
    )
    ws.append([1, "长期坚持", "值班制度执行不严格", "每月抽查值班情况", "办公室", "李娜", "已整改"])
    ws.append([2, "立行立改", "公车使用登记不全", "完善用车登记台账", "办公室", "王敏", "未完成"])
    ws["I4"] = "2025-003"
    wb.save(path)
    return with_cached_values(path, "xl/worksheets/sheet1.xml", {"A2": 1, "J2": "重点督办"})


def with_cached_values(path: Path, member: str, values: dict[str, object]) -> Path:
    """Give formula cells the cached results Excel would have saved (openpyxl writes none)."""
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    xml = files[member].decode("utf-8")
    for ref, value in values.items():
        kind = ' t="str"' if isinstance(value, str) else ""
        xml = re.sub(
            rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?',
            lambda m, r=ref, v=value, k=kind: f'<c r="{r}"{m[1]}{k}><f>{m[2]}</f><v>{v}</v>',
            xml,
        )
    files[member] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def several_sheets(path: Path) -> Path:
    """A notes sheet without a table, and a sheet holding two ledgers one under the other."""
    wb = Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes.append(["填表说明"])
    notes.append(["1. 每个问题填写一行，措施多的可分行填写。"])
    notes.append(["2. 完成情况请如实填写。"])
    ws = wb.create_sheet("两批问题")
    headings = ["序号", "问题表现", "整改措施", "责任人", "整改时限", "完成情况"]
    ws.append(["第一批：民主生活会查摆问题"])
    ws.append(headings)
    ws.append([1, "调研报告质量不高", "建立调研成果评审机制", "吴昊", "2026年5月31日", "未完成"])
    ws.append([2, "督查检查过多过频", "统筹合并督查事项", "吴昊", "2026年6月", "已完成"])
    ws.append([])
    ws.append(["第二批：巡察反馈问题"])
    ws.append(headings)
    ws.append([1, "党费收缴不及时", "按月收缴党费并公示", "郑洁", "每月", "长期坚持"])
    wb.save(path)
    return path


def many_rows(path: Path, problems: int, measures_per_problem: int = 3) -> Path:
    """A big official-layout ledger (merged problem cells), for speed and scale checks."""
    from openpyxl import Workbook as WriteOnly

    wb = WriteOnly(write_only=True)
    ws = wb.create_sheet("台账")
    rows, merges = big_ledger(problems, measures_per_problem, dated=True)
    ws.append(rows[0])
    ws.merged_cells.add(f"A1:{get_column_letter(len(OFFICIAL_HEADINGS))}1")
    for row in rows[1:]:
        ws.append(row)
    for merge in merges:
        ws.merged_cells.add(merge)
    wb.save(path)
    return path


def big_ledger(problems: int, measures_per_problem: int = 3, *, dated: bool = False):
    """(rows, merged ranges) of a big official-layout ledger: a title, the header, one row per
    measure with the problem's cells merged down. `dated`: real dates in 整改时限 and 销号时间
    (openpyxl writes them); without, text only (for `raw_xlsx`)."""
    rows: list[list] = [["大型台账（性能测试）"], OFFICIAL_HEADINGS]
    merges = []
    statuses = ["已销号", "正在整改", "长期坚持", "未完成"]
    for n in range(1, problems + 1):
        first = len(rows) + 1
        for k in range(measures_per_problem):
            problem_cells = (
                [
                    n,
                    "组织生活会",
                    "作风建设",
                    f"第{n}号问题：会议多文件多，督查检查频繁，基层负担仍然较重（具体表现{n}）",
                    "形式主义、官僚主义思想仍有市场，统筹不够",
                    "会议、文件、督查检查数量明显压减",
                ]
                if k == 0
                else [None] * 6
            )
            first_deadline = dt.datetime(2026, 1 + n % 12, 28) if dated else "2026年6月底前"
            deadline = [first_deadline, "2026年6月底前", "长期坚持"][k % 3]
            closed = dt.datetime(2026, 1, 10) if dated and k == 0 and n % 4 == 0 else None
            rows.append(
                problem_cells
                + [
                    f"措施{k + 1}：建立会议文件统筹机制，严格审核把关，按月通报执行情况",
                    "张伟" if k == 0 else None,
                    f"科室{n % 7}",
                    f"干部{n % 40}",
                    deadline,
                    "已制定方案，正在推进" if k == 0 else None,
                    statuses[n % 4] if k == 0 else None,
                    closed,
                    None,
                    None,
                ]
            )
        last = len(rows)
        merges += [f"{letter}{first}:{letter}{last}" for letter in "ABCDEFHMN"]
    return rows, merges


def _sheet(
    path: Path, title: str, lines: list[list], headings: list[str], rows: list[list]
) -> Path:
    """A plain ledger: a title, header lines (填报单位 …), the header row, the data rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for line in lines:
        ws.append(line)
    ws.append(headings)
    for row in rows:
        ws.append(row)
    _style(ws, len(lines) + 1, ws.max_row, len(headings))
    wb.save(path)
    return path


def two_vocabularies(path: Path) -> Path:
    """已完成 for a finished measure, 已销号 for a crossed-off problem, and a 销号时间 column."""
    headings = ["序号", "问题描述", "整改措施", "责任人", "整改时限", "完成情况", "销号时间"]
    d = dt.datetime
    rows = [
        [1, "会议多，陪会多", "精简会议", "李娜", "2026年1月底前", "已完成", None],
        [None, None, "压缩陪会", "李娜", "2026年2月底前", "已完成", None],
        [
            2,
            "文件多，照搬照抄",
            "制定发文审核制度",
            "王敏",
            d(2025, 12, 31),
            "已销号",
            d(2026, 1, 15),
        ],
        [None, None, "开展文风培训", "王敏", "2026年1月底前", "已完成", None],
        [3, "调研少，走马观花", "蹲点调研", "周杰", "2026年6月底前", "基本完成", None],
        [4, "督查多，层层加码", "合并督查事项", "吴昊", "2026年3月底前", "已完成", None],
        [None, None, "建立督查计划管理机制", "吴昊", "长期坚持", "长期坚持", None],
        [5, "学习少，以会代学", "开展专题学习", "刘洋", "2026年1月底前", None, d(2026, 2, 10)],
        [
            6,
            "记录缺，补记代记",
            "规范会议记录",
            "陈晨",
            "2026年1月底前",
            "正在整改",
            d(2026, 2, 11),
        ],
    ]
    lines = [
        ["机关第三党支部作风建设问题整改台账"],
        ["填报单位：机关第三党支部", None, None, None, "填报日期：2026年2月20日"],
    ]
    return _sheet(path, "台账", lines, headings, rows)


def free_text_status(path: Path) -> Path:
    """A 完成情况 column of sentences beside the real 整改状态 column of short words."""
    headings = ["序号", "问题描述", "整改措施", "责任人", "完成情况", "整改状态", "备注"]
    rows = [
        [1, "调查研究不深入", "蹲点调研", "周杰", "已完成第一次蹲点调研。", "整改中", None],
        [
            2,
            "学习走过场",
            "专题学习",
            "刘洋",
            "已完成全部专题学习，学习笔记已检查。",
            "已销号",
            None,
        ],
        [3, "台账不全", "补齐台账", "王敏", "正在补齐2025年台账，已完成一半。", None, "年底前补齐"],
        [4, "值班脱岗", "加强值班检查", "李娜", None, "未整改", None],
    ]
    return _sheet(path, "Sheet1", [["整改情况统计表"]], headings, rows)


INSPECTION_HEADINGS = [
    "序号", "具体表现", "整改专项", "是否重点关注", "措施内容", "措施类型",
    "预计完成时间", "完成情况", "问题完成情况概述", "是否常态化坚持",
]  # fmt: skip


def inspection_system(path: Path) -> Path:
    """An export of a 巡察整改 system: problem cells repeated on every measure row, no 销号 at all."""
    d = dt.datetime
    a = "干部作风不实，调研走过场"
    b = "窗口服务态度生硬"
    c = "审批时限过长"
    e = "公车管理不规范"
    rows = [
        [1, a, "作风专项", "是", "建立调研报告评审制度", "制度建设", d(2026, 3, 31), "已完成", "已建立制度并运行", "否"],
        [1, a, "作风专项", "是", "每季度开展蹲点调研", "长效机制", d(2026, 12, 31), "已完成", "已建立制度并运行", "是"],
        [2, b, "服务专项", "否", "开展服务礼仪培训", "教育培训", d(2026, 2, 28), "已完成", "培训已全部完成", "否"],
        [2, b, "服务专项", "否", "设立群众意见箱", "制度建设", d(2026, 2, 28), "已完成", "培训已全部完成", "否"],
        [3, c, "服务专项", "是", "压缩审批时限", "流程优化", d(2026, 6, 30), "基本完成", "已压缩至10个工作日", "否"],
        [4, e, "纪律专项", "否", "完善派车单制度", "制度建设", d(2026, 1, 31), "已完成", "派车单已启用", "否"],
        [4, e, "纪律专项", "否", "建立月度检查", "监督检查", d(2026, 12, 31), "未完成", "派车单已启用", "否"],
    ]  # fmt: skip
    return _sheet(path, "巡察整改", [], INSPECTION_HEADINGS, rows)


SPREAD_HEADINGS = [
    "序号", "问题编号", "问题描述", "整改措施", "责任人", "责任部门", "整改时限",
    "整改进展", "完成情况", "备注", "配合单位",
]  # fmt: skip


def spread_rows(path: Path) -> Path:
    """Problems spread over several rows in every way a hand-kept ledger does it.

    Row 7's progress sits beside a measure; row 19's in a problem that has none; others in a
    problem's first row above its measures, alone on a continuation row, or starting “说明：”.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["第四党支部问题整改台账"])
    ws.append(
        ["填报单位：第四党支部", None, None, None, None, None, None, "填报日期：2026年2月1日"]
    )
    ws.append(SPREAD_HEADINGS)
    rows = [
        # 4: a problem whose first row holds its progress, its measures below
        [1, "2025-101", "政治理论学习不系统", None, None, "党办", None, "已制定学习计划", "正在整改", "重点", None],
        [None, None, None, "制定年度学习计划", "刘洋", None, "2026年3月底前", None, None, None, None],
        [None, None, None, "每月集中学习一次", "刘洋", None, "每月", None, None, None, "工会"],
        # 7: a measure with its progress beside it
        [2, "2025-102", "联系群众不够紧密", "开展走访", "周杰", "办公室", "2026年4月底前", "已走访12户", "正在整改", None, None],
        # 8: progress alone on a continuation row, and one that starts like a footnote
        [None, None, None, None, None, None, None, "又走访8户", None, None, None],
        [None, None, None, None, None, None, None, "说明：走访记录已归档", None, None, None],
        # 10: a second code and a second unit on a continuation row without a measure
        [None, "2025-102A", None, None, None, "组织科", None, None, None, "补充", None],
        # 11: several units and people in one cell
        [3, "2025-103", "办文效率不高", "优化办文流程", "李娜、王敏", "办公室、机要室", "2026年5月底前", None, "未完成", None, "信息中心"],
        [4, "2025-104", "会风不实", "精简会议", "吴昊", "办公室", "2026年6月底前", None, "推进中", None, None],
        [None, None, None, "会前发材料", "吴昊", None, "立行立改", None, "已完成", None, None],
        [5, "2025-105", "文风不正", "开展文风评比", "郑洁", "宣传科", "2026年1月底前", None, "已完成第一轮评比。", None, None],
        [6, "2025-106", "值班不严", "修订值班制度", "陈晨", "办公室", "2026年2月底前", None, "逾期", None, None],
        [7, "2025-107", "调研不深", "蹲点调研", "周杰", "办公室", "2026年6月底前", "已调研两次", "整改中", None, None],
        [8, "2025-108", "台账不全", "补齐台账", "王敏", "办公室", "2026年3月底前", None, "未完成", None, None],
        [9, "2025-109", "作风拖沓", "建立督办制度", "赵刚", "督查室", "2026年4月底前", None, "未完成", None, None],
        [None, None, None, "每周通报", "赵刚", None, "每周", None, None, None, None],
        # 19: a problem with no measure written, but its progress
        [10, "2025-110", "宣传阵地更新慢", None, None, "宣传科", None, "已更新两期宣传栏", "整改中", None, None],
    ]  # fmt: skip
    for row in rows:
        ws.append(row)
    _style(ws, 3, ws.max_row, len(SPREAD_HEADINGS))
    wb.save(path)
    return path


def description_first(path: Path) -> Path:
    """No 序号 column: a problem row that holds nothing but its description must not vanish."""
    headings = ["问题描述", "整改措施", "责任人", "整改时限", "完成情况"]
    rows = [
        ["会议多", "精简会议", "张伟", "2026年6月底前", "整改中"],
        ["督查多"],
        ["文件多", "压缩文件", "李娜", "2026年6月底前", "未完成"],
    ]
    return _sheet(path, "台账", [], headings, rows)


# -- workbooks written as raw XML: huge, hostile or odd files openpyxl would not write ----------
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


class RawXml(str):
    """Cell text written into the XML as it is (an entity reference, say), not escaped."""


def _escape(text: str) -> str:
    if isinstance(text, RawXml):
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = value if isinstance(value, RawXml) else str(value)
    return f'<c r="{ref}" t="inlineStr"><is><t>{_escape(text)}</t></is></c>'


def raw_xlsx(
    path: Path,
    rows,
    *,
    merges: list[str] = (),
    dimension: str | None = None,
    prolog: str = "",
    parts: dict[str, bytes] | None = None,
) -> Path:
    """One sheet named 台账, written straight as XML and streamed (a million rows in seconds).

    `prolog` goes between the XML declaration and the root (a DOCTYPE, say); `parts` adds or
    replaces archive members as raw bytes.
    """
    members = {
        "[Content_Types].xml": _CONTENT_TYPES.encode(),
        "_rels/.rels": _ROOT_RELS.encode(),
        "xl/workbook.xml": _WORKBOOK.encode(),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS.encode(),
        **(parts or {}),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + prolog
            head += '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            head += f'<dimension ref="{dimension or "A1"}"/>'  # as Excel writes it
            out.write((head + "<sheetData>").encode("utf-8"))
            batch = []
            for r, row in enumerate(rows, 1):
                cells = "".join(
                    _cell(f"{get_column_letter(c)}{r}", v) for c, v in enumerate(row, 1)
                )
                batch.append(f'<row r="{r}">{cells}</row>')
                if len(batch) >= 2000:
                    out.write("".join(batch).encode("utf-8"))
                    batch = []
            tail = "".join(batch) + "</sheetData>"
            if merges:
                tail += f'<mergeCells count="{len(merges)}">'
                tail += "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>"
            out.write((tail + "</worksheet>").encode("utf-8"))
    return path


def _deflate(data: bytes, final: bool) -> bytes:
    """A raw deflate segment that stands alone: segments joined in order make one valid stream."""
    z = zlib.compressobj(6, zlib.DEFLATED, -15)
    return z.compress(data) + z.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def bomb_xlsx(path: Path, padding: int, *, declare: int | None = None) -> Path:
    """A real ledger (header and one problem) whose sheet XML carries `padding` bytes of blanks
    between rows — legal XML that inflates to `padding` bytes from a few hundred KB.

    The zip is written by hand so that gigabytes need never be compressed: one deflated MiB of
    spaces is repeated. `declare` writes another uncompressed size into the zip directory (a
    file that lies about its size).
    """
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + f'<row r="1">{_cell("A1", "序号")}{_cell("B1", "问题描述")}{_cell("C1", "整改措施")}'
        + f"{_cell('D1', '责任人')}</row>"
        + f'<row r="2">{_cell("A2", 1)}{_cell("B2", "会议多")}{_cell("C2", "精简会议")}'
        + f"{_cell('D2', '张伟')}</row>"
    ).encode()
    tail = b"</sheetData></worksheet>"
    block = b" " * (1 << 20)
    repeats, rest = divmod(padding, len(block))
    block_z = _deflate(block, False)
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(b" " * rest + tail, crc)
    size = len(head) + padding + len(tail)
    sheet = _deflate(head, False) + block_z * repeats + _deflate(b" " * rest + tail, True)
    members = [
        ("[Content_Types].xml", _CONTENT_TYPES.encode()),
        ("_rels/.rels", _ROOT_RELS.encode()),
        ("xl/workbook.xml", _WORKBOOK.encode()),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.encode()),
    ]
    parts = [(n, _deflate(d, True), zlib.crc32(d), len(d)) for n, d in members]
    parts.append(("xl/worksheets/sheet1.xml", sheet, crc, declare if declare else size))
    _write_zip(path, parts)
    return path


def _write_zip(path: Path, parts: list[tuple[str, bytes, int, int]]) -> None:
    """Deflated members given as (name, raw deflate data, crc, uncompressed size)."""
    import struct

    directory = b""
    with path.open("wb") as out:
        for name, data, crc, size in parts:
            offset = out.tell()
            encoded = name.encode()
            fields = (20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0)
            out.write(b"PK\x03\x04" + struct.pack("<5H3L2H", *fields) + encoded + data)
            directory += (
                b"PK\x01\x02" + struct.pack("<6H3L5H2L", 20, *fields, 0, 0, 0, 0, offset) + encoded
            )
        start = out.tell()
        out.write(directory)
        count = len(parts)
        out.write(
            b"PK\x05\x06" + struct.pack("<4H2LH", 0, 0, count, count, len(directory), start, 0)
        )
