"""Who may do what: people with personal codes, role access codes, expiring sessions.

A name alone does not act as a person. The first time a name signs in, the app gives that
person a **personal code** (shown once); from then on the name needs it. Names are unique
after normalisation (case, spaces, underscores and hyphens), so "Asha Rai" and "asha_rai"
are one person. Reviewers and coordinators also give their role's **access code**
(``SHARPFIELDS_REVIEWER_CODE``, ``SHARPFIELDS_COORDINATOR_CODE``; when unset, generated,
printed to the server console once and stored as a scrypt hash only). Names are compared
after NFKC, case folding and folding of Cyrillic/Greek look-alike letters
(``labels.normalise_name``); names with invisible or control characters are refused.

A successful sign-in opens a **session**: a random token (kept in the page address so a
reload keeps it) that expires (``SHARPFIELDS_SESSION_HOURS``, default 12) and is revoked by
Sign out. Map tiles carry a key derived from the session, so they stop with it.

Wrong codes are counted per client (IP address) *and* per name, in one SQLite transaction
that also reserves the attempt before the code is checked (so simultaneous guesses cannot
all pass the check): after three, each further try must wait twice as long as the one
before (2 s, 4 s … up to 15 min); a name's count ends only with that name's own successful
sign-in, a client's only after an hour without failures; every failure is logged. A client
may create at most ``SHARPFIELDS_NEW_NAMES_PER_HOUR`` (20) new names an hour.

Everything is kept in ``auth.sqlite`` in the data folder, readable by the server's user only.
Only hashes of personal codes and session tokens are stored.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from labels.model import Role, normalise_name

log = logging.getLogger("sharpfields.auth")

_ROLE_CODE_ENV = {
    Role.REVIEWER: "SHARPFIELDS_REVIEWER_CODE",
    Role.COORDINATOR: "SHARPFIELDS_COORDINATOR_CODE",
}
MAX_NAME = 80
DEFAULT_SESSION_HOURS = 12.0
FREE_FAILURES = 3  # wrong codes in a row before the growing delay starts
MAX_DELAY_S = 15 * 60
FAILURE_MEMORY_S = 3600.0  # a count is forgotten after this long without a failure
DEFAULT_NEW_NAMES_PER_HOUR = 20
# Characters a name may not contain: controls, format (zero-width, direction marks),
# private use, unassigned, surrogates, line and paragraph separators.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"})
# Personal codes: 10 characters from an alphabet without look-alikes (~50 bits).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS people (
    key TEXT PRIMARY KEY, name TEXT NOT NULL, code_hash TEXT NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    sid TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, person TEXT NOT NULL,
    role TEXT NOT NULL, created REAL NOT NULL, expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    client TEXT PRIMARY KEY, count INTEGER NOT NULL, last REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS new_names (client TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS new_names_by_client ON new_names (client, at);
"""


class SignInError(ValueError):
    """The sign-in was refused; the message says why, in plain words."""


@dataclass(frozen=True)
class Identity:
    """A signed-in person and the role they act in."""

    name: str
    role: Role

    @property
    def can_review(self) -> bool:
        return self.role in (Role.REVIEWER, Role.COORDINATOR)

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR


@dataclass(frozen=True)
class Session:
    """An open session: who, until when, and its public id (for tile keys)."""

    sid: str
    identity: Identity
    expires: float


@dataclass(frozen=True)
class SignedIn:
    """The outcome of a sign-in: the session, its token, and a new person's personal code."""

    session: Session
    token: str
    new_personal_code: str | None = None


def clean_name(text: str) -> str:
    """A name as typed, with runs of white space made single; refused if empty or too long."""
    name = " ".join(text.split())
    if any(unicodedata.category(ch) in _INVISIBLE_CATEGORIES for ch in name):
        raise SignInError("Names may not contain invisible or control characters.")
    if not name:
        raise SignInError("Type your name: it is saved with every field you draw.")
    if len(name) > MAX_NAME:
        raise SignInError(f"Names are limited to {MAX_NAME} characters.")
    if not any(ch.isalnum() for ch in name):
        raise SignInError("A name needs at least one letter or digit.")
    return name


def person_id(name: str) -> str:
    """A person's stable id, safe in file names: a hash of the normalised name (the key
    that tells people apart), so "Sita/Rai" and "Sita Rai" never share a file."""
    return hashlib.sha256(normalise_name(name).encode()).hexdigest()[:16]


