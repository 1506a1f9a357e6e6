"""case list indexes for community- and subdistrict-bound staff

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-28 21:55:00

The zone filter tests each of the caller's zones against its own level's column
(workflow/queries.py): grid workers read `grid_id` and district staff `district_id` off an
index, but staff bound to a community or a subdistrict read the table newest first until the
page is full, which for a small zone in a big city means most of it. With (column, id) their
page is read off the index like the others' (bench/case_lists.py). Indexes only; no row changes.
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_case_community_id": ["community_id", "id"],
    "ix_case_subdistrict_id": ["subdistrict_id", "id"],
}


def upgrade():
    with op.batch_alter_table("case") as batch:
        for name, columns in INDEXES.items():
            batch.create_index(name, columns, unique=False)


def downgrade():
    with op.batch_alter_table("case") as batch:
        for name in INDEXES:
            batch.drop_index(name)
