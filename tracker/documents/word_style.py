"""The Word document in the official layout (GB/T 9704-2012): page, typefaces, styles, page numbers.

A4 portrait; top margin 37 mm, left (binding) 28 mm, a text block of 156 × 225 mm; the title in
二号 (22 pt) 小标宋, the body in 三号 (16 pt) 仿宋 at a fixed 28 pt line (22 lines of 28
characters a page), first-level headings “一、” in 黑体, second-level “（一）” in 楷体, “1.” in 仿宋;
page numbers in 四号 宋体 as “— 1 —”. The typefaces are those this computer has, else the plain
Windows ones (`tracker.fonts`). The document's language is Chinese, so Word and WPS apply the
Chinese line-breaking rules (no line starting with “，”, none ending with “（”).

Paragraphs are appended as XML (`Body.add`): python-docx's `add_paragraph` looks the style up and
walks the body each time, which for a report of a thousand problems took longer than the rest.
"""

from __future__ import annotations

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from ..fonts import Faces

TITLE_PT, BODY_PT, PAGE_NUMBER_PT = 22, 16, 14
LINE_PT = 28  # a fixed line: 22 lines on the 225 mm text block
INDENT_CHARS = 2
STYLES = ("公文标题", "公文正文", "一级标题", "二级标题", "三级标题", "公文落款", "公文附注")
FILL_IN = "请补充"  # the character style of the parts the secretary writes
RED = RGBColor(0xC0, 0x00, 0x00)

_P, _PPR, _PSTYLE, _R, _RPR = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:r"), qn("w:rPr")
_RSTYLE, _T, _VAL, _SPACE = qn("w:rStyle"), qn("w:t"), qn("w:val"), qn("xml:space")


def new_document(faces: Faces):
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    _styles(doc, faces)
    _page_numbers(section, faces)
    return doc


def _east_asian(style_or_run, name: str) -> None:
    """The Chinese typeface too (python-docx sets only the Latin ones)."""
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")  # Latin words and numbers stay whole
    lang.set(qn("w:eastAsia"), "zh-CN")


def _paragraph_style(doc, name: str, font: str, size: float, *, bold=False):
    styles = doc.styles
    style = styles.add_style(name, 1)  # WD_STYLE_TYPE.PARAGRAPH
    style.base_style = styles["Normal"]
    style.font.size = Pt(size)
    style.font.bold = bold
    _east_asian(style, font)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = False
    return style


def _styles(doc, faces: Faces) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _east_asian(normal, faces.body)
    body = _paragraph_style(doc, "公文正文", faces.body, BODY_PT)
    body.paragraph_format.first_line_indent = Pt(BODY_PT * INDENT_CHARS)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    title = _paragraph_style(doc, "公文标题", faces.title, TITLE_PT)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(35)
    title.paragraph_format.space_after = Pt(LINE_PT)
    for name, face in (("一级标题", faces.heading), ("二级标题", faces.subheading)):
        style = _paragraph_style(doc, name, face, BODY_PT)
        style.paragraph_format.first_line_indent = Pt(BODY_PT * INDENT_CHARS)
        style.paragraph_format.keep_with_next = True
    third = _paragraph_style(doc, "三级标题", faces.body, BODY_PT, bold=True)
    third.paragraph_format.first_line_indent = Pt(BODY_PT * INDENT_CHARS)
    third.paragraph_format.keep_with_next = True
    signed = _paragraph_style(doc, "公文落款", faces.body, BODY_PT)
    signed.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signed.paragraph_format.right_indent = Pt(BODY_PT * 4)
    note = _paragraph_style(doc, "公文附注", faces.body, BODY_PT)
    note.paragraph_format.left_indent = Pt(0)
    fill = doc.styles.add_style(FILL_IN, 2)  # WD_STYLE_TYPE.CHARACTER
    fill.font.bold = True
    fill.font.color.rgb = RED


def _page_numbers(section, faces: Faces) -> None:
    """“— 1 —” at the foot of every page, 四号 宋体, centred."""
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("— ", False), ("PAGE", True), (" —", False)):
        run = footer.add_run()
        run.font.size = Pt(PAGE_NUMBER_PT)
        _east_asian(run, faces.plain)
        if field:
            for kind, instr in (("begin", None), (None, " PAGE "), ("end", None)):
                if kind:
                    element = OxmlElement("w:fldChar")
                    element.set(qn("w:fldCharType"), kind)
                else:
                    element = OxmlElement("w:instrText")
                    element.set(qn("xml:space"), "preserve")
                    element.text = instr
                run._r.append(element)
        else:
            run.text = text


class Body:
    """Appends paragraphs to a document's body as XML, before its section properties."""

    def __init__(self, doc) -> None:
        self.body = doc.element.body
        self.sect = self.body[-1]
        self.body.remove(self.sect)
        self.ids = {name: doc.styles[name].style_id for name in (*STYLES, FILL_IN)}

    def add(self, style: str, *parts: str | tuple[str, str]) -> None:
        """One paragraph; a part is text, or (character style, text)."""
        p = etree.SubElement(self.body, _P)
        ppr = etree.SubElement(p, _PPR)
        etree.SubElement(ppr, _PSTYLE).set(_VAL, self.ids[style])
        for part in parts:
            run = etree.SubElement(p, _R)
            if isinstance(part, tuple):
                char_style, part = part
                rpr = etree.SubElement(run, _RPR)
                etree.SubElement(rpr, _RSTYLE).set(_VAL, self.ids[char_style])
            t = etree.SubElement(run, _T)
            t.text = part
            if part[:1].isspace() or part[-1:].isspace():
                t.set(_SPACE, "preserve")

    def fill_in(self, style: str, hint: str) -> None:
        """A paragraph the secretary writes: 【请补充：…】 in bold red."""
        self.add(style, (FILL_IN, f"【{FILL_IN}：{hint}】"))

    def close(self) -> None:
        self.body.append(self.sect)