def _hash_code(code: str, salt: bytes) -> str:
    digest = hashlib.scrypt(code.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"{salt.hex()}${digest.hex()}"


def _code_matches(code: str, stored: str) -> bool:
    salt_hex, _, _ = stored.partition("$")
    return hmac.compare_digest(_hash_code(code, bytes.fromhex(salt_hex)), stored)


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_names_per_hour() -> int:
    value = os.environ.get("SHARPFIELDS_NEW_NAMES_PER_HOUR", "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_NEW_NAMES_PER_HOUR


def _wait_s(count: int, last: float, now: float) -> float:
    """Seconds to wait after ``count`` failures, the last at ``last``."""
    if count < FREE_FAILURES or now - last > FAILURE_MEMORY_S:
        return 0.0
    delay = min(2.0 ** (count - FREE_FAILURES + 1), MAX_DELAY_S)
    return max(0.0, last + delay - now)


def session_hours() -> float:
    """How long a sign-in lasts ($SHARPFIELDS_SESSION_HOURS, default 12)."""
    try:
        hours = float(os.environ.get("SHARPFIELDS_SESSION_HOURS", DEFAULT_SESSION_HOURS))
    except ValueError:
        return DEFAULT_SESSION_HOURS
    return hours if hours > 0 else DEFAULT_SESSION_HOURS


class AuthStore:
    """People, sessions and failed attempts of one data folder. Thread-safe."""

    def __init__(self, data_dir: Path, clock: Callable[[], float] = time.time) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / "auth.sqlite"
        self._clock = clock
        self._lock = threading.Lock()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)  # owner-only from the start
        os.close(fd)
        self._db = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._secret = self._setting("tile_secret", lambda: secrets.token_hex(32))
        self._fresh_codes: dict[Role, str] = {}  # generated now, shown once by console_notice
        self._env_hashes: dict[tuple[Role, str], str] = {}
        for role in _ROLE_CODE_ENV:
            self._hash_plain_role_code(role)
            if not os.environ.get(_ROLE_CODE_ENV[role]):
                self._role_code_hash(role)

    def close(self) -> None:
        self._db.close()

    # --- settings -----------------------------------------------------------------------
    def _setting(self, name: str, make: Callable[[], str]) -> str:
        with self._lock, self._db:
            row = self._db.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
            if row:
                return str(row[0])
            value = make()
            self._db.execute("INSERT INTO settings VALUES (?, ?)", (name, value))
            return value

    def _hash_plain_role_code(self, role: Role) -> None:
        """Data folders from before hashing kept generated role codes in plain text: hash
        them (and show them once more at this start)."""
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT value FROM settings WHERE name = ?", (f"code:{role.value}",)
            ).fetchone()
            if row is None:
                return
            self._db.execute(
                "INSERT OR REPLACE INTO settings VALUES (?, ?)",
                (f"code_hash:{role.value}", _hash_code(str(row[0]), secrets.token_bytes(16))),
            )
            self._db.execute("DELETE FROM settings WHERE name = ?", (f"code:{role.value}",))
        self._fresh_codes[role] = str(row[0])

    def _role_code_hash(self, role: Role) -> str:
        """The scrypt hash of the role's code: of $SHARPFIELDS_…_CODE when set (hashed in
        memory, never stored), else of a generated code stored hashed only."""
        from_env = os.environ.get(_ROLE_CODE_ENV[role], "")
        if from_env:
            if (role, from_env) not in self._env_hashes:
                self._env_hashes[(role, from_env)] = _hash_code(from_env, secrets.token_bytes(16))
            return self._env_hashes[(role, from_env)]

        def generate() -> str:
            code = secrets.token_urlsafe(9)
            self._fresh_codes[role] = code
            return _hash_code(code, secrets.token_bytes(16))

        return self._setting(f"code_hash:{role.value}", generate)

    def needs_role_code(self, role: Role) -> bool:
        """Whether signing in in this role needs the role's access code."""
        return role in _ROLE_CODE_ENV

    def role_code_matches(self, role: Role, code: str) -> bool:
        """Whether ``code`` is the role's access code (scrypt, constant-time compare)."""
        return self.needs_role_code(role) and _code_matches(
            code.strip(), self._role_code_hash(role)
        )

    def console_notice(self) -> str:
        """Lines printed at start-up. A code generated at this start is shown this once;
        codes set in the environment or generated earlier are never shown."""
        lines = []
        for role, env in _ROLE_CODE_ENV.items():
            if os.environ.get(env):
                text = f"set by {env} (not shown)"
            elif role in self._fresh_codes:
                code = self._fresh_codes.pop(role)
                text = f"{code}  (shown only this once, stored hashed; set {env} to choose)"
            else:
                text = f"generated earlier and shown then (stored hashed); set {env} to replace it"
            lines.append(f"  {role.value} access code: {text}")
        return "sharpfields sign-in codes:\n" + "\n".join(lines)

    # --- signing in ---------------------------------------------------------------------
    def sign_in(
        self,
        name: str,
        role: Role,
        *,
        personal_code: str = "",
        role_code: str = "",
        client: str = "unknown",
    ) -> SignedIn:
        """Check the codes and open a session, or raise SignInError with the reason.

        A name seen for the first time becomes a person with a new personal code, which
        is returned once in ``new_personal_code``.
        """
        display = clean_name(name)
        key = normalise_name(display)
        with self._lock:
            row = self._db.execute(
                "SELECT name, code_hash FROM people WHERE key = ?", (key,)
            ).fetchone()
        if row is not None and not personal_code.strip():  # not a guess: nothing to count
            raise SignInError(
                f"The name “{row[0]}” is already taken. If it is yours, type your "
                "personal code; otherwise add something to your name (your village, say)."
            )
        counters = (f"client:{client}", f"name:{key}")
        guessing = self.needs_role_code(role) or row is not None
        if guessing:  # counted as a failure from now on, unless the codes turn out right
            self._reserve_attempt(counters, client, display)
        if self.needs_role_code(role) and not self.role_code_matches(role, role_code):
            log.warning(
                "sign-in failure from %s: wrong %s access code for %r", client, role.value, display
            )
            raise SignInError(
                f"That is not the {role.value} access code. Ask your coordinator for it."
            )
        new_code = None
        if row is None:
            try:
                new_code = self._new_person(key, display, client)
            except SignInError:
                if guessing:
                    self._release_attempt(counters, owner_proved=False)
                raise
            person = display
        else:
            person, code_hash = str(row[0]), str(row[1])
            if not _code_matches(_normalise_code(personal_code), code_hash):
                log.warning("sign-in failure from %s: wrong personal code for %r", client, person)
                raise SignInError(
                    f"That is not the personal code of “{person}”. Check it, or ask your "
                    "coordinator to give you a new one."
                )
        if guessing:
            self._release_attempt(counters, owner_proved=row is not None)
        session, token = self.open_session(Identity(person, role))
        log.info("sign-in: %r as %s from %s", person, role.value, client)
        return SignedIn(session, token, new_code)

    def _new_person(self, key: str, name: str, client: str) -> str:
        """Add a person, within the client's hourly allowance of new names."""
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
        code_hash = _hash_code(code, secrets.token_bytes(16))
        now = self._clock()
        try:
            with self._transaction():
                recent = self._db.execute(
                    "SELECT COUNT(*) FROM new_names WHERE client = ? AND at > ?",
                    (client, now - 3600),
                ).fetchone()[0]
                if recent >= _new_names_per_hour():
                    log.warning("sign-in refused: %s made %d new names this hour", client, recent)
                    raise SignInError(
                        "Too many new names from this device in the last hour. Sign in with "
                        "your existing name and personal code, or try again later."
                    )
                self._db.execute(
                    "INSERT INTO people VALUES (?, ?, ?, ?)", (key, name, code_hash, now)
                )
                self._db.execute("INSERT INTO new_names VALUES (?, ?)", (client, now))
                self._db.execute("DELETE FROM new_names WHERE at <= ?", (now - 3600,))
        except sqlite3.IntegrityError as exc:  # the same name, signed up at the same moment
            raise SignInError("That name was just taken; please sign in again.") from exc
        return f"{code[:5]}-{code[5:]}"

    def reset_personal_code(self, name: str) -> str:
        """A new personal code for an existing person (a coordinator's action)."""
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
        with self._lock, self._db:
            updated = self._db.execute(
                "UPDATE people SET code_hash = ? WHERE key = ?",
                (_hash_code(code, secrets.token_bytes(16)), normalise_name(name)),
            ).rowcount
            self._db.execute(
                "DELETE FROM sessions WHERE person = (SELECT name FROM people WHERE key = ?)",
                (normalise_name(name),),
            )
        if not updated:
            raise SignInError(f"Nobody called “{name}” has signed in yet.")
        return f"{code[:5]}-{code[5:]}"

    def open_session(self, identity: Identity) -> tuple[Session, str]:
        """A new session for an already checked identity: (session, its secret token)."""
        token = secrets.token_urlsafe(32)
        now = self._clock()
        session = Session(secrets.token_hex(8), identity, now + session_hours() * 3600)
        with self._lock, self._db:
            self._db.execute("DELETE FROM sessions WHERE expires <= ?", (now,))
            self._db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)",
                (
                    session.sid,
                    _token_hash(token),
                    identity.name,
                    identity.role.value,
                    now,
                    session.expires,
                ),
            )
        return session, token

    def session(self, token: str) -> Session | None:
        """The open session of a token; None when unknown, expired or signed out."""
        if not token:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT sid, person, role, expires FROM sessions WHERE token_hash = ?",
                (_token_hash(token),),
            ).fetchone()
        if row is None or float(row[3]) <= self._clock():
            return None
        return Session(str(row[0]), Identity(str(row[1]), Role(row[2])), float(row[3]))

    def sign_out(self, token: str) -> None:
        """Revoke a session: its token and tile keys stop working everywhere at once."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM sessions WHERE token_hash = ?", (_token_hash(token),))

    # --- tile keys ----------------------------------------------------------------------
    def tile_key(self, session: Session, scene_id: str) -> str:
        """A key for one scene's tiles, valid while the session is open."""
        mac = hmac.new(self._secret.encode(), f"{session.sid}|{scene_id}".encode(), "sha256")
        return f"{session.sid}.{mac.hexdigest()[:32]}"

    def tile_key_valid(self, key: str, scene_id: str) -> bool:
        """Whether a tile request's key belongs to this scene and an open session."""
        sid, _, mac = key.partition(".")
        expected = hmac.new(self._secret.encode(), f"{sid}|{scene_id}".encode(), "sha256")
        if not sid or not hmac.compare_digest(expected.hexdigest()[:32], mac):
            return False
        with self._lock:
            row = self._db.execute("SELECT expires FROM sessions WHERE sid = ?", (sid,)).fetchone()
        return row is not None and float(row[0]) > self._clock()

    # --- throttling ---------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction that holds SQLite's write lock from its first statement
        (BEGIN IMMEDIATE), so a read-then-write cannot interleave with another process."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.rollback()
                raise
            self._db.commit()

    def retry_after(self, client: str, name: str = "") -> float:
        """Seconds before the next attempt from this client (or for this name) is checked."""
        keys = [f"client:{client}"] + ([f"name:{normalise_name(name)}"] if name else [])
        now = self._clock()
        waits = [0.0]
        with self._lock:
            for key in keys:
                row = self._db.execute(
                    "SELECT count, last FROM failures WHERE client = ?", (key,)
                ).fetchone()
                if row is not None:
                    waits.append(_wait_s(int(row[0]), float(row[1]), now))
        return max(waits)

    def _reserve_attempt(self, keys: tuple[str, str], client: str, display: str) -> None:
        """Count this attempt as a failure of the client and of the name before its codes
        are checked, or refuse it while either must wait; atomic across threads and
        processes, so simultaneous guesses cannot all be checked."""
        now = self._clock()
        with self._transaction():
            counts = []
            for key in keys:
                row = self._db.execute(
                    "SELECT count, last FROM failures WHERE client = ?", (key,)
                ).fetchone()
                count, last = (int(row[0]), float(row[1])) if row else (0, 0.0)
                if now - last > FAILURE_MEMORY_S:
                    count = 0
                counts.append((key, count, _wait_s(count, last, now)))
            wait = max(w for _, _, w in counts)
            if wait > 0:
                log.warning("sign-in refused: %s / %r must wait %.0f s", client, display, wait)
                raise SignInError(
                    f"Too many wrong codes from this device or for this name. Wait {wait:.0f} "
                    "seconds, then try again."
                )
            for key, count, _ in counts:
                self._db.execute(
                    "INSERT OR REPLACE INTO failures VALUES (?, ?, ?)", (key, count + 1, now)
                )

    def _release_attempt(self, keys: tuple[str, str], *, owner_proved: bool) -> None:
        """The codes were right: the attempt was no failure. The name's count ends when its
        owner proved it (their personal code); the client's count only loses this attempt."""
        client_key, name_key = keys
        with self._transaction():
            self._db.execute(
                "UPDATE failures SET count = MAX(0, count - 1) WHERE client = ?", (client_key,)
            )
            if owner_proved:
                self._db.execute("DELETE FROM failures WHERE client = ?", (name_key,))
            else:
                self._db.execute(
                    "UPDATE failures SET count = MAX(0, count - 1) WHERE client = ?", (name_key,)
                )


_shared: dict[Path, AuthStore] = {}
_shared_lock = threading.Lock()


def shared_auth_store(data_dir: Path) -> AuthStore:
    """The process's one AuthStore of a data folder (pages and tile routes share it)."""
    with _shared_lock:
        key = data_dir.resolve()
        if key not in _shared:
            _shared[key] = AuthStore(data_dir)
        return _shared[key]
