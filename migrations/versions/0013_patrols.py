"""patrol plans (巡查): plans, check-ins with their photos, missed slots; notices to one account

Revision ID: 0013
Revises: 0015
Create Date: 2026-11-28 17:10:00

New tables, and `notification` widened: `case_id` may be empty when the notice is addressed to
one account (`account_id`, a missed patrol: `patrol_miss_id`), kind `patrol_missed`, recipient
`account`. Existing notices keep their rows and values.
"""

import sqlalchemy as sa
from alembic import op

from inspector.dbtypes import UTCDateTime

revision = "0013"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "patrol_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("zone_id", sa.Integer(), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=False),
        sa.Column("every", sa.String(length=8), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("working_days_only", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("every IN ('day', 'week')", name=op.f("ck_patrol_plan_every_known")),
        sa.CheckConstraint(
            "weekday IS NULL OR (weekday BETWEEN 1 AND 7)", name=op.f("ck_patrol_plan_weekday_iso")
        ),
        sa.CheckConstraint(
            "every = 'week' OR weekday IS NULL", name=op.f("ck_patrol_plan_weekday_only_weekly")
        ),
        sa.CheckConstraint(
            "(point_id IS NULL) <> (zone_id IS NULL)", name=op.f("ck_patrol_plan_one_target")
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR start_date <= end_date", name=op.f("ck_patrol_plan_period_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["point_id"],
            ["evaluation_point.id"],
            name=op.f("fk_patrol_plan_point_id_evaluation_point"),
        ),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_patrol_plan_zone_id_zone")),
        sa.ForeignKeyConstraint(["grid_id"], ["zone.id"], name=op.f("fk_patrol_plan_grid_id_zone")),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["account.id"], name=op.f("fk_patrol_plan_assignee_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["account.id"], name=op.f("fk_patrol_plan_created_by_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_plan")),
    )
    op.create_index(op.f("ix_patrol_plan_point_id"), "patrol_plan", ["point_id"])
    op.create_index(op.f("ix_patrol_plan_grid_id"), "patrol_plan", ["grid_id"])
    op.create_index(op.f("ix_patrol_plan_assignee_id"), "patrol_plan", ["assignee_id"])
    op.create_table(
        "patrol_check_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("slot_date", sa.Date(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("position_basis", sa.String(length=10), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("problem", sa.Boolean(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["patrol_plan.id"], name=op.f("fk_patrol_check_in_plan_id_patrol_plan")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_patrol_check_in_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_patrol_check_in_report_id_report")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_check_in")),
    )
    op.create_index(
        "ix_patrol_check_in_plan_id_slot_date", "patrol_check_in", ["plan_id", "slot_date"]
    )
    op.create_table(
        "patrol_photo",
        sa.Column("check_in_id", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_in_id"],
            ["patrol_check_in.id"],
            name=op.f("fk_patrol_photo_check_in_id_patrol_check_in"),
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["photo.id"], name=op.f("fk_patrol_photo_photo_id_photo")
        ),
        sa.PrimaryKeyConstraint("check_in_id", "photo_id", name=op.f("pk_patrol_photo")),
        sa.UniqueConstraint("photo_id", name=op.f("uq_patrol_photo_photo_id")),
    )
    op.create_table(
        "patrol_miss",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("slot_date", sa.Date(), nullable=False),
        sa.Column("detected_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["patrol_plan.id"], name=op.f("fk_patrol_miss_plan_id_patrol_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_miss")),
        sa.UniqueConstraint("plan_id", "slot_date", name=op.f("uq_patrol_miss_plan_id_slot_date")),
    )
    with op.batch_alter_table("notification") as batch:
        batch.alter_column("case_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("patrol_miss_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_notification_account_id"), ["account_id"])
        batch.create_foreign_key(
            batch.f("fk_notification_account_id_account"), "account", ["account_id"], ["id"]
        )
        batch.create_foreign_key(
            batch.f("fk_notification_patrol_miss_id_patrol_miss"),
            "patrol_miss",
            ["patrol_miss_id"],
            ["id"],
        )
        batch.drop_constraint(batch.f("ck_notification_kind_known"), type_="check")
        batch.drop_constraint(batch.f("ck_notification_recipient_known"), type_="check")
        batch.create_check_constraint(
            batch.f("ck_notification_kind_known"), "kind IN ('warn', 'escalate', 'patrol_missed')"
        )
        batch.create_check_constraint(
            batch.f("ck_notification_recipient_known"),
            "recipient IN ('unit', 'unit_head', 'account')",
        )
        batch.create_check_constraint(
            batch.f("ck_notification_addressed"), "case_id IS NOT NULL OR account_id IS NOT NULL"
        )


def downgrade():
    op.execute(
        "DELETE FROM notification_read WHERE notification_id IN "
        "(SELECT id FROM notification WHERE case_id IS NULL)"
    )
    op.execute("DELETE FROM notification WHERE case_id IS NULL")
    with op.batch_alter_table("notification") as batch:
        batch.drop_constraint(batch.f("ck_notification_addressed"), type_="check")
        batch.drop_constraint(batch.f("ck_notification_recipient_known"), type_="check")
        batch.drop_constraint(batch.f("ck_notification_kind_known"), type_="check")
        batch.create_check_constraint(
            batch.f("ck_notification_kind_known"), "kind IN ('warn', 'escalate')"
        )
        batch.create_check_constraint(
            batch.f("ck_notification_recipient_known"), "recipient IN ('unit', 'unit_head')"
        )
        batch.drop_constraint(
            batch.f("fk_notification_patrol_miss_id_patrol_miss"), type_="foreignkey"
        )
        batch.drop_constraint(batch.f("fk_notification_account_id_account"), type_="foreignkey")
        batch.drop_index(batch.f("ix_notification_account_id"))
        batch.drop_column("patrol_miss_id")
        batch.drop_column("account_id")
        batch.alter_column("case_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("patrol_miss")
    op.drop_table("patrol_photo")
    op.drop_index("ix_patrol_check_in_plan_id_slot_date", table_name="patrol_check_in")
    op.drop_table("patrol_check_in")
    op.drop_index(op.f("ix_patrol_plan_assignee_id"), table_name="patrol_plan")
    op.drop_index(op.f("ix_patrol_plan_grid_id"), table_name="patrol_plan")
    op.drop_index(op.f("ix_patrol_plan_point_id"), table_name="patrol_plan")
    op.drop_table("patrol_plan")
