"""The roles of domain.md; plain data so the policy and the workflow table can share it."""

RESIDENT = "resident"
VOLUNTEER = "volunteer"
GRID_WORKER = "grid_worker"
DISPATCHER = "dispatcher"
UNIT_STAFF = "unit_staff"
SUPERVISOR = "supervisor"
ADMIN = "admin"

ROLES = (RESIDENT, VOLUNTEER, GRID_WORKER, DISPATCHER, UNIT_STAFF, SUPERVISOR, ADMIN)
PUBLIC_ROLES = (RESIDENT, VOLUNTEER)
STAFF_ROLES = (GRID_WORKER, DISPATCHER, UNIT_STAFF, SUPERVISOR, ADMIN)

ROLE_NAMES_ZH = {
    RESIDENT: "市民",
    VOLUNTEER: "志愿者",
    GRID_WORKER: "网格员",
    DISPATCHER: "指挥中心座席员",
    UNIT_STAFF: "责任单位",
    SUPERVISOR: "督查组",
    ADMIN: "管理员",
}
