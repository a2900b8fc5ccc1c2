"""A ledger's identity: a stable id made with the ledger, and the key it signs its reports with.

Both live in the `meta` table (technical facts, not journaled; a shared ledger keeps the key
apart, where members cannot read it: `sharing.schema.keep_key_apart`): the id names the ledger wherever
its reports go, whatever its unit is called this year; the Ed25519 key lets anyone holding the
public key (the committee that received the branch's first report, or the branch itself) tell a
report the ledger made from one made or edited elsewhere. A backup carries both, so a restored
ledger is the same ledger. Ledgers made before identities existed get one on upgrade.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey
from peewee import Database

from ..errors import LedgerError
from ..fingerprints import grouped
from ..models import Meta

LEDGER_ID_KEY = "ledger_id"
SIGNING_KEY = "signing_key"


@dataclass(frozen=True)
class Identity:
    ledger_id: str  # 32 hex digits
    public_key: str  # base64 of the raw 32-byte Ed25519 public key

    @property
    def fingerprint(self) -> str:
        """The public key as a code a person can compare by eye: `ABCDE-FGHJK-MNPQR-STVWX`."""
        return key_fingerprint(self.public_key)


def key_fingerprint(public_key: str) -> str:
    return grouped(hashlib.sha256(public_key.encode("ascii")).hexdigest())


def new_meta_rows() -> list[tuple[str, str]]:
    """(key, value) rows for a new ledger's meta table."""
    raw = bytes(SigningKey.generate())  # the 32-byte seed: RFC 8032's raw private key
    return [(LEDGER_ID_KEY, uuid.uuid4().hex), (SIGNING_KEY, base64.b64encode(raw).decode())]


def ensure(db: Database) -> None:
    """Give a ledger made before identities existed its id and key (inside the caller's write)."""
    have = {k for (k,) in Meta.select(Meta.key).bind(db).tuples()}
    if _shared(db):
        have.add(SIGNING_KEY)  # kept apart (sharing.schema.keep_key_apart)
    missing = [row for row in new_meta_rows() if row[0] not in have]
    if missing:
        Meta.insert_many(missing, fields=[Meta.key, Meta.value]).execute(db)


def _meta(db: Database, key: str) -> str:
    if key == SIGNING_KEY and _shared(db):  # kept apart, for 管理员 and the owner only
        from ..sharing.schema import signing_key

        value = signing_key(db)
        row = None if value is None else (value,)
    else:
        row = Meta.select(Meta.value).where(Meta.key == key).bind(db).tuples().first()
    if row is None and key == SIGNING_KEY and _shared(db):
        raise LedgerError(
            "多人共用的台账上，报表签名密钥只有管理员和数据库所有者能读取，月报和汇总表由管理员生成并签名。"
            "请由管理员生成，或用管理员账户登录后再试。"
        )
    if row is None:
        raise LedgerError(
            "台账缺少身份信息（可能是在程序之外被改动），无法生成或核对带签名的报表。"
        )
    return row[0]


def _private_key(db: Database) -> SigningKey:
    try:
        return SigningKey(base64.b64decode(_meta(db, SIGNING_KEY), validate=True))
    except (ValueError, TypeError) as exc:
        raise LedgerError(
            "台账的签名密钥已损坏（可能是在程序之外被改动），无法为报表签名。"
        ) from exc


def _shared(db: Database) -> bool:
    from ..sharing.schema import shared_prefix

    return shared_prefix(db) is not None


def identity(db: Database) -> Identity:
    public = bytes(_private_key(db).verify_key)
    return Identity(_meta(db, LEDGER_ID_KEY), base64.b64encode(public).decode())


def sign(db: Database, data: bytes) -> str:
    """The ledger's signature over `data`, base64."""
    return base64.b64encode(_private_key(db).sign(data).signature).decode()


def signature_holds(public_key: str, data: bytes, signature: str) -> bool:
    try:
        key = VerifyKey(base64.b64decode(public_key, validate=True))
        key.verify(data, base64.b64decode(signature, validate=True))
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True
