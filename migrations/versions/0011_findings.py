"""findings lists (问题清单): batches, their items, the case's batch; campaigns (专项整治); 曝光台

Revision ID: 0011
Revises: 0007
Create Date: 2026-11-28 15:15:00

New tables only, plus a nullable `case.batch_id`: no existing row changes.
"""

import sqlalchemy as sa
from alembic import op

from inspector.dbtypes import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "finding_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "source IN ('province_covert', 'expert_group', 'leader', 'self_check')",
            name=op.f("ck_finding_batch_source_known"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["account.id"], name=op.f("fk_finding_batch_created_by_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_batch")),
        sa.UniqueConstraint("source", "name", name=op.f("uq_finding_batch_source_name")),
    )
    op.create_table(
        "finding_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("item_no", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lost_marks", sa.Float(), nullable=True),
        sa.Column("owner_unit_id", sa.Integer(), nullable=True),
        sa.Column("photo_names", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["finding_batch.id"], name=op.f("fk_finding_item_batch_id_finding_batch")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_finding_item_case_id_case")),
        sa.ForeignKeyConstraint(
            ["owner_unit_id"], ["unit.id"], name=op.f("fk_finding_item_owner_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_item")),
        sa.UniqueConstraint("batch_id", "item_no", name=op.f("uq_finding_item_batch_id_item_no")),
        sa.UniqueConstraint("case_id", name=op.f("uq_finding_item_case_id")),
    )
    op.create_index(op.f("ix_finding_item_batch_id"), "finding_item", ["batch_id"])
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=False),
        sa.Column("zone_codes", sa.JSON(), nullable=False),
        sa.Column("point_codes", sa.JSON(), nullable=False),
        sa.Column("category_codes", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("from_date <= to_date", name=op.f("ck_campaign_period_ordered")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["account.id"], name=op.f("fk_campaign_created_by_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
    )
    op.create_table(
        "case_exposure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("exposed_by_id", sa.Integer(), nullable=True),
        sa.Column("exposed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_case_exposure_case_id_case")),
        sa.ForeignKeyConstraint(
            ["exposed_by_id"], ["account.id"], name=op.f("fk_case_exposure_exposed_by_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_exposure")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_exposure_case_id")),
    )
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_case_batch_id"), ["batch_id"])
        batch.create_foreign_key(
            batch.f("fk_case_batch_id_finding_batch"), "finding_batch", ["batch_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("case") as batch:
        batch.drop_constraint(batch.f("fk_case_batch_id_finding_batch"), type_="foreignkey")
        batch.drop_index(batch.f("ix_case_batch_id"))
        batch.drop_column("batch_id")
    op.drop_table("case_exposure")
    op.drop_table("campaign")
    op.drop_index(op.f("ix_finding_item_batch_id"), table_name="finding_item")
    op.drop_table("finding_item")
    op.drop_table("finding_batch")
