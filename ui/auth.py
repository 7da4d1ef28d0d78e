"""A simple sign-in: a name and a role; reviewers and coordinators also give an access code.

Access codes come from the environment (``SHARPFIELDS_REVIEWER_CODE``,
``SHARPFIELDS_COORDINATOR_CODE``); when unset, a random code is made once, kept in the
data folder (``access-codes.json``, readable by the server's user only) and printed to
the server's console. A signed token in the page URL keeps the sign-in across reloads,
so editing the URL cannot turn a volunteer into a reviewer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from labels.model import Role

_ENV = {
    Role.REVIEWER: "SHARPFIELDS_REVIEWER_CODE",
    Role.COORDINATOR: "SHARPFIELDS_COORDINATOR_CODE",
}
MAX_NAME = 80


class SignInError(ValueError):
    """The sign-in was refused; the message says why."""


@dataclass(frozen=True)
class Identity:
    name: str
    role: Role

    @property
    def can_review(self) -> bool:
        return self.role in (Role.REVIEWER, Role.COORDINATOR)


class AccessCodes:
    """The access codes and the token secret of one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "access-codes.json"
        stored = self._load()
        changed = False
        for role in _ENV:
            if role.value not in stored:
                stored[role.value] = secrets.token_urlsafe(6)
                changed = True
        if "secret" not in stored:
            stored["secret"] = secrets.token_hex(32)
            changed = True
        if changed:
            self._store(stored)
        self._stored = stored

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self.path.read_text()))
        except (OSError, ValueError, TypeError):
            return {}

    def _store(self, values: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".partial")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(values, handle)
        tmp.replace(self.path)

    def code(self, role: Role) -> str | None:
        """The code a role needs (None for volunteers)."""
        if role not in _ENV:
            return None
        return os.environ.get(_ENV[role]) or self._stored[role.value]

    def sign_in(self, name: str, role: Role, code: str = "") -> Identity:
        name = " ".join(name.split())
        if not name:
            raise SignInError("Type your name: it is saved with every field you draw.")
        if len(name) > MAX_NAME:
            raise SignInError(f"Names are limited to {MAX_NAME} characters.")
        expected = self.code(role)
        if expected is not None and not hmac.compare_digest(code.strip(), expected):
            raise SignInError(
                f"That is not the {role.value} access code. Ask your coordinator for it."
            )
        return Identity(name, role)

    def token(self, identity: Identity) -> str:
        """A signature of the identity, to keep it in the URL across reloads."""
        message = f"{identity.name}\x00{identity.role.value}".encode()
        return hmac.new(self._stored["secret"].encode(), message, hashlib.sha256).hexdigest()[:32]

    def from_token(self, name: str, role: str, token: str) -> Identity | None:
        """The identity a URL carries, if its token is genuine."""
        try:
            identity = Identity(name, Role(role))
        except ValueError:
            return None
        return identity if hmac.compare_digest(self.token(identity), token) else None

    def console_notice(self) -> str:
        """The lines printed at start-up so the person running the server knows the codes."""
        lines = []
        for role, env in _ENV.items():
            source = "from " + env if os.environ.get(env) else f"set {env} to choose your own"
            lines.append(f"  {role.value} access code: {self.code(role)}  ({source})")
        return "sharpfields sign-in codes:\n" + "\n".join(lines)
