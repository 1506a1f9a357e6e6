"""case list and intake indexes: keyset pages and the bounded duplicate search

Revision ID: 0016
Revises: 0013
Create Date: 2026-11-28 17:10:00

Lists are pages newest first by id (`pagination.paginate`): with an index ending in `id` after
the filter's equality columns, a page reads its 50-200 rows off the index instead of sorting
every match, so a unit's queue costs the same at 10,000 and at 1,000,000 cases
(bench/queue.py). The intake's duplicate search (workflow/nearby.py) reads open cases of the
category inside a small latitude band from (category_id, status, lat, lon): closed history no
longer passes through it. Indexes only; no row changes.
"""

from alembic import op

revision = "0016"
down_revision = "0013"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_case_unit_status_id": ["unit_id", "status", "id"],  # a unit's queue
    "ix_case_unit_id": ["unit_id", "id"],  # ?unit_code=
    "ix_case_status_id": ["status", "id"],  # ?status=, ?overdue=true
    "ix_case_grid_id": ["grid_id", "id"],  # ?grid_code=
    "ix_case_category_id": ["category_id", "id"],  # ?category_code=
    "ix_case_category_status_lat_lon": ["category_id", "status", "lat", "lon"],  # duplicates
}


def upgrade():
    with op.batch_alter_table("case") as batch:
        for name, columns in INDEXES.items():
            batch.create_index(name, columns, unique=False)


def downgrade():
    with op.batch_alter_table("case") as batch:
        for name in INDEXES:
            batch.drop_index(name)
