"""case timeline anchors: keyed head (event count + last digest) of every case

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-29 10:00:00

Events written before this revision were chained with plain SHA-256, which anyone with write
access can recompute. They are left untouched (their digests stay what was written, so a copy
kept elsewhere still compares) and each case's current head is sealed here under the audit key
(INSPECTOR_AUDIT_KEY or instance/audit_key): `legacy_count` events are plain, every later one
is HMAC-keyed. Editing a legacy event now breaks the seal; history altered *before* this
upgrade cannot be told apart from the real one, which is why `audit verify` should be run
before upgrading.
"""

import hashlib
import hmac

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def _anchor_mac(key: bytes, case_id: int, count: int, head: str, legacy_count: int) -> str:
    # Same formula as inspector.workflow.timeline.anchor_mac (kept here so the revision stands
    # alone when code moves); the migration test verifies the upgraded database with the code.
    message = f"anchor|{case_id}|{count}|{head}|{legacy_count}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def upgrade():
    anchor = op.create_table(
        "case_anchor",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("legacy_count", sa.Integer(), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_case_anchor_case_id_case")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_anchor")),
    )
    key = str(current_app.config["AUDIT_KEY"]).encode()
    bind = op.get_bind()
    case = sa.table("case", sa.column("id", sa.Integer))
    event = sa.table(
        "case_event",
        sa.column("case_id", sa.Integer),
        sa.column("seq", sa.Integer),
        sa.column("hash", sa.String),
    )
    heads = {}
    last = sa.select(
        event.c.case_id, sa.func.max(event.c.seq).label("seq"), sa.func.count().label("n")
    )
    for case_id, seq, count in bind.execute(last.group_by(event.c.case_id)):
        heads[case_id] = (seq, count)
    rows = []
    case_ids = bind.execute(sa.select(case.c.id).order_by(case.c.id)).scalars().all()
    for start in range(0, len(case_ids), 1000):
        chunk = case_ids[start : start + 1000]
        hashes = (
            dict(
                bind.execute(
                    sa.select(event.c.case_id, event.c.hash).where(
                        sa.tuple_(event.c.case_id, event.c.seq).in_(
                            [(cid, heads[cid][0]) for cid in chunk if cid in heads]
                        )
                    )
                ).all()
            )
            if any(cid in heads for cid in chunk)
            else {}
        )
        for case_id in chunk:
            seq, count = heads.get(case_id, (0, 0))
            head = hashes.get(case_id, GENESIS)
            rows.append(
                {
                    "case_id": case_id,
                    "event_count": count,
                    "head_hash": head,
                    "legacy_count": seq,
                    "mac": _anchor_mac(key, case_id, count, head, seq),
                }
            )
    if rows:
        op.bulk_insert(anchor, rows)


def downgrade():
    op.drop_table("case_anchor")
