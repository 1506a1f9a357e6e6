"""The closed loop as data: status x action -> next status, and who may act. Pure.

"问题交办—整改跟踪—验收销号": report -> 核实 verify -> 立案 file -> 派遣 dispatch -> 处置 rectify
-> 核查 check -> 结案 close. Place-bound checks (own unit, own grid, reporter) live in the service;
this table only says which role may try which action from which status.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..access.roles import (
    ADMIN,
    DISPATCHER,
    GRID_WORKER,
    SUPERVISOR,
    UNIT_STAFF,
)

OPEN = ("new", "verifying", "filed", "dispatched", "returned", "rectified")
TERMINAL = ("closed", "rejected", "merged", "void")
# Statuses in which the responsible unit's clock runs.
CLOCK_RUNNING = ("dispatched",)

STATUS_ZH = {
    "new": "待立案",
    "verifying": "待网格员现场核实",
    "filed": "已立案,待派遣",
    "dispatched": "已派遣,责任单位处置中",
    "returned": "责任单位退回,待重新派遣",
    "rectified": "已整改,待现场核查",
    "closed": "已办结",
    "rejected": "不予立案",
    "merged": "已合并到其他案件",
    "void": "已作废",
}

ACTION_ZH = {
    "report": "上报",
    "verify": "现场核实",
    "file": "立案",
    "reject": "不予立案",
    "dispatch": "派遣",
    "return": "退回",
    "request-extension": "申请延期",
    "approve-extension": "批准延期",
    "deny-extension": "驳回延期",
    "rectify": "整改完成",
    "check": "现场核查",
    "close": "结案",
    "reopen": "重新办理",
    "merge": "合并",
    "escalate": "督办",
    "rate": "评价",
    "void": "作废",
    "warn": "到期提醒",
    "reschedule": "节假日安排调整到期时间",
    "hotline-update": "12345工单重新导入更新",
    "callback": "12345回访",
    "takeover": "逾期上交街道接手",
}

REPORTER = "reporter"  # pseudo-role: the account (or tracking token) that reported the case


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str | None  # None: the status stays as it is
    roles: tuple[str, ...]


TABLE: dict[str, Transition] = {
    "verify": Transition(("verifying",), "new", (GRID_WORKER,)),
    "file": Transition(("new", "verifying"), "filed", (DISPATCHER, ADMIN)),
    "reject": Transition(
        ("new", "verifying", "filed", "returned"), "rejected", (DISPATCHER, ADMIN)
    ),
    "dispatch": Transition(("filed", "returned"), "dispatched", (DISPATCHER, ADMIN)),
    "return": Transition(("dispatched",), "returned", (UNIT_STAFF,)),
    "request-extension": Transition(("dispatched",), None, (UNIT_STAFF,)),
    "approve-extension": Transition(("dispatched",), None, (DISPATCHER, ADMIN)),
    "deny-extension": Transition(("dispatched",), None, (DISPATCHER, ADMIN)),
    "rectify": Transition(("dispatched",), "rectified", (UNIT_STAFF,)),
    "check": Transition(("rectified",), None, (GRID_WORKER, SUPERVISOR)),  # closed or dispatched
    "close": Transition(("rectified",), "closed", (DISPATCHER, ADMIN)),
    "reopen": Transition(("closed",), "dispatched", (REPORTER, DISPATCHER, SUPERVISOR, ADMIN)),
    "merge": Transition(OPEN, "merged", (DISPATCHER, ADMIN)),
    "escalate": Transition(
        ("filed", "dispatched", "returned", "rectified"), None, (SUPERVISOR, ADMIN)
    ),
    "rate": Transition(("closed",), None, (REPORTER,)),
    "void": Transition(OPEN, "void", (DISPATCHER, ADMIN)),
}

ACTIONS = tuple(TABLE)


class TransitionError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind  # "forbidden" | "invalid_transition" | "unknown_action"


def allowed(status: str, roles: set[str], extension_pending: bool = False) -> list[str]:
    """The actions these roles may take on a case in this status, in table order: the console
    shows one button per action, so it must offer exactly what `check` would let through."""
    found = []
    for action, transition in TABLE.items():
        if status not in transition.sources or not roles & set(transition.roles):
            continue
        if action in ("approve-extension", "deny-extension") and not extension_pending:
            continue
        if action == "request-extension" and extension_pending:
            continue
        found.append(action)
    return found


def check(action: str, status: str, roles: set[str]) -> Transition:
    """roles: the caller's role plus REPORTER when he reported this case. Raises TransitionError."""
    transition = TABLE.get(action)
    if transition is None:
        raise TransitionError("unknown_action", f"unknown action {action}")
    if not roles & set(transition.roles):
        raise TransitionError("forbidden", f"{sorted(roles)} may not {action}")
    if status not in transition.sources:
        raise TransitionError("invalid_transition", f"{action} is not allowed in status {status}")
    return transition
