"""Who may do what: people with personal codes, role access codes, expiring sessions.

A name alone does not act as a person. The first time a name signs in, the app gives that
person a **personal code** (shown once); from then on the name needs it. Names are unique
after normalisation (case, spaces, underscores and hyphens), so "Asha Rai" and "asha_rai"
are one person. Reviewers and coordinators also give their role's **access code**
(``SHARPFIELDS_REVIEWER_CODE``, ``SHARPFIELDS_COORDINATOR_CODE``; generated and printed to
the server console when unset).

A successful sign-in opens a **session**: a random token (kept in the page address so a
reload keeps it) that expires (``SHARPFIELDS_SESSION_HOURS``, default 12) and is revoked by
Sign out. Map tiles carry a key derived from the session, so they stop with it.

Wrong codes are counted per client (IP address): after three in a row each further try must
wait twice as long as the one before (2 s, 4 s … up to 15 min), and every failure is logged.

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
from collections.abc import Callable
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
    if not name:
        raise SignInError("Type your name: it is saved with every field you draw.")
    if len(name) > MAX_NAME:
        raise SignInError(f"Names are limited to {MAX_NAME} characters.")
    if not any(ch.isalnum() for ch in name):
        raise SignInError("A name needs at least one letter or digit.")
    return name


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
        for role in _ROLE_CODE_ENV:
            self._setting(f"code:{role.value}", lambda: secrets.token_urlsafe(9))

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

    def role_code(self, role: Role) -> str | None:
        """The access code a role needs (None for volunteers)."""
        if role not in _ROLE_CODE_ENV:
            return None
        return os.environ.get(_ROLE_CODE_ENV[role]) or self._setting(
            f"code:{role.value}", lambda: secrets.token_urlsafe(9)
        )

    def console_notice(self) -> str:
        """Lines printed at start-up so the person running the server knows the codes."""
        lines = []
        for role, env in _ROLE_CODE_ENV.items():
            source = "from " + env if os.environ.get(env) else f"set {env} to choose your own"
            lines.append(f"  {role.value} access code: {self.role_code(role)}  ({source})")
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
        self._check_not_throttled(client)
        key = normalise_name(display)
        expected_role_code = self.role_code(role)
        if expected_role_code is not None and not hmac.compare_digest(
            role_code.strip(), expected_role_code
        ):
            self._failed(client, f"wrong {role.value} access code for {display!r}")
            raise SignInError(
                f"That is not the {role.value} access code. Ask your coordinator for it."
            )
        with self._lock:
            row = self._db.execute(
                "SELECT name, code_hash FROM people WHERE key = ?", (key,)
            ).fetchone()
        new_code = None
        if row is None:
            new_code = self._new_person(key, display)
            person = display
        else:
            person, code_hash = str(row[0]), str(row[1])
            if not personal_code.strip():  # not a guess: nothing to count
                raise SignInError(
                    f"The name “{person}” is already taken. If it is yours, type your "
                    "personal code; otherwise add something to your name (your village, say)."
                )
            if not _code_matches(_normalise_code(personal_code), code_hash):
                self._failed(client, f"wrong personal code for {person!r}")
                raise SignInError(
                    f"That is not the personal code of “{person}”. Check it, or ask your "
                    "coordinator to give you a new one."
                )
        self._succeeded(client)
        session, token = self.open_session(Identity(person, role))
        log.info("sign-in: %r as %s from %s", person, role.value, client)
        return SignedIn(session, token, new_code)

    def _new_person(self, key: str, name: str) -> str:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
        try:
            with self._lock, self._db:
                self._db.execute(
                    "INSERT INTO people VALUES (?, ?, ?, ?)",
                    (key, name, _hash_code(code, secrets.token_bytes(16)), self._clock()),
                )
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
    def retry_after(self, client: str) -> float:
        """Seconds this client must wait before its next sign-in attempt (0: none)."""
        with self._lock:
            row = self._db.execute(
                "SELECT count, last FROM failures WHERE client = ?", (client,)
            ).fetchone()
        if row is None or row[0] < FREE_FAILURES:
            return 0.0
        delay = min(2.0 ** (row[0] - FREE_FAILURES + 1), MAX_DELAY_S)
        return max(0.0, float(row[1]) + delay - self._clock())

    def _check_not_throttled(self, client: str) -> None:
        wait = self.retry_after(client)
        if wait > 0:
            log.warning("sign-in refused: %s is throttled for %.0f s more", client, wait)
            raise SignInError(
                f"Too many wrong codes from this device. Wait {wait:.0f} seconds, then try again."
            )

    def _failed(self, client: str, what: str) -> None:
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO failures VALUES (?, 1, ?) ON CONFLICT(client) DO UPDATE "
                "SET count = count + 1, last = excluded.last",
                (client, self._clock()),
            )
            count = self._db.execute(
                "SELECT count FROM failures WHERE client = ?", (client,)
            ).fetchone()[0]
        log.warning("sign-in failure %d in a row from %s: %s", count, client, what)

    def _succeeded(self, client: str) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM failures WHERE client = ?", (client,))


_shared: dict[Path, AuthStore] = {}
_shared_lock = threading.Lock()


def shared_auth_store(data_dir: Path) -> AuthStore:
    """The process's one AuthStore of a data folder (pages and tile routes share it)."""
    with _shared_lock:
        key = data_dir.resolve()
        if key not in _shared:
            _shared[key] = AuthStore(data_dir)
        return _shared[key]
