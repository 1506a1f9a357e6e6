"""official holiday schedules an admin loads; provisional due times

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 10:00:00

`calendar_year` / `calendar_day` hold the schedules loaded with `flask --app inspector calendar
load` (they take precedence over the packaged calendar); `case.due_provisional` marks due times
that rely on a year without an official schedule (statutory holidays only). Existing cases keep
their due times and are not provisional: every due time before this revision was computed on
years chinese-calendar knows, or on plain Monday-Friday, which the next load recomputes.
"""
from alembic import op
import sqlalchemy as sa

import inspector.dbtypes


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_year',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('notice', sa.String(length=200), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('loaded_at', inspector.dbtypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_year'))
    )
    op.create_table('calendar_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=True),
    sa.CheckConstraint("kind IN ('holiday', 'makeup_workday')", name=op.f('ck_calendar_day_kind_known')),
    sa.ForeignKeyConstraint(['year'], ['calendar_year.year'], name=op.f('fk_calendar_day_year_calendar_year')),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_day'))
    )
    with op.batch_alter_table('calendar_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_day_year'), ['year'], unique=False)

    # A plain ALTER TABLE ADD COLUMN (no table rebuild on SQLite): `case` keeps its rows and the
    # case_event rows that point at it stay untouched.
    op.add_column('case', sa.Column('due_provisional', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('due_provisional')
    with op.batch_alter_table('calendar_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_day_year'))
    op.drop_table('calendar_day')
    op.drop_table('calendar_year')
