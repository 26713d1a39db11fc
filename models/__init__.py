"""The shared vocabulary: SQLModel tables, enums and the create/update/read schemas."""

from models.application import (
    Application,
    ApplicationCreate,
    ApplicationRead,
    ApplicationUpdate,
)
from models.audit import AuditEvent, AuditHead
from models.coi import (
    CoiCitation,
    CoiDocument,
    CoiDocumentCountry,
    CoiPassage,
    CoiSource,
    CoiTermStat,
)
from models.enums import (
    ApplicationType,
    CaseState,
    PrimaryOutcome,
    RemovalSuspension,
    ResidenceMeasure,
    ResidenceStatus,
    ReviewBasis,
    ReviewRuling,
    Role,
    Sex,
    SortingCategory,
)
from models.person import Person, PersonCreate, PersonRead, PersonUpdate
from models.status_event import StatusEvent, StatusEventRead
from models.triage import (
    ACountry,
    IdentityLink,
    PersonNameKey,
    TriageReview,
    TriageSuggestion,
)
from models.user import User, UserCreate, UserRead, UserUpdate

__all__ = [
    "ACountry",
    "Application",
    "ApplicationCreate",
    "ApplicationRead",
    "ApplicationType",
    "ApplicationUpdate",
    "AuditEvent",
    "AuditHead",
    "CoiCitation",
    "CoiDocument",
    "CoiDocumentCountry",
    "CoiPassage",
    "CoiSource",
    "CoiTermStat",
    "CaseState",
    "IdentityLink",
    "Person",
    "PersonCreate",
    "PersonNameKey",
    "PersonRead",
    "PersonUpdate",
    "PrimaryOutcome",
    "RemovalSuspension",
    "ResidenceMeasure",
    "ResidenceStatus",
    "ReviewBasis",
    "ReviewRuling",
    "Role",
    "Sex",
    "SortingCategory",
    "StatusEvent",
    "StatusEventRead",
    "TriageReview",
    "TriageSuggestion",
    "User",
    "UserCreate",
    "UserRead",
    "UserUpdate",
]
