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
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import registry, relationship

from gouvernance.domain.assembly.model import (
    Assembly,
    AssemblyStatus,
    Attendance,
    AttendanceRecord,
    BallotCount,
    Choice,
    CountSource,
    Method,
    Proposer,
    Resolution,
    RollEntry,
    SealedBallot,
    Signatory,
    SignatoryRole,
    Vote,
    VoteClosing,
)
from gouvernance.domain.audit import AuditEntry
from gouvernance.domain.bank.model import (
    BankLine,
    BankStatement,
    Direction,
    LineKind,
    LineStatus,
    StatementFormat,
)
from gouvernance.domain.calls.model import (
    Allocation,
    Call,
    CallBatch,
    CallKind,
    CreditNote,
    Mandate,
    Payment,
    PaymentMethod,
    Refund,
    Reminder,
)
from gouvernance.domain.calls.sepa import DebitReturn, ReturnKind, SentDebit, SepaFile
from gouvernance.domain.facts import Fact, FactKind
from gouvernance.domain.mail import MailKind, MailStatus, OutboxMessage
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
    # migration 0005: identity, fiscal year, time zone and signatories
    Column("rna", String(10)),
    Column("fiscal_year_start_day", Integer, nullable=False, server_default="1"),
    Column("fiscal_year_start_month", Integer, nullable=False, server_default="1"),
    Column("time_zone", String(64), nullable=False, server_default="Europe/Paris"),
    Column("president_name", String(200)),
    Column("president_title", String(100)),
    Column("treasurer_name", String(200)),
    Column("treasurer_title", String(100)),
)

