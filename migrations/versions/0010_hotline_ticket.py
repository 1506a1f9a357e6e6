"""12345 hotline tickets: the ticket number on the case

Revision ID: 0010
Revises: 0007
Create Date: 2026-11-28 15:20:00

`case.ticket_no` holds the 12345 platform's 工单编号 of a case imported from a hotline export
(`POST /hotline/import`); unique, so a re-import finds the case it made instead of making another.
Existing cases have no ticket number (NULL): nothing to fill in.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("case", sa.Column("ticket_no", sa.String(length=40), nullable=True))
    op.create_index(op.f("ix_case_ticket_no"), "case", ["ticket_no"], unique=True)


def downgrade():
    op.drop_index(op.f("ix_case_ticket_no"), table_name="case")
    op.drop_column("case", "ticket_no")
