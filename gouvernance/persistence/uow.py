"""The SQLAlchemy unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from types import TracebackType
from typing import Self

from sqlalchemy import Engine, event
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from gouvernance.domain.errors import Conflict, GouvernanceError, InvalidInput
from gouvernance.domain.users import Actor
from gouvernance.persistence.assemblies import SqlAssemblyStore
from gouvernance.persistence.audit_log import SqlAuditLog
from gouvernance.persistence.ballot_keys import FileBallotKeys, directory_for
from gouvernance.persistence.bank import SqlBankBook
from gouvernance.persistence.capital import SqlCapitalRegister
from gouvernance.persistence.database import is_reading
from gouvernance.persistence.faults import infrastructure_fault, scrub
from gouvernance.persistence.mail import SqlMailOutbox
from gouvernance.persistence.orm import start_mappers
from gouvernance.persistence.repositories import (
    SqlCategoryRepository,
    SqlIdempotencyStore,
    SqlLedger,
    SqlMemberRepository,
    SqlOrganisationRepository,
    SqlTokenRepository,
    SqlUserRepository,
    token_holder,
)
from gouvernance.persistence.shared_state import SqlFailedSignIns, SqlJobBoard
from gouvernance.services.ports import (
    AssemblyStore,
    AuditLog,
    BallotKeys,
    BankBook,
    CapitalRegister,
    CategoryRepository,
    FailedSignIns,
    IdempotencyStore,
    JobBoard,
    Ledger,
    MailOutbox,
    MemberRepository,
    OrganisationRepository,
    TokenRepository,
    TransactionAborted,
    UserRepository,
)

log = logging.getLogger("gouvernance.persistence")

_ON_ROLL = "cet associé figure déjà sur la liste d'émargement de l'assemblée"
_ATTENDING = "la présence de cet associé est déjà enregistrée pour cette assemblée"
_NUMBERED = "ce numéro de résolution est déjà pris dans cette assemblée"
_VOTED = "cet associé a déjà voté sur cette résolution"
_COUNTED = "les décomptes de ce collège sont déjà saisis pour cette résolution"
_SIGNED = "ce signataire a déjà signé le procès-verbal en cette qualité"
_VOTE_CLOSED = "le vote sur cette résolution est déjà clos"
_MAILED = "ce courriel est déjà enregistré dans la boîte d'envoi"

# Which field a unique constraint protects, to name it in the error a person reads.
_CONSTRAINT_FIELDS = {
    "uq_members_code": ("code", "ce code de membre est déjà attribué"),
    "members.code": ("code", "ce code de membre est déjà attribué"),
    "uq_members_siren": ("siren", "ce SIREN est déjà enregistré pour un autre membre"),
    "members.siren": ("siren", "ce SIREN est déjà enregistré pour un autre membre"),
    "uq_users_username": ("username", "ce nom d'utilisateur existe déjà"),
    "users.username": ("username", "ce nom d'utilisateur existe déjà"),
    "pk_idempotency_keys": ("Idempotency-Key", "cette requête est déjà en cours de traitement"),
    "idempotency_keys.key": ("Idempotency-Key", "cette requête est déjà en cours de traitement"),
    "uq_reminders_call_level": ("level", "cette relance a déjà été envoyée pour cet appel"),
    "reminders.call_reference": ("level", "cette relance a déjà été envoyée pour cet appel"),
    "uq_mandates_mandate_id": ("mandate_id", "cette référence de mandat (RUM) est déjà utilisée"),
    "mandates.mandate_id": ("mandate_id", "cette référence de mandat (RUM) est déjà utilisée"),
    "uq_capital_operations_number": ("number", "ce numéro d'opération du capital est déjà pris"),
    "capital_operations.number": ("number", "ce numéro d'opération du capital est déjà pris"),
    # General assemblies: PostgreSQL names the constraint, SQLite its columns.
    "uq_assemblies_code": ("code", "ce code d'assemblée est déjà attribué"),
    "assemblies.code": ("code", "ce code d'assemblée est déjà attribué"),
    "uq_assembly_roll_member": ("member", _ON_ROLL),
    "assembly_roll.assembly_id, assembly_roll.member_code": ("member", _ON_ROLL),
    "uq_assembly_attendance_member": ("member", _ATTENDING),
    "assembly_attendance.assembly_id, assembly_attendance.member_code": ("member", _ATTENDING),
    "uq_assembly_resolutions_number": ("number", _NUMBERED),
    "assembly_resolutions.assembly_id, assembly_resolutions.number": ("number", _NUMBERED),
    "uq_assembly_votes_voter": ("voter", _VOTED),
    "assembly_votes.resolution_id, assembly_votes.voter_code": ("voter", _VOTED),
    "uq_assembly_counts_cell": ("college", _COUNTED),
    "assembly_counts.resolution_id, assembly_counts.college": ("college", _COUNTED),
    "uq_assembly_signatures_signatory": ("name", _SIGNED),
    "assembly_signatures.assembly_id, assembly_signatures.role": ("name", _SIGNED),
    "uq_assembly_vote_closings_resolution": ("resolution", _VOTE_CLOSED),
    "assembly_vote_closings.resolution_id": ("resolution", _VOTE_CLOSED),
    "uq_mail_outbox_message": ("document", _MAILED),
    "mail_outbox.kind, mail_outbox.reference": ("document", _MAILED),
    "uq_bank_statements_digest": ("file", "ce relevé est déjà importé"),
    "bank_statements.digest": ("file", "ce relevé est déjà importé"),
    "uq_bank_lines_fingerprint": ("file", "une ligne de ce relevé est déjà importée"),
    "bank_lines.fingerprint": ("file", "une ligne de ce relevé est déjà importée"),
}


@contextmanager
def _conflicts_explained(session: Session) -> Iterator[None]:
    """Turn a constraint the database enforced (a race lost) into the same French conflict."""
    try:
        yield
    except IntegrityError as exc:
        _undo(session)
        text = str(exc.orig)
        for constraint, (field, message) in _CONSTRAINT_FIELDS.items():
            if constraint in text:
                raise Conflict(message, field=field) from exc
        raise Conflict("l'enregistrement contredit une donnée existante") from exc
    except DataError as exc:
        _undo(session)
        raise InvalidInput(
            "une valeur ne tient pas dans la base (trop longue ou hors limites)"
        ) from exc
    except OperationalError as exc:
        _rollback_quietly(session)
        if "locked" in str(exc.orig):
            raise Conflict("la base est occupée : réessayez dans un instant") from exc
        _raise_if_infrastructure(session, exc)
        raise
    except DBAPIError as exc:  # e.g. PostgreSQL's read-only transaction is an InternalError
        _rollback_quietly(session)
        _raise_if_infrastructure(session, exc)
        raise


def _raise_if_infrastructure(session: Session, exc: DBAPIError) -> None:
    """Disk full, read-only database, connection lost: a French 503 saying what to do, and
    the driver's own words in the log for whoever fixes it (password scrubbed)."""
    fault = infrastructure_fault(exc)
    if fault is None:
        return
    bind = session.bind
    url = getattr(bind, "url", None)
    detail = scrub(str(exc.orig), url).strip().splitlines()
    log.warning("base de données indisponible : %s", detail[0] if detail else type(exc).__name__)
    raise fault from None


