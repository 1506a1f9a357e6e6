"""supervision: statistics indexes and published bulletins

Revision ID: 0007
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import inspector.dbtypes

revision = "0007"
down_revision = "0003"
branch_labels = None
depends_on = None

_INDEXES = [
    ("ix_case_due_at", "case", ["due_at"]),
    ("ix_case_closed_at", "case", ["closed_at"]),
    ("ix_case_created_at", "case", ["created_at"]),
    ("ix_case_event_action_at", "case_event", ["action", "at"]),
    ("ix_report_created", "report", ["created_at"]),
]


def upgrade():
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns, unique=False)
    op.create_table(
        "bulletin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("published_at", inspector.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=False),
        sa.Column("published_by_role", sa.String(length=20), nullable=False),
        sa.CheckConstraint("kind IN ('weekly', 'monthly')", name=op.f("ck_bulletin_kind_known")),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["account.id"], name=op.f("fk_bulletin_published_by_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletin")),
        sa.UniqueConstraint("kind", "period", name=op.f("uq_bulletin_kind_period")),
    )


def downgrade():
    op.drop_table("bulletin")
    for name, table, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
