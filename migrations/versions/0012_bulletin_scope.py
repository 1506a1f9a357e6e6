"""bulletin scope: a district's own bulletin next to the city's; statistics indexes

Revision ID: 0012
Revises: 0011

`bulletin.scope` says whose bulletin it is: "" for the whole city (every bulletin published so
far, so existing rows get ""), or the zone codes a zone-bound supervisor is bound to ("429901").
One bulletin per kind, period AND scope: a district publishing its week does not block the
city's, and the city's yellow flag reads only city bulletins.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bulletin") as batch:
        batch.add_column(
            sa.Column("scope", sa.String(length=200), nullable=False, server_default="")
        )
        batch.drop_constraint("uq_bulletin_kind_period", type_="unique")
        batch.create_unique_constraint("uq_bulletin_kind_period_scope", ["kind", "period", "scope"])


def downgrade():
    op.execute("DELETE FROM bulletin WHERE scope <> ''")
    with op.batch_alter_table("bulletin") as batch:
        batch.drop_constraint("uq_bulletin_kind_period_scope", type_="unique")
        batch.create_unique_constraint("uq_bulletin_kind_period", ["kind", "period"])
        batch.drop_column("scope")
