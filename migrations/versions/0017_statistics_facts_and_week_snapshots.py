"""statistics: event facts in plain columns, weekly unit-table snapshots for the yellow flag

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28 20:20:00

`case_event_fact`: one narrow row per timeline event (its case, time, action, the unit code and
check verdict its JSON names), filled here from every existing event and afterwards written
with each new one. The indicators group a month's ~350,000 events by these columns off one
covering index instead of parsing each event's JSON text. `case_event` itself is untouched
(append-only, its triggers stay).

Three partial indexes: the facts that name no unit (legacy events, charged to the case's unit
by a join), the cases still open at a unit (overdue figures) and the cases that are a
recurrence (反弹): small, and each turns a scan or a hash of the whole table into a read of the
few rows that matter.

An index on `case.filed_at`: 立案 per family and per category of a period read the whole case
table without it.

`week_snapshot`: the city's unit table of each closed week, taken by `tick`; starts empty (the
first tick fills the weeks the flag may replay).

The backfill is one INSERT ... SELECT; on PostgreSQL the covering index and the foreign keys
are added after it (one sorted build and one validating join instead of 4 million index
insertions and 8 million row checks; bench/README.md has its time on 4.1M events).
"""

import sqlalchemy as sa
from alembic import op

import inspector.dbtypes

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

FACT_INDEX = ["action", "at", "unit_code", "passed", "case_id"]
PARTIAL_INDEXES = (
    # events naming no unit: the few the indicators charge to the case's unit by a join
    (
        "ix_case_event_fact_unnamed",
        "case_event_fact",
        ["action", "at", "case_id"],
        "unit_code IS NULL",
    ),
    # overdue open: the cases still at a unit, by deadline
    (
        "ix_case_open_due",
        "case",
        [
            "due_at",
            "status",
            "dispatched_at",
            "rectified_at",
            "closed_at",
            "unit_id",
            "district_id",
            "category_id",
        ],
        "status IN ('dispatched', 'rectified')",
    ),
    # 反弹: the cases that are a recurrence, by creation time
    (
        "ix_case_recurrence_created",
        "case",
        ["created_at", "recurrence_of_id"],
        "recurrence_of_id IS NOT NULL",
    ),
)
# (name, referred table, column, ON DELETE): a fact goes with its event (see the model)
FOREIGN_KEYS = (
    ("fk_case_event_fact_event_id_case_event", "case_event", "event_id", "CASCADE"),
    ("fk_case_event_fact_case_id_case", "case", "case_id", None),
)

# What the JSON names, as the models' CaseEventFact.of copies it (a verdict of false or 0 is a
# failed check; any other recorded value passed).
_SELECT = {
    "postgresql": (
        "SELECT id, case_id, at, action, data->>'unit_code', "
        "CASE WHEN data->>'passed' IS NULL THEN NULL "
        "WHEN data->>'passed' IN ('false', '0') THEN false ELSE true END "
        "FROM case_event"
    ),
    "sqlite": (
        "SELECT id, case_id, at, action, json_extract(data, '$.unit_code'), "
        "CASE WHEN json_type(data, '$.passed') IS NULL OR json_type(data, '$.passed') = 'null' "
        "THEN NULL WHEN json_extract(data, '$.passed') IN (0, 'false', '0') THEN 0 ELSE 1 END "
        "FROM case_event"
    ),
}


def upgrade():
    dialect = op.get_bind().dialect.name
    late_constraints = dialect == "postgresql"
    columns = [
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", inspector.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_case_event_fact")),
    ]
    if not late_constraints:
        columns += [
            sa.ForeignKeyConstraint([column], [f"{table}.id"], name=op.f(name), ondelete=on_delete)
            for name, table, column, on_delete in FOREIGN_KEYS
        ]
    op.create_table("case_event_fact", *columns)
    op.execute(
        "INSERT INTO case_event_fact (event_id, case_id, at, action, unit_code, passed) "
        + _SELECT[dialect]
    )
    op.create_index("ix_case_event_fact_action_at", "case_event_fact", FACT_INDEX, unique=False)
    for name, table, cols, where in PARTIAL_INDEXES:
        op.create_index(
            name,
            table,
            cols,
            unique=False,
            postgresql_where=sa.text(where),
            sqlite_where=sa.text(where),
        )
    if late_constraints:
        for name, table, column, on_delete in FOREIGN_KEYS:
            op.create_foreign_key(
                op.f(name), "case_event_fact", table, [column], ["id"], ondelete=on_delete
            )
    op.create_index("ix_case_filed_at", "case", ["filed_at"], unique=False)
    op.create_table(
        "week_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("taken_at", inspector.dbtypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_week_snapshot")),
        sa.UniqueConstraint("week", name=op.f("uq_week_snapshot_week")),
    )


def downgrade():
    op.drop_table("week_snapshot")
    for name, table, _cols, _where in PARTIAL_INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_index("ix_case_filed_at", table_name="case")
    op.drop_index("ix_case_event_fact_action_at", table_name="case_event_fact")
    op.drop_table("case_event_fact")
