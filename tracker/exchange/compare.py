"""Where two versions of a workbook's content differ, in sentences that name the sheet and the cell.

Rows are aligned by their content first (a row deleted from 明细 shifts every row after it; that is
one removed row, not a thousand changed cells), then the cells of rows that stand in the same place
are compared: "汇总 D7：报表为 8，台账当时为 1".
"""

from __future__ import annotations

from difflib import SequenceMatcher

from .content import INVISIBLE, SheetContent, column_letters, column_number, ref_key, split_ref

MAX_LISTED = 20
STATES = {"visible": "显示", "hidden": "隐藏", "veryHidden": "深度隐藏"}
EXTRA_WORDS = {
    "drawing": "图形或文本框",
    "legacyDrawing": "批注或控件",
    "legacyDrawingHF": "页眉页脚图片",
    "picture": "背景图片",
    "oleObjects": "嵌入对象",
    "controls": "控件",
    "conditionalFormatting": "条件格式",
    "zeroHeight": "默认隐藏所有行",
}
Row = tuple[tuple[int, str, str], ...]  # (column, value, format) of each non-empty cell


def shown(value: str | None, fmt: str = "") -> str:
    """A canonical value as a person sees it: rates as percentages, nothing as （空）."""
    if value is None:
        return "（空）"
    if "%" in fmt:
        try:
            return f"{float(value) * 100:.1f}%"
        except ValueError:
            pass
    return value if len(value) <= 40 else value[:38] + "……"


def differences(
    have: list[SheetContent], want: list[SheetContent], label: str, limit: int = MAX_LISTED
) -> list[str]:
    """What `have` (the file) shows differently from `want`; `label` names `want` ("台账当时")."""
    out: list[str] = []
    wanted = {s.name: s for s in want}
    present = {s.name: s for s in have}
    for sheet in want:
        if sheet.name not in present:
            out.append(f"工作表“{sheet.name}”被删除（{label}有这张表）。")
    for sheet in have:
        if sheet.name not in wanted:
            if sheet.state == "visible" or sheet.cells:
                out.append(f"报表中多出工作表“{sheet.name}”（{label}没有）。")
            continue
        expected = wanted[sheet.name]
        if _same(sheet, expected):  # the usual case, decided at C speed
            continue
        if sheet.state != expected.state:
            out.append(
                f"工作表“{sheet.name}”的状态被改为{STATES.get(sheet.state, sheet.state)}"
                f"（{label}为{STATES.get(expected.state, expected.state)}）。"
            )
        out.extend(_sheet_differences(sheet, expected, label))
        if len(out) > limit:
            break
    if len(out) > limit:
        out = out[:limit] + [f"……另有更多不同之处未列出（共 {len(out)} 处以上）。"]
    return out


def _same(a: SheetContent, b: SheetContent) -> bool:
    return (
        a.state == b.state
        and a.cells == b.cells
        and sorted(a.merges) == sorted(b.merges)
        and sorted(a.hidden_rows) == sorted(b.hidden_rows)
        and sorted(a.hidden_cols) == sorted(b.hidden_cols)
        and sorted(a.extras) == sorted(b.extras)
    )


def _rows(sheet: SheetContent) -> tuple[list[int], list[Row]]:
    by_row: dict[int, list[tuple[int, str, str]]] = {}
    for ref, (value, fmt) in sheet.cells.items():
        letters, row = split_ref(ref)
        by_row.setdefault(row, []).append((column_number(letters), value, fmt))
    numbers = sorted(by_row)
    return numbers, [tuple(sorted(by_row[n])) for n in numbers]


def _sheet_differences(have: SheetContent, want: SheetContent, label: str) -> list[str]:
    out: list[str] = []
    name = have.name
    have_numbers, have_rows = _rows(have)
    want_numbers, want_rows = _rows(want)
    matcher = SequenceMatcher(None, want_rows, have_rows, autojunk=False)
    for op, w0, w1, h0, h1 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and w1 - w0 == h1 - h0:
            for k in range(w1 - w0):
                out.extend(
                    _cell_differences(
                        name, have_numbers[h0 + k], have_rows[h0 + k], want_rows[w0 + k], label
                    )
                )
            continue
        for k in range(w0, w1):
            out.append(
                f"{name} 第 {want_numbers[k]} 行（{_describe(want_rows[k])}）："
                f"{label}有这一行，报表中没有（被删除或改动）。"
            )
        for k in range(h0, h1):
            out.append(
                f"{name} 第 {have_numbers[k]} 行（{_describe(have_rows[k])}）："
                f"报表中多出这一行，{label}没有。"
            )
        if len(out) > MAX_LISTED:
            return out
    if not out and sorted(have.merges, key=_first) != sorted(want.merges, key=_first):
        added = sorted(set(have.merges) - set(want.merges), key=_first)[:5]
        removed = sorted(set(want.merges) - set(have.merges), key=_first)[:5]
        out.append(
            f"{name} 的合并单元格被改动（多出：{'、'.join(added) or '无'}；"
            f"少了：{'、'.join(removed) or '无'}）。"
        )
    hidden = sorted(set(have.hidden_rows) - set(want.hidden_rows))
    if hidden:
        rows = "、".join(str(r) for r in hidden[:10])
        out.append(f"{name} 中有 {len(hidden)} 行被隐藏（第 {rows} 行），看报表时看不到它们。")
    hidden_cols = sorted(set(have.hidden_cols) - set(want.hidden_cols), key=column_number)
    if hidden_cols:
        out.append(f"{name} 中第 {'、'.join(hidden_cols[:10])} 列被隐藏，看报表时看不到。")
    for extra in sorted(set(have.extras) - set(want.extras)):
        word = EXTRA_WORDS.get(extra.split(":", 1)[0], extra.split(":", 1)[0])
        out.append(f"{name} 中加入了{word}（本程序生成的报表没有），它可能遮盖或改变显示的内容。")
    return out


def _first(text: str) -> tuple[int, int]:
    return ref_key(text.split(":", 1)[0])


def _cell_differences(sheet: str, row: int, have: Row, want: Row, label: str) -> list[str]:
    out = []
    h = {c: (v, f) for c, v, f in have}
    w = {c: (v, f) for c, v, f in want}
    for col in sorted(set(h) | set(w)):
        hv, hf = h.get(col, (None, ""))
        wv, wf = w.get(col, (None, ""))
        ref = f"{column_letters(col)}{row}"
        if hv != wv:
            out.append(f"{sheet} {ref}：报表为 {shown(hv, hf)}，{label}为 {shown(wv, wf)}。")
        elif hf.endswith(INVISIBLE) and not wf.endswith(INVISIBLE):
            out.append(
                f"{sheet} {ref}：内容被设置成看不见（字体颜色与底色相同或字号过小），"
                f"单元格里仍是 {shown(hv, wf)}。"
            )
        elif hf != wf:
            out.append(
                f"{sheet} {ref}：显示格式被改为“{hf}”（{label}为“{wf}”），"
                f"显示出来的内容可能与数值不同。"
            )
    return out


def _describe(row: Row) -> str:
    values = [v for _, v, _ in row if v][:3]
    text = "，".join(values) or "空行"
    return text if len(text) <= 30 else text[:28] + "……"