def _undo(session: Session) -> None:
    """After a refused write: the whole transaction, unless it ran inside a savepoint, which
    ``SqlAlchemyUnitOfWork.savepoint`` rolls back alone (the rest of the batch is kept)."""
    if not session.in_nested_transaction():
        session.rollback()


def _rollback_quietly(session: Session) -> None:
    """Roll back; a connection already lost cannot, and must not hide the first error."""
    try:
        session.rollback()
    except DBAPIError:
        session.close()


_FLUSHED = "gouvernance_flushed"


def _mark_flushed(session: Session, _context: object) -> None:
    """A flush wrote to the transaction (explicit, or before a query): it must be rolled back."""
    session.info[_FLUSHED] = True


class SqlAlchemyUnitOfWork:
    members: MemberRepository
    categories: CategoryRepository
    users: UserRepository
    tokens: TokenRepository
    audit: AuditLog
    organisation: OrganisationRepository
    idempotency: IdempotencyStore
    ledger: Ledger
    capital: CapitalRegister
    assemblies: AssemblyStore
    mail: MailOutbox
    bank: BankBook
    jobs: JobBoard
    sign_ins: FailedSignIns
    ballot_keys: BallotKeys

    def __init__(self, session_factory: sessionmaker[Session], ballot_keys: BallotKeys) -> None:
        self.session_factory = session_factory
        self.ballot_keys = ballot_keys

    def __enter__(self) -> Self:
        self.session = self.session_factory()
        self.members = SqlMemberRepository(self.session)
        self.categories = SqlCategoryRepository(self.session)
        self.users = SqlUserRepository(self.session)
        self.tokens = SqlTokenRepository(self.session)
        self.audit = self._audit = SqlAuditLog(self.session)
        self.organisation = SqlOrganisationRepository(self.session)
        self.idempotency = SqlIdempotencyStore(self.session)
        self.ledger = SqlLedger(self.session)
        self.capital = SqlCapitalRegister(self.session)
        self.assemblies = SqlAssemblyStore(self.session, self.flush, self.explained)
        self.mail = SqlMailOutbox(self.session)
        self.bank = SqlBankBook(self.session)
        self.jobs = SqlJobBoard(self.session)
        self.sign_ins = SqlFailedSignIns(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._wrote_nothing():
                # Nothing to undo: closing hands the connection back (the pool ends its
                # transaction) without first expiring every object read, as rollback does.
                self._audit.discard_pending()
            else:
                self.rollback()
        except DBAPIError:
            if not isinstance(exc, DBAPIError):
                raise  # nothing went wrong before: the rollback's own failure is the news
        finally:
            self.session.close()
        if isinstance(exc, DBAPIError):
            # A query (not only a commit) hit a database limit: same French error, no 500.
            with _conflicts_explained(self.session):
                raise exc

    def _wrote_nothing(self) -> bool:
        session = self.session
        return not (session.new or session.dirty or session.deleted or session.info.get(_FLUSHED))

    def commit(self) -> None:
        """Flush the changes, then chain and write the audit entries last (their lock is held
        only from there to the commit: ``persistence/audit_log.py``), then commit."""
        try:
            with _conflicts_explained(self.session):
                self.session.flush()
                self._audit.write_pending()
                self.session.commit()
        finally:
            self._audit.discard_pending()  # written, or lost with the failed transaction

    def explained(self) -> AbstractContextManager[None]:
        """Around a plain INSERT: a constraint it meets is the French conflict a flush gives."""
        return _conflicts_explained(self.session)

    def rollback(self) -> None:
        self._audit.discard_pending()
        self.session.rollback()

    def flush(self) -> None:
        try:
            with _conflicts_explained(self.session):
                self.session.flush()
        except BaseException:
            if not self.session.in_nested_transaction():
                self._audit.discard_pending()  # rolled back with the transaction
            raise

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A SAVEPOINT: what is done inside and raises a ``GouvernanceError`` (a ballot refused
        within a batch) is undone alone, its audit entries with it, and the rest of the
        transaction goes on. An error that cost the whole transaction (the database failed)
        comes out as ``TransactionAborted``: nothing of the batch may be committed."""
        session = self.session
        kept = self._audit.pending_count()
        nested = session.begin_nested()
        outer = nested.parent
        try:
            with _conflicts_explained(session):  # a constraint met inside: this ballot's conflict
                yield
                nested.commit()
        except BaseException as error:
            if outer is None or not outer.is_active or not isinstance(error, GouvernanceError):
                _rollback_quietly(session)
                self._audit.discard_pending()
                raise TransactionAborted(error) from error
            if session.get_nested_transaction() is nested:  # open, or failed in a flush
                nested.rollback()
            self._audit.forget_after(kept)
            raise


class SqlAlchemyUnitOfWorkFactory:
    """Builds units of work on one engine; the API and the CLI each hold one."""

    def __init__(self, engine: Engine, ballot_keys: BallotKeys | None = None) -> None:
        start_mappers()
        self.engine = engine
        self.session_factory = sessionmaker(bind=engine, expire_on_commit=False)
        event.listen(self.session_factory, "after_flush", _mark_flushed)
        # PostgreSQL, a request that only reads: no BEGIN nor ROLLBACK around its statements,
        # two round trips of the server's time saved on each unit of work. Under READ COMMITTED
        # each statement sees the latest commits either way, so it reads exactly what it would
        # have read in a transaction. SQLite keeps its transactions (deferred, ``database.py``).
        self.reading_factory = self.session_factory
        if engine.dialect.name == "postgresql":
            self.reading_factory = sessionmaker(
                bind=engine.execution_options(isolation_level="AUTOCOMMIT"),
                expire_on_commit=False,
            )
            event.listen(self.reading_factory, "after_flush", _mark_flushed)
        self.ballot_keys = ballot_keys or FileBallotKeys(directory_for(engine.url))
        self.reading_engine = self.reading_factory.kw["bind"]

    def token_holder(self, token_hash: str) -> tuple[datetime, Actor, bool] | None:
        """A connection and one statement: no session, nor a repository of each kind."""
        engine = self.reading_engine if is_reading() else self.engine
        try:
            with engine.connect() as connection:
                return token_holder(connection, token_hash)
        except DBAPIError:
            return None

    def __call__(self) -> SqlAlchemyUnitOfWork:
        sessions = self.reading_factory if is_reading() else self.session_factory
        return SqlAlchemyUnitOfWork(sessions, self.ballot_keys)