# What the documents printed about the organisation (PrintedOrganisation as canonical JSON),
# one row per distinct content, never changed (migration 0005: triggers). A call batch, a
# reminder and a closed assembly point to the row of the day they were issued.
organisation_snapshots = Table(
    "organisation_snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("digest", String(64), nullable=False, unique=True),  # SHA-256 of content
    Column("content", Text, nullable=False),
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
# Searching members by name (migration 0011) uses what this metadata does not describe:
# on PostgreSQL a GIN trigram index over an expression (``ix_members_search``), on SQLite an
# FTS5 table and its shadow tables (``members_search``, ``members_search_data``…), kept by
# triggers. Schema comparisons (alembic autogenerate, tests/storage) leave them aside.
SEARCH_INDEX = "members_search"


def described(name: str | None, type_: str, _parents: object) -> bool:
    """For alembic's ``include_name``: False for the name search's own objects."""
    return not (name or "").startswith(SEARCH_INDEX) and name != "ix_members_search"


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

# One row, moved forward by triggers after any change to members, their figures or the
# categories (migration 0014): what was computed from the registry at a version stays true
# while the version is the same (the board's simulation is cached under it).
registry_version = Table(
    "registry_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False),
)

# The same for the ledger (migration 0015): calls, credit notes, allocations, payments, refunds
# and reminders; the treasurer's sums and searches are kept under it.
ledger_version = Table(
    "ledger_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False),
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
    Column("username", String(80), ForeignKey("users.username"), nullable=False, index=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False, index=True),
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
    # The hash chain (migration 0008, ``domain/audit.py``): written with the entry, never after.
    Column("previous_digest", String(64), nullable=False),
    Column("digest", String(64), nullable=False),
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
    Column("organisation_snapshot_id", Integer, ForeignKey("organisation_snapshots.id")),
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
    Column("call_reference", String(24), ForeignKey("calls.reference"), nullable=False, index=True),
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

# Money paid back to a member out of their credit (migration 0006, ``_upgrade_refunds``).
refunds = Table(
    "refunds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(24), nullable=False, unique=True),
    Column("member_code", String(20), ForeignKey("members.code"), nullable=False, index=True),
    Column("cents", Cents, nullable=False),
    Column("refunded_on", Date, nullable=False),
    Column("method", _enum(PaymentMethod, "payment_method"), nullable=False),
    Column("bank_reference", String(100), nullable=False),
    Column("reason", String(500), nullable=False),
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
    Column("organisation_snapshot_id", Integer, ForeignKey("organisation_snapshots.id")),
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
    Column("last_return", String(200), nullable=False, server_default=""),  # 0010
    Column("suspended_on", Date),  # 0010
)

# SEPA direct debits handed to the bank and those it gave back (migration 0010).
sepa_files = Table(
    "sepa_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", String(35), nullable=False, unique=True),
    Column("schema", String(20), nullable=False),
    Column("filename", String(100), nullable=False),
    Column("collection_date", Date, nullable=False),
    Column("debit_count", Integer, nullable=False),
    Column("total_cents", Cents, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

sepa_debits = Table(
    "sepa_debits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", String(35), ForeignKey("sepa_files.message_id"), nullable=False),
    Column("call_reference", String(24), ForeignKey("calls.reference"), nullable=False, index=True),
    Column("member_code", String(20), ForeignKey("members.code"), nullable=False, index=True),
    Column("mandate_id", String(35), nullable=False),
    Column("cents", Cents, nullable=False),
    Column("sequence_type", String(4), nullable=False),
    Column("collection_date", Date, nullable=False),
    Column("sent_on", Date, nullable=False),
    UniqueConstraint("message_id", "call_reference", name="uq_sepa_debits_file_call"),
)

sepa_debit_returns = Table(
    "sepa_debit_returns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", String(35), nullable=False),
    Column("call_reference", String(24), nullable=False),
    Column("member_code", String(20), ForeignKey("members.code"), nullable=False, index=True),
    Column("mandate_id", String(35), nullable=False),
    Column("kind", _enum(ReturnKind, "sepa_return_kind"), nullable=False),
    Column("reason_code", String(4), nullable=False),
    Column("returned_on", Date, nullable=False),
    Column("source", String(200), nullable=False),
    Column("recorded_by", String(80), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    ForeignKeyConstraint(
        ["message_id", "call_reference"],
        ["sepa_debits.message_id", "sepa_debits.call_reference"],
        name="fk_sepa_debit_returns_debit",
    ),
    UniqueConstraint("message_id", "call_reference", name="uq_sepa_debit_returns_file_call"),
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

# The register's running totals (migration 0012): one row, rewritten by each operation under
# the ledger lock; ``last_operation_id`` says which operation it stands after (a different
# highest id: rebuilt from the operations). Not append-only: derivable from the register.
capital_totals = Table(
    "capital_totals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("subscribed_cents", Cents, nullable=False),
    Column("paid_cents", Cents, nullable=False),
    Column("highest_cents", Cents, nullable=False),
    Column("highest_on", Date),
    Column("last_day", Date),
    Column("last_operation_id", Integer, nullable=False),
)

# Capital subscribed per registry category (migration 0012), moved by each subscription or
# withdrawal, and by a trigger on ``members`` when a holder changes category: the public
# bodies' part (art. 19 septies) is a sum over a few categories, not over their associates.
capital_category_totals = Table(
    "capital_category_totals",
    metadata,
    Column("category", String(40), primary_key=True),
    Column("subscribed_cents", Cents, nullable=False),
)

# --- general assemblies (migration 0004) ----------------------------------------------------
# Every row of an assembly's tables is frozen once the assembly is closed (triggers); votes are
# never updated nor deleted at all. ``college`` is « » when the statutes have no colleges.

assemblies = Table(
    "assemblies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(20), nullable=False, unique=True),
    Column("title", String(300), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("convocation", Integer, nullable=False),
    Column("held_on", Date, nullable=False),
    Column("cutoff", Date, nullable=False),
    Column("statutes_id", String(60), nullable=False),
    Column("statutes_digest", String(64), nullable=False),
    Column("rules", Text, nullable=False),
    Column("status", _enum(AssemblyStatus, "assembly_status"), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("previous_code", String(20)),
    Column("closed_at", UtcDateTime()),
    Column("closed_by", String(80)),
    Column("results", Text),
    # The roll is frozen at convening: its entitled associates per college, counted once
    # (JSON {college: n}), spare every tally a scan of the whole roll.
    Column("roll_entitled", Text, nullable=False),
    # The organisation as the minutes print it, frozen at closing (migration 0005).
    Column("organisation_snapshot_id", Integer, ForeignKey("organisation_snapshots.id")),
)

assembly_roll = Table(
    "assembly_roll",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assembly_id", Integer, ForeignKey("assemblies.id"), nullable=False),
    Column("member_code", String(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("category", String(200), nullable=False),
    Column("college", String(40), nullable=False),
    Column("entitled", Boolean, nullable=False),
    Column("reason", String(300), nullable=False),
    UniqueConstraint("assembly_id", "member_code", name="uq_assembly_roll_member"),
    Index("ix_assembly_roll_college", "assembly_id", "college", "entitled"),  # covers turnout
    # Only those who may not vote (migration 0016): the minutes list them, the roll's size counts
    # them, without walking the roll.
    Index(
        "ix_assembly_roll_not_entitled",
        "assembly_id",
        "member_code",
        sqlite_where=text("entitled = 0"),
        postgresql_where=text("entitled = false"),
    ),
)

assembly_attendance = Table(
    "assembly_attendance",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assembly_id", Integer, ForeignKey("assemblies.id"), nullable=False),
    Column("member_code", String(20), nullable=False),
    Column("college", String(40), nullable=False),
    Column("mode", _enum(Attendance, "attendance_mode"), nullable=False),
    Column("holder_code", String(20)),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("recorded_by", String(80), nullable=False),
    UniqueConstraint("assembly_id", "member_code", name="uq_assembly_attendance_member"),
    Index("ix_assembly_attendance_holder", "assembly_id", "holder_code"),
    Index("ix_assembly_attendance_college", "assembly_id", "college", "mode"),  # covers turnout
)

assembly_resolutions = Table(
    "assembly_resolutions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assembly_id", Integer, ForeignKey("assemblies.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("title", String(300), nullable=False),
    Column("text", Text, nullable=False),
    Column("decision_kind", String(40), nullable=False),
    Column("proposer", _enum(Proposer, "resolution_proposer"), nullable=False),
    Column("proposed_by", String(20)),
    Column("method", _enum(Method, "ballot_method"), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("created_by", String(80), nullable=False),
    # A secret resolution's public key, its private key outside the database (migration 0007).
    Column("ballot_key", String(64)),
    UniqueConstraint("assembly_id", "number", name="uq_assembly_resolutions_number"),
)

assembly_votes = Table(
    "assembly_votes",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("assembly_id", Integer, ForeignKey("assemblies.id"), nullable=False),
    Column("resolution_id", Integer, ForeignKey("assembly_resolutions.id"), nullable=False),
    Column("voter_code", String(20), nullable=False),
    Column("cast_by", String(20), nullable=False),
    Column("college", String(40), nullable=False),
    Column("choice", _enum(Choice, "ballot_choice")),  # NULL: a secret ballot
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("recorded_by", String(80), nullable=False),
    UniqueConstraint("resolution_id", "voter_code", name="uq_assembly_votes_voter"),
    Index("ix_assembly_votes_tally", "assembly_id", "resolution_id", "college", "choice"),
)

assembly_counts = Table(
    "assembly_counts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assembly_id", Integer, ForeignKey("assemblies.id"), nullable=False),
    Column("resolution_id", Integer, ForeignKey("assembly_resolutions.id"), nullable=False),
    Column("college", String(40), nullable=False),
    Column("choice", _enum(Choice, "ballot_choice"), nullable=False),
    Column("count", Integer, nullable=False),
    Column("source", _enum(CountSource, "ballot_count_source"), nullable=False),
    UniqueConstraint("resolution_id", "college", "choice", name="uq_assembly_counts_cell"),
    Index("ix_assembly_counts_assembly", "assembly_id"),
)

# The ballots cast so far per resolution, college and choice (``''``: a secret ballot, which has
# no choice), kept by a trigger on ``assembly_votes`` (migration 0013): the live tally reads a
# few rows instead of grouping every ballot.
assembly_ballot_totals = Table(
    "assembly_ballot_totals",
    metadata,
    Column("assembly_id", Integer, ForeignKey("assemblies.id"), nullable=False),
    Column("resolution_id", Integer, ForeignKey("assembly_resolutions.id"), nullable=False),
    Column("college", String(40), nullable=False),
    Column("choice", String(10), nullable=False),
    Column("shard", SmallInteger, nullable=False),  # PostgreSQL: backend % 64, no queueing
    Column("ballots", Integer, nullable=False),
    PrimaryKeyConstraint(
        "resolution_id", "college", "choice", "shard", name="pk_assembly_ballot_totals"
    ),
    Index("ix_assembly_ballot_totals_assembly", "assembly_id"),
)

# The associates signed per assembly, college and mode, kept by triggers on
# ``assembly_attendance`` (migration 0013): the turnout is read from a few rows.
assembly_attendance_totals = Table(
    "assembly_attendance_totals",
    metadata,
    Column("assembly_id", Integer, ForeignKey("assemblies.id"), nullable=False),
    Column("college", String(40), nullable=False),
    Column("mode", String(32), nullable=False),
    Column("members", Integer, nullable=False),
    PrimaryKeyConstraint("assembly_id", "college", "mode", name="pk_assembly_attendance_totals"),
)

# The ballot box of secret resolutions (migration 0007): a sealed ballot and its college, no
# voter, no time, never updated nor deleted. What links it to its vote row (same transaction,
# neighbouring ids) links a voter to a ciphertext that only the resolution's key opens, and
# that key lives outside the database until the vote is closed, then is destroyed.
assembly_ballot_box = Table(
    "assembly_ballot_box",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("assembly_id", Integer, ForeignKey("assemblies.id"), nullable=False),
    Column("resolution_id", Integer, ForeignKey("assembly_resolutions.id"), nullable=False),
    Column("college", String(40), nullable=False),
    Column("sealed", Text, nullable=False),
    Index("ix_assembly_ballot_box_resolution", "resolution_id"),
)

# The chair closed the vote on a resolution (migration 0007): one row, never changed.
assembly_vote_closings = Table(
    "assembly_vote_closings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assembly_id", Integer, ForeignKey("assemblies.id"), nullable=False),
    Column("resolution_id", Integer, ForeignKey("assembly_resolutions.id"), nullable=False),
    Column("closed_at", UtcDateTime(), nullable=False),
    Column("closed_by", String(80), nullable=False),
    Column("ballots", Integer, nullable=False),
    UniqueConstraint("resolution_id", name="uq_assembly_vote_closings_resolution"),
    Index("ix_assembly_vote_closings_assembly", "assembly_id"),
)

assembly_signatures = Table(
    "assembly_signatures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assembly_id", Integer, ForeignKey("assemblies.id"), nullable=False),
    Column("role", _enum(SignatoryRole, "signatory_role"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("signed_at", UtcDateTime(), nullable=False),
    Column("signed_by", String(80), nullable=False),
    UniqueConstraint("assembly_id", "role", "name", name="uq_assembly_signatures_signatory"),
)

# --- e-mail sent to members (migration 0006, ``_upgrade_mail``) ------------------------------
# One row per message, written before it leaves: kind + reference + member + document is unique,
# so a message sent is never sent again. No password nor server credential is ever stored here.
mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", _enum(MailKind, "mail_kind"), nullable=False),
    Column("reference", String(40), nullable=False),
    Column("member_code", String(20), ForeignKey("members.code"), nullable=False, index=True),
    Column("document", String(60), nullable=False),
    Column("recipient", String(200), nullable=False),
    Column("recipient_name", String(200), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("attachment", String(120), nullable=False),
    Column("message_id", String(250), nullable=False),
    Column("status", _enum(MailStatus, "mail_status"), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("last_attempt_at", UtcDateTime()),
    Column("last_attempt_by", String(80)),
    Column("sent_at", UtcDateTime()),
    Column("server_answer", Text),
    Column("smtp_code", Integer),
    Column("error", Text),
    UniqueConstraint("kind", "reference", "member_code", "document", name="uq_mail_outbox_message"),
    Index("ix_mail_outbox_kind_reference", "kind", "reference"),
)

# --- bank statements (migration 0006, ``_upgrade_bank``) ----------------------------------------
# One row per imported file (its digest is unique: the same bytes again add nothing); each line
# kept once by its identity (``fingerprint``), whatever imports bring it again.
bank_statements = Table(
    "bank_statements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(24), nullable=False, unique=True),
    Column("format", _enum(StatementFormat, "statement_format"), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("digest", String(64), nullable=False, unique=True),
    Column("statement_ids", String(300), nullable=False),
    Column("account_iban", String(34), nullable=False),
    Column("from_date", Date),
    Column("to_date", Date),
    Column("line_count", Integer, nullable=False),
    Column("new_line_count", Integer, nullable=False),
    Column("profile", String(80), nullable=False),
    Column("imported_by", String(80), nullable=False),
    Column("imported_at", UtcDateTime(), nullable=False),
)

bank_lines = Table(
    "bank_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("statement_id", Integer, ForeignKey("bank_statements.id"), nullable=False, index=True),
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("position", Integer, nullable=False),
    Column("account_iban", String(34), nullable=False),
    Column("booked_on", Date, nullable=False),
    Column("value_on", Date),
    Column("cents", Cents, nullable=False),
    Column("direction", _enum(Direction, "line_direction"), nullable=False),
    Column("kind", _enum(LineKind, "line_kind"), nullable=False),
    Column("status", _enum(LineStatus, "line_status"), nullable=False, index=True),
    Column("bank_reference", String(100), nullable=False),
    Column("remittance", String(500), nullable=False),
    Column("counterparty_name", String(140), nullable=False),
    Column("counterparty_iban", String(34), nullable=False, index=True),
    Column("end_to_end_id", String(35), nullable=False),
    Column("mandate_id", String(35), nullable=False),
    Column("bank_code", String(40), nullable=False),
    Column("return_reason", String(4), nullable=False),
    Column("match_reason", String(300), nullable=False),
    Column("suggested_member", String(20)),
    Column("suggested_calls", String(300), nullable=False),
    Column("candidates", String(200), nullable=False),
    Column("member_code", String(20), ForeignKey("members.code")),
    Column("payment_reference", String(24)),
    Column("reversed_payment", String(24), index=True),
    Column("resolved_by", String(80)),
    Column("resolved_at", UtcDateTime()),
    Column("note", String(500), nullable=False),
)

# --- What the server processes share (migration 0017, ``persistence/shared_state.py``) -------
# Several processes serve one PostgreSQL database: a background job started by one is followed
# from the pages another serves, and a failed sign-in counts against the same budget whichever
# process saw it. Working state, not records: rows are forgotten after an hour or a day.
background_jobs = Table(
    "background_jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("owner", String(200), nullable=False),
    Column("request_key", String(300)),
    Column("title", Text, nullable=False),
    Column("back", Text, nullable=False),
    Column("state", String(10), nullable=False),
    Column("done", BigInteger, nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("outcome", Text),
    Column("document", LargeBinary),
    Column("error", Text),
    Column("problems", Text, nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("seen_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime(), index=True),
    UniqueConstraint("owner", "request_key", name="uq_background_jobs_request"),
)

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scope", String(10), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("at", UtcDateTime(), nullable=False, index=True),
    Index("ix_sign_in_failures_subject", "scope", "subject", "at"),
)

sign_in_locks = Table(
    "sign_in_locks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scope", String(10), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("until", UtcDateTime(), nullable=False, index=True),
    Index("ix_sign_in_locks_subject", "scope", "subject", "until"),
)

# Tables whose rows are never updated nor deleted once written (migrations 0002, 0003: triggers).
APPEND_ONLY = (
    "organisation_snapshots",
    "call_batches",
    "calls",
    "credit_notes",
    "payments",
    "allocations",
    "reminders",
    "capital_operations",
    "refunds",
    "sepa_files",
    "sepa_debits",
    "sepa_debit_returns",
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
    mapper_registry.map_imperatively(Refund, refunds)
    mapper_registry.map_imperatively(Reminder, reminders)
    mapper_registry.map_imperatively(Mandate, mandates)
    mapper_registry.map_imperatively(SepaFile, sepa_files)
    mapper_registry.map_imperatively(SentDebit, sepa_debits)
    mapper_registry.map_imperatively(DebitReturn, sepa_debit_returns)
    mapper_registry.map_imperatively(CapitalOperation, capital_operations)
    mapper_registry.map_imperatively(Assembly, assemblies)
    mapper_registry.map_imperatively(RollEntry, assembly_roll)
    mapper_registry.map_imperatively(AttendanceRecord, assembly_attendance)
    mapper_registry.map_imperatively(Resolution, assembly_resolutions)
    mapper_registry.map_imperatively(Vote, assembly_votes)
    mapper_registry.map_imperatively(BallotCount, assembly_counts)
    mapper_registry.map_imperatively(SealedBallot, assembly_ballot_box)
    mapper_registry.map_imperatively(VoteClosing, assembly_vote_closings)
    mapper_registry.map_imperatively(Signatory, assembly_signatures)
    mapper_registry.map_imperatively(OutboxMessage, mail_outbox)
    mapper_registry.map_imperatively(BankStatement, bank_statements)
    mapper_registry.map_imperatively(BankLine, bank_lines)
    _mapped = True
