"""next-tier takeover settings (逾期上交下一级) on categories and findings batches; 曝光台 blur marks

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28 17:10:00

Nullable columns only (NULL = no takeover; blur marks default to none): no existing row changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TAKEOVER = ("takeover_after_escalations", "takeover_after_hours")


def upgrade():
    for table in ("category", "finding_batch"):
        with op.batch_alter_table(table) as batch:
            for column in TAKEOVER:
                batch.add_column(sa.Column(column, sa.Integer(), nullable=True))
    with op.batch_alter_table("case_exposure") as batch:
        batch.add_column(sa.Column("blur_marks", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("case_exposure") as batch:
        batch.drop_column("blur_marks")
    for table in ("finding_batch", "category"):
        with op.batch_alter_table(table) as batch:
            for column in reversed(TAKEOVER):
                batch.drop_column(column)
