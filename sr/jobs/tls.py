"""Mutual TLS for the job cluster: only holders of the cluster's certificate can connect.

A Dask scheduler runs any Python a connected client sends it, so the cluster must admit
nobody but the app and its workers. Dask's TLS (:class:`distributed.Security`) requires a
certificate signed by the cluster's own CA on *both* ends of every connection, so a client
without one cannot even open a connection.

* The embedded cluster uses :meth:`Security.temporary` (a key made in memory at start).
* An external cluster uses a folder made once by ``python -m sr.jobs.cluster certs DIR``:
  ``ca.pem`` (the cluster's CA), ``member.pem`` and ``member-key.pem`` (the certificate and
  key every scheduler, worker and app server presents). The CA's key is not kept: to add a
  machine copy the folder; to revoke, make a new folder and restart the cluster.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

from distributed import Security

CA_FILE = "ca.pem"
CERT_FILE = "member.pem"
KEY_FILE = "member-key.pem"
CERTS_ENV = "SHARPFIELDS_CLUSTER_CERTS"
VALID_DAYS = 3 * 365


class ClusterSecurityError(OSError):
    """The cluster's certificates are missing or the address is not a TLS one."""


@dataclass(frozen=True)
class CertificateFiles:
    """The three files of a certificate folder."""

    ca: Path
    cert: Path
    key: Path

    @classmethod
    def in_folder(cls, folder: Path) -> CertificateFiles:
        return cls(folder / CA_FILE, folder / CERT_FILE, folder / KEY_FILE)

    def security(self) -> Security:
        """A Security that presents the member certificate and trusts only the CA."""
        for path in (self.ca, self.cert, self.key):
            if not path.is_file():
                raise ClusterSecurityError(
                    f"The cluster certificate {path} is missing; make the folder with "
                    "`python -m sr.jobs.cluster certs DIR` and copy it to every machine."
                )
        return Security(
            require_encryption=True,
            tls_ca_file=str(self.ca),
            tls_client_cert=str(self.cert),
            tls_client_key=str(self.key),
            tls_scheduler_cert=str(self.cert),
            tls_scheduler_key=str(self.key),
            tls_worker_cert=str(self.cert),
            tls_worker_key=str(self.key),
        )


def make_certificates(folder: Path) -> CertificateFiles:
    """Write a new CA and one member certificate signed by it into ``folder`` (mode 700,
    the key 600). The CA's private key is thrown away."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    now = datetime.datetime.now(tz=datetime.UTC)
    until = now + datetime.timedelta(days=VALID_DAYS)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sharpfields cluster CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    member_key = ec.generate_private_key(ec.SECP256R1())
    member_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sharpfields member")]))
        .issuer_name(ca_name)
        .public_key(member_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [x509.oid.ExtendedKeyUsageOID.SERVER_AUTH, x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = CertificateFiles.in_folder(folder)
    _write(files.ca, ca_cert.public_bytes(serialization.Encoding.PEM), 0o644)
    _write(files.cert, member_cert.public_bytes(serialization.Encoding.PEM), 0o644)
    key_pem = member_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write(files.key, key_pem, 0o600)
    return files


def _write(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    path.chmod(mode)


def configured_security(address: str) -> Security:
    """The Security for an external cluster at ``address``: a ``tls://`` address and the
    certificate folder in $SHARPFIELDS_CLUSTER_CERTS; anything else is refused."""
    if not address.startswith("tls://"):
        raise ClusterSecurityError(
            f"SHARPFIELDS_SCHEDULER is {address!r}: only tls:// cluster addresses are used "
            "(a plain tcp:// scheduler runs code for anyone who reaches it; see SECURITY.md)."
        )
    folder = os.environ.get(CERTS_ENV, "")
    if not folder:
        raise ClusterSecurityError(
            f"Set {CERTS_ENV} to the folder made by `python -m sr.jobs.cluster certs DIR`."
        )
    return CertificateFiles.in_folder(Path(folder)).security()


def security_as_text(security: Security) -> dict[str, str]:
    """The in-memory PEMs of a temporary Security (CA, certificate, key), to hand to the
    process that connects to the embedded cluster over a private pipe."""
    return {
        "ca": str(getattr(security, "tls_ca_file", "")),
        "cert": str(getattr(security, "tls_client_cert", "")),
        "key": str(getattr(security, "tls_client_key", "")),
    }


def security_from_text(pems: dict[str, str]) -> Security:
    """The client side of :func:`security_as_text`."""
    return Security(
        require_encryption=True,
        tls_ca_file=pems["ca"],
        tls_client_cert=pems["cert"],
        tls_client_key=pems["key"],
    )
