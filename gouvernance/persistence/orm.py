"""Tables and the imperative mapping of the domain dataclasses onto them.

Amounts and other exact figures are integer hundredths (``ScaledDecimal``); enumerations are
stored by their English identifier so that the database reads the same in every locale.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import registry, relationship

from gouvernance.domain.audit import AuditEntry
from gouvernance.domain.calls.model import (
    Allocation,
    Call,
    CallBatch,
    CallKind,
    CreditNote,
    Mandate,
    Payment,
    PaymentMethod,
    Reminder,
)
from gouvernance.domain.facts import Fact, FactKind
from gouvernance.domain.members import Category, Member, PersonKind, ScicKind
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.scic.capital import CapitalOperation, OperationKind
from gouvernance.domain.users import ApiToken, Role, User
from gouvernance.persistence.types import ScaledDecimal, UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)
mapper_registry = registry(metadata=metadata)


def _enum(kind: type[StrEnum], name: str) -> Enum:
    return Enum(
        kind,
        name=name,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


organisation = Table(
    "organisation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("legal_form", String(40), nullable=False),
    Column("siren", String(9)),
    Column("address", String(300)),
    Column("postal_code", String(10)),
    Column("city", String(100)),
    Column("email", String(200)),
    Column("iban", String(34)),
    Column("bic", String(11)),
    Column("sepa_creditor_id", String(35)),
    Column("statutes_id", String(60)),
)

categories = Table(
    "categories",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("label", String(120), nullable=False),
    Column("scic_kind", _enum(ScicKind, "scic_kind")),
)

members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(20), nullable=False, unique=True),
    Column("kind", _enum(PersonKind, "person_kind"), nullable=False),
    Column("category", String(40), ForeignKey("categories.code"), nullable=False, index=True),
    Column("name", String(200), nullable=False, default=""),
    Column("first_name", String(100), nullable=False, default=""),
    Column("last_name", String(100), nullable=False, default=""),
    Column("siren", String(9), unique=True),
    Column("email", String(200)),
    Column("phone", String(40)),
    Column("address", String(300)),
    Column("postal_code", String(10)),
    Column("city", String(100)),
    Column("joined_on", Date, nullable=False),
    Column("left_on", Date),
    Column("leave_reason", String(300)),
    Column("version", Integer, nullable=False, default=1),
)

member_facts = Table(
    "member_facts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("kind", _enum(FactKind, "fact_kind"), nullable=False),
    Column("value", ScaledDecimal(), nullable=False, comment="hundredths (cents for money)"),
    UniqueConstraint("member_id", "fiscal_year", "kind", name="uq_member_facts_year_kind"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(80), nullable=False, unique=True),
    Column("role", _enum(Role, "role"), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("member_code", String(20), ForeignKey("members.code")),
    Column("active", Boolean, nullable=False, default=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("username", String(80), ForeignKey("users.username"), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("action", String(80), nullable=False),
    Column("entity", String(80), nullable=False),
    Column("entity_key", String(80), nullable=False),
    Column("detail", Text, nullable=False, default=""),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status", Integer, nullable=False),
    Column("response", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

# --- The treasurer's ledger: written once, never updated (triggers refuse it) ----------------

Cents = BigInteger

ledger_sequences = Table(
    "ledger_sequences",
    metadata,
    Column("name", String(20), primary_key=True),  # AC-2027, AV-2027, RG-2027, LOT-2027
    Column("last", Integer, nullable=False),
)

call_batches = Table(
    "call_batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(20), nullable=False, unique=True),
    Column("kind", _enum(CallKind, "call_kind"), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("source_id", String(80), nullable=False),
    Column("source_label", String(200), nullable=False),
    Column("source_text", Text, nullable=False),
    Column("source_hash", String(64), nullable=False),
    Column("decision", String(300), nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("issued_by", String(80), nullable=False),
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("call_count", Integer, nullable=False),
    Column("total_cents", Cents, nullable=False),
    Index("ix_call_batches_year_kind", "fiscal_year", "kind"),
)

calls = Table(
    "calls",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("reference", String(24), nullable=False, unique=True),
    Column("batch_id", Integer, ForeignKey("call_batches.id"), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("kind", _enum(CallKind, "call_kind"), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("member_code", String(20), ForeignKey("members.code"), nullable=False, index=True),
    Column("member_name", String(200), nullable=False),
    Column("cents", Cents, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("basis", Text, nullable=False),
    Index("ix_calls_year_kind", "fiscal_year", "kind"),
)

credit_notes = Table(
    "credit_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(24), nullable=False, unique=True),
    Column("call_reference", String(24), ForeignKey("calls.reference"), nullable=False),
    Column("member_code", String(20), ForeignKey("members.code"), nullable=False, index=True),
    Column("cents", Cents, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("issued_by", String(80), nullable=False),
    Column("issued_at", UtcDateTime(), nullable=False),
)

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(24), nullable=False, unique=True),
    Column("member_code", String(20), ForeignKey("members.code"), nullable=False, index=True),
    Column("cents", Cents, nullable=False),
    Column("received_on", Date, nullable=False),
    Column("method", _enum(PaymentMethod, "payment_method"), nullable=False),
    Column("bank_reference", String(100), nullable=False),
    Column("note", String(500), nullable=False),
    Column("recorded_by", String(80), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

allocations = Table(
    "allocations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("payment_reference", String(24), ForeignKey("payments.reference"), nullable=False),
    Column("call_reference", String(24), ForeignKey("calls.reference"), nullable=False, index=True),
    Column("member_code", String(20), ForeignKey("members.code"), nullable=False, index=True),
    Column("cents", Cents, nullable=False),
    Column("on", Date, nullable=False),
)

reminders = Table(
    "reminders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("call_reference", String(24), ForeignKey("calls.reference"), nullable=False),
    Column("member_code", String(20), ForeignKey("members.code"), nullable=False, index=True),
    Column("level", Integer, nullable=False),
    Column("sent_on", Date, nullable=False),
    Column("sent_by", String(80), nullable=False),
    UniqueConstraint("call_reference", "level", name="uq_reminders_call_level"),
)

mandates = Table(
    "mandates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_code", String(20), ForeignKey("members.code"), nullable=False, unique=True),
    Column("mandate_id", String(35), nullable=False, unique=True),
    Column("signed_on", Date, nullable=False),
    Column("iban", String(34), nullable=False),
    Column("bic", String(11), nullable=False),
    Column("debtor_name", String(70), nullable=False),
    Column("active", Boolean, nullable=False),
)

capital_operations = Table(
    "capital_operations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(24), nullable=False, unique=True),
    Column("kind", _enum(OperationKind, "capital_operation_kind"), nullable=False),
    Column("member_code", String(20), ForeignKey("members.code"), nullable=False, index=True),
    Column("shares", Integer, nullable=False),
    Column("cents", Cents, nullable=False),
    Column("paid_cents", Cents, nullable=False),
    Column("refund_cents", Cents, nullable=False),
    Column("day", Date, nullable=False, index=True),
    Column("due_on", Date),
    Column("related", String(24)),
    Column("note", String(500), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

# Tables whose rows are never updated nor deleted once written (migrations 0002, 0003: triggers).
APPEND_ONLY = (
    "call_batches",
    "calls",
    "credit_notes",
    "payments",
    "allocations",
    "reminders",
    "capital_operations",
)

_mapped = False


def start_mappers() -> None:
    """Map the domain classes once per process (imperative mapping keeps them plain)."""
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(Organisation, organisation)
    mapper_registry.map_imperatively(Category, categories)
    fact_mapper = mapper_registry.map_imperatively(Fact, member_facts)
    mapper_registry.map_imperatively(
        Member,
        members,
        properties={
            "facts": relationship(
                fact_mapper,
                cascade="all, delete-orphan",
                lazy="selectin",
                order_by=[member_facts.c.fiscal_year, member_facts.c.kind],
            )
        },
    )
    mapper_registry.map_imperatively(User, users)
    mapper_registry.map_imperatively(ApiToken, api_tokens)
    mapper_registry.map_imperatively(AuditEntry, audit_log)
    mapper_registry.map_imperatively(CallBatch, call_batches)
    mapper_registry.map_imperatively(Call, calls)
    mapper_registry.map_imperatively(CreditNote, credit_notes)
    mapper_registry.map_imperatively(Payment, payments)
    mapper_registry.map_imperatively(Allocation, allocations)
    mapper_registry.map_imperatively(Reminder, reminders)
    mapper_registry.map_imperatively(Mandate, mandates)
    mapper_registry.map_imperatively(CapitalOperation, capital_operations)
    _mapped = True
