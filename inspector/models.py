"""Import every model so that Alembic and create_all see the whole schema."""

from .access.models import Account, AccountZone, ApiToken, IdempotencyRecord
from .categories.models import Category
from .exposure.models import CaseExposure
from .findings.models import Campaign, FindingBatch, FindingItem
from .grid.models import Zone
from .open311.models import Open311Key, Open311Request
from .org.models import Unit
from .patrols.models import PatrolCheckIn, PatrolMiss, PatrolPlan
from .photos.models import Photo
from .points.models import EvaluationPoint
from .reports.models import Report
from .revisions import Revision
from .rewards.models import RewardClaim, RewardEntry
from .routing.models import RoutingRule
from .sla.models import CalendarDay, CalendarYear, Notification, NotificationRead
from .supervision.models import Bulletin
from .workflow.models import Case, CaseCounter, CaseEvent

__all__ = [
    "Account",
    "AccountZone",
    "ApiToken",
    "Bulletin",
    "CalendarDay",
    "CalendarYear",
    "Case",
    "CaseCounter",
    "CaseEvent",
    "Campaign",
    "CaseExposure",
    "Category",
    "EvaluationPoint",
    "FindingBatch",
    "FindingItem",
    "IdempotencyRecord",
    "Notification",
    "NotificationRead",
    "Open311Key",
    "Open311Request",
    "PatrolCheckIn",
    "PatrolMiss",
    "PatrolPlan",
    "Photo",
    "Report",
    "Revision",
    "RewardClaim",
    "RewardEntry",
    "RoutingRule",
    "Unit",
    "Zone",
]
