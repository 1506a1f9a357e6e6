"""有奖举报: the reward ledger and its claim rows

Revision ID: 0014
Revises: 0012
Create Date: 2026-11-28 17:30:00

New tables only: no existing row changes. Rewards start with this revision: cases filed before
it earn nothing retroactively (their reporters were never promised points).
"""

import sqlalchemy as sa
from alembic import op

from inspector.dbtypes import UTCDateTime

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reward_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_reward_entry_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_reward_entry_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_reward_entry_report_id_report")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["category.id"], name=op.f("fk_reward_entry_category_id_category")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["reward_entry.id"],
            name=op.f("fk_reward_entry_reverses_id_reward_entry"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_entry")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_reward_entry_reverses_id")),
    )
    op.create_index(op.f("ix_reward_entry_case_id"), "reward_entry", ["case_id"])
    op.create_index(op.f("ix_reward_entry_report_id"), "reward_entry", ["report_id"])
    op.create_index("ix_reward_entry_account_month", "reward_entry", ["account_id", "month"])
    op.create_index("ix_reward_entry_month", "reward_entry", ["month"])
    op.create_index("ix_reward_entry_slot", "reward_entry", ["category_id", "day"])
    op.create_table(
        "reward_claim",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_reward_claim")),
    )


def downgrade():
    op.drop_table("reward_claim")
    op.drop_index("ix_reward_entry_slot", table_name="reward_entry")
    op.drop_index("ix_reward_entry_month", table_name="reward_entry")
    op.drop_index("ix_reward_entry_account_month", table_name="reward_entry")
    op.drop_index(op.f("ix_reward_entry_report_id"), table_name="reward_entry")
    op.drop_index(op.f("ix_reward_entry_case_id"), table_name="reward_entry")
    op.drop_table("reward_entry")
