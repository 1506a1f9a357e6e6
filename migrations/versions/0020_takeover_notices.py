"""takeover notices: notification kind `takeover` (逾期上交: both units are told)

Revision ID: 0020
Revises: 0017
Create Date: 2026-11-28 20:20:00

The check constraint on `notification.kind` gains `takeover`. Existing notices keep their rows
and values; downgrading deletes the takeover notices (and their read marks) first.
"""

from alembic import op

revision = "0020"
down_revision = "0017"
branch_labels = None
depends_on = None

BEFORE = "kind IN ('warn', 'escalate', 'patrol_missed')"
AFTER = "kind IN ('warn', 'escalate', 'patrol_missed', 'takeover')"


def _kinds(condition: str) -> None:
    with op.batch_alter_table("notification") as batch:
        batch.drop_constraint(batch.f("ck_notification_kind_known"), type_="check")
        batch.create_check_constraint(batch.f("ck_notification_kind_known"), condition)


def upgrade():
    _kinds(AFTER)


def downgrade():
    op.execute(
        "DELETE FROM notification_read WHERE notification_id IN "
        "(SELECT id FROM notification WHERE kind = 'takeover')"
    )
    op.execute("DELETE FROM notification WHERE kind = 'takeover'")
    _kinds(BEFORE)
