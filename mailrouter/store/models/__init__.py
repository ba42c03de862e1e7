"""Every table, imported here so that ``Base.metadata`` knows them all.

One module per area; Alembic migrations under ``store/migrations`` create them.
"""

from mailrouter.store.models.base import Base
from mailrouter.store.models.digests import DigestSend as DigestSend
from mailrouter.store.models.flags_alias import AliasHit as AliasHit
from mailrouter.store.models.ingest import MailboxState as MailboxState
from mailrouter.store.models.messages import MessageAddress, MessageRecord, RawMessage
from mailrouter.store.models.metrics import FlagRow as FlagRow
from mailrouter.store.models.outbox import OutboxRow, OutboxState
from mailrouter.store.models.register import Case as Case
from mailrouter.store.models.replies import HeldReply as HeldReply
from mailrouter.store.models.routing import CaseContact as CaseContact
from mailrouter.store.models.routing import DecisionRow as DecisionRow

__all__ = [
    "Base",
    "MessageAddress",
    "MessageRecord",
    "OutboxRow",
    "OutboxState",
    "RawMessage",
]
