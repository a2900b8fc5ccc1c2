"""A report's seal: the machine data it carries, signed by the ledger that made it.

Beside the sheets people read, a report holds a very hidden sheet (`校验数据`) with one JSON
document, split over cells: the ledger's identity, the report's month and moment, the journal
head it was made from, its figures, and the canonical content of every visible sheet
(`content.SheetContent`). The document's SHA-256 is signed with the ledger's Ed25519 key
(`identity`). Checking a file without the ledger then means: the signature holds for the document
and the public key it names, and what the file shows now equals the content the document
recorded — any difference is named by sheet and cell.

What this proves: the file was not changed after the ledger holding that key made it. A forger who
reads this code can make a self-consistent file with a key of their own, so the key must be the
one on record (the committee keeps each branch's key from its first report; the branch's own
ledger has it). Checking against the ledger (`verify_report`) rebuilds the report from history.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from peewee import Database

from ..excel.styles import Column, Palette
from ..excel.writer import StreamSheet
from . import identity
from .content import SheetContent, WorkbookContent, read_content

DATA_SHEET = "校验数据"
FORMAT = "zhenggai-report/1"
SIGNED = b"zhenggai-report-seal/1\n"  # what a signature is over: this, then the digest in hex
CHUNK = 8000  # characters per cell (Excel allows 32767)
NOTICE = (
    "本工作表由整改台账程序生成，保存报表的校验数据和签名，用于核对报表生成后是否被改动。"
    "请勿修改或删除。"
)
COLUMNS = (Column("", 12), Column("", 120))


def encode(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_data_sheet(wb, palette: Palette, db: Database, payload: dict) -> str:
    """Add the very hidden sheet carrying `payload` and the ledger's signature; returns the digest."""
    text = encode(payload)
    sha = digest(text)
    me = identity.identity(db)
    signature = identity.sign(db, SIGNED + sha.encode())
    sheet = StreamSheet(wb, palette, DATA_SHEET, COLUMNS)  # not recorded: the seal is apart
    sheet.ws.sheet_state = "veryHidden"

    def put(key: str, value: str) -> None:
        sheet.append([sheet.cell(key, "台账注释"), sheet.cell(value, "台账注释")])

    put("说明", NOTICE)
    put("format", FORMAT)
    put("public_key", me.public_key)
    put("digest", sha)
    put("signature", signature)
    for start in range(0, len(text), CHUNK):
        put("payload", text[start : start + CHUNK])
    return sha


@dataclass
class Seal:
    """What a file's data sheet says, and whether it holds together."""

    payload: dict | None
    public_key: str = ""
    digest: str = ""
    problems: list[str] = field(default_factory=list)  # the data sheet itself is damaged or forged

    @property
    def fingerprint(self) -> str:
        return identity.key_fingerprint(self.public_key) if self.public_key else ""

    def sheets(self) -> list[SheetContent]:
        return [SheetContent.from_json(s) for s in (self.payload or {}).get("sheets", [])]


def read_seal(content: WorkbookContent, name: str) -> Seal | None:
    """The seal in a workbook's content, or None when it has no data sheet at all."""
    sheet = content.sheet(DATA_SHEET)
    if sheet is None:
        return None
    rows: dict[int, dict[str, str]] = {}
    for ref, (value, _fmt) in sheet.cells.items():
        letters, row = ref.rstrip("0123456789"), int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        rows.setdefault(row, {})[letters] = value
    fields: dict[str, str] = {}
    chunks: list[str] = []
    for row in sorted(rows):
        key, value = rows[row].get("A", ""), rows[row].get("B", "")
        if key == "payload":
            chunks.append(value)
        elif key:
            fields[key] = value
    seal = Seal(None, fields.get("public_key", ""), fields.get("digest", ""))
    if fields.get("format") != FORMAT:
        seal.problems.append(
            f"“{name}” 的校验数据格式为“{fields.get('format', '')}”，本程序不认识"
            "（可能由更新版本的程序生成，或被改动）。"
        )
        return seal
    text = "".join(chunks)
    if digest(text) != seal.digest:
        seal.problems.append("校验数据与其摘要不符：隐藏的校验数据表在报表生成后被改动过。")
    elif not identity.signature_holds(
        seal.public_key, SIGNED + seal.digest.encode(), fields.get("signature", "")
    ):
        seal.problems.append(
            "校验数据的签名无效：校验数据不是由其所称的台账签署的（被改动或伪造）。"
        )
    try:
        payload = json.loads(text)
    except ValueError:
        seal.problems.append("校验数据无法读取（被截断或改动）。")
        return seal
    if not isinstance(payload, dict) or payload.get("ledger", {}).get("public_key") != (
        seal.public_key
    ):
        seal.problems.append("校验数据中的公钥与签名所用公钥不一致：校验数据被改动过。")
    seal.payload = payload if isinstance(payload, dict) else None
    return seal


def read_file(path: str | Path) -> tuple[WorkbookContent, Seal | None]:
    content = read_content(path)
    return content, read_seal(content, Path(path).name)


def shown_sheets(content: WorkbookContent) -> list[SheetContent]:
    """The sheets of a workbook other than the data sheet (hidden ones too: their state counts)."""
    return [s for s in content.sheets if s.name != DATA_SHEET]
