"""The 抽查 workbook: the drawn problems ready for an on-site check.

Sheet 抽查核查表: how the draw was made (seed, population, who and when, the command that redoes
it), then one row per drawn problem — its description, measures with completion dates, 销号说明,
reviewer and date, its evidence files, and blank 核查结果 / 核查说明 cells for the inspector (a
result already recorded back is filled in). Sheet 佐证材料: every evidence file of those problems
with its size and SHA-256, so a file shown on site can be checked against the ledger; a file that
other problems also use is named (identical closure papers for different problems are a typical
sign of 纸面销号).
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook

from ..dates import format_date
from ..excel.styles import Column, Palette, row_height, set_page, text_lines
from ..excel.writer import HeaderInfo, StreamSheet, check_target, discard, save_atomically
from ..import_closure import closed_on_import
from ..labels import size_label
from ..ledger import Ledger
from ..models import Evidence, Measure, Problem
from ..workflow import M_DONE, M_VOID, MEASURE_LABELS
from .sampling import DrawView, draw_view, items

CHECK_COLUMNS = (
    Column("序号", 5, True),
    Column("问题编号", 11, True),
    Column("问题描述", 26),
    Column("整改措施及完成情况", 32),
    Column("销号说明", 24),
    Column("审核人\n销号日期", 12, True),
    Column("佐证材料", 22),
    Column("核查结果\n（属实/不属实）", 13, True),
    Column("核查说明", 16),
)
FILE_COLUMNS = (
    Column("序号", 5, True),
    Column("问题编号", 11, True),
    Column("文件名", 30),
    Column("大小", 10, True),
    Column("SHA-256", 36),
    Column("添加人、时间", 17, True),
    Column("同一文件也是\n以下问题的佐证", 20),
)


def draw_line(view: DrawView, program: str = "zhenggai-cli") -> str:
    scope = f"整改批次“{view.batch}”中" if view.batch else "台账中"
    redo = "（重做）" if view.redo_of else ""
    return (
        f"抽取方式{redo}：由程序随机选定种子 {view.seed}，从{scope} {view.population_size} 个"
        f"已销号问题中抽取 {view.wanted} 个；抽取人 {view.by}，时间 {view.at}。"
        f"任何人可用同一种子重做并核对结果：{program} {view.redo_command()}"
    )


def write_sample_book(
    ledger: Ledger, path: str | os.PathLike, draw_id: int, *, program: str = "zhenggai-cli"
) -> Path:
    """Write the workbook of draw `draw_id` to `path` (the caller applies the overwrite rule)."""
    target = check_target(path)
    view = draw_view(ledger, draw_id)
    drawn = items(ledger, draw_id)
    info = HeaderInfo.of(ledger)
    wb = Workbook(write_only=True)
    try:
        palette = Palette(wb)
        files = _check_sheet(wb, palette, ledger, view, drawn, info, program)
        _file_sheet(wb, palette, ledger, files, info)
        save_atomically(wb, target)
    except BaseException:
        discard(wb)
        raise
    return target


def _check_sheet(wb, palette, ledger, view, drawn, info, program) -> list[tuple[str, dict]]:
    sheet = StreamSheet(wb, palette, "抽查核查表", CHECK_COLUMNS, freeze="A5")
    set_page(sheet.ws, title_rows="4:4")
    width = sum(c.width for c in CHECK_COLUMNS)
    sheet.title_row(f"{info.unit}已销号问题抽查核查表", 40.0)
    sheet.info_row(info.parts())
    line = draw_line(view, program)
    sheet.note_row(line, height=row_height(text_lines(line, width)) + 4)
    sheet.heading_row()
    files: list[tuple[str, dict]] = []
    ids = [row["problem"] for row in drawn]
    problems = {p["id"]: p for p in ledger.select(Problem).where(Problem.id.in_(ids)).dicts()}
    for n, row in enumerate(drawn, 1):
        problem = problems[row["problem"]]
        measures = _measures(ledger, problem["id"])
        evidence = _evidence(ledger, problem["id"])
        files.extend((problem["code"], e) for e in evidence)
        reviewer = problem["reviewer"] or (
            "导入时已销号" if closed_on_import(problem["status"], problem["reviewer"]) else ""
        )
        cells = [
            n,
            problem["code"],
            problem["description"],
            measures,
            problem["closure_note"],
            f"{reviewer}\n{format_date(problem['closed_on'])}".strip(),
            "\n".join(f"{i}. {e['name']}" for i, e in enumerate(evidence, 1)) or "（无）",
            row["result"],
            _result_note(row),
        ]
        styled = [
            sheet.cell(v, "台账居中" if c.centered else "台账正文")
            for v, c in zip(cells, CHECK_COLUMNS, strict=True)
        ]
        lines = max(text_lines(str(v), c.width) for v, c in zip(cells, CHECK_COLUMNS, strict=True))
        sheet.append(styled, row_height(max(lines, 3)))
    sheet.append([], 12.0)
    sheet.note_row(
        "核查人（签字）：＿＿＿＿＿＿＿＿　　核查日期：＿＿＿＿年＿＿月＿＿日　　"
        "被核查单位（签字）：＿＿＿＿＿＿＿＿",
        "台账表头信息",
        30.0,
    )
    note = (
        "注：核查结果填“属实”或“不属实”，不属实的写明哪里不符；核查后在整改台账程序中"
        "“督办 → 记录抽查结果…”或用命令 sample-result 记回台账。佐证材料的 SHA-256 见“佐证材料”表，"
        "可用它核对现场出示的文件是否就是销号时上传的文件。"
    )
    sheet.note_row(note, height=row_height(text_lines(note, width)))
    return files


def _result_note(row: dict) -> str:
    if not row["result"]:
        return ""
    parts = [row["note"]] if row["note"] else []
    parts.append(f"（{row['checked_by']}，{format_date(row['checked_on'])}）")
    return "".join(parts)


def _measures(ledger: Ledger, problem_id: int) -> str:
    lines = []
    for seq, text, status, done in (
        ledger.select(Measure, Measure.seq, Measure.text, Measure.status, Measure.done_on)
        .where((Measure.problem == problem_id) & (Measure.status != M_VOID))
        .order_by(Measure.seq)
        .tuples()
    ):
        state = f"{format_date(done)}完成" if status == M_DONE and done else MEASURE_LABELS[status]
        lines.append(f"{seq}. {text}（{state}）")
    return "\n".join(lines)


def _evidence(ledger: Ledger, problem_id: int) -> list[dict]:
    return list(
        ledger.select(Evidence)
        .where((Evidence.problem == problem_id) & (Evidence.active == True))  # noqa: E712
        .order_by(Evidence.id)
        .dicts()
    )


def _file_sheet(wb, palette, ledger: Ledger, files: list[tuple[str, dict]], info) -> None:
    sheet = StreamSheet(wb, palette, "佐证材料", FILE_COLUMNS, freeze="A4")
    set_page(sheet.ws, title_rows="3:3")
    sheet.title_row("抽查问题的佐证材料及其 SHA-256", 36.0)
    sheet.info_row(info.parts())
    sheet.heading_row()
    shared = _shared(ledger, files)
    for n, (code, e) in enumerate(files, 1):
        others = sorted(shared.get(e["sha256"], set()) - {code})
        cells = [
            n,
            code,
            e["name"] + (f"\n{e['note']}" if e["note"] else ""),
            size_label(e["size"]),
            e["sha256"],
            f"{e['added_by']}\n{e['added_at'][:16]}",
            "、".join(others),
        ]
        styled = [
            sheet.cell(v, "台账居中" if c.centered else "台账正文")
            for v, c in zip(cells, FILE_COLUMNS, strict=True)
        ]
        lines = max(text_lines(str(v), c.width) for v, c in zip(cells, FILE_COLUMNS, strict=True))
        sheet.append(styled, row_height(max(lines, 2)))
    if not files:
        sheet.note_row("抽中的问题没有有效的佐证材料。")


def _shared(ledger: Ledger, files: list[tuple[str, dict]]) -> dict[str, set[str]]:
    """SHA-256 -> codes of every problem whose (active) evidence is that file."""
    hashes = sorted({e["sha256"] for _, e in files})
    out: dict[str, set[str]] = {}
    for start in range(0, len(hashes), 500):
        for sha, code in (
            ledger.select(Evidence, Evidence.sha256, Problem.code)
            .join(Problem, on=(Evidence.problem == Problem.id))
            .where(Evidence.sha256.in_(hashes[start : start + 500]) & (Evidence.active == True))  # noqa: E712
            .tuples()
        ):
            out.setdefault(sha, set()).add(code)
    return out
