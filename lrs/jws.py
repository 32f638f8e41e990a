"""Signed statements (xAPI Data 2.6): checking the JWS in a signature attachment.

The LRS checks that the signature is a JWS in compact serialization with an
RS256, RS384 or RS512 header, that its payload is a JSON statement matching
the statement it is attached to, and, when the header carries an X.509
certificate chain (``x5c``), that the signature verifies with the first
certificate's RSA key. RSA verification is public-key arithmetic only
(PKCS #1 v1.5, RFC 8017 8.2.2), done here in Python since the project has no
cryptography package; nothing secret is handled.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json

from lrs import statements as S

ALGORITHMS = {"RS256": hashlib.sha256, "RS384": hashlib.sha384, "RS512": hashlib.sha512}
# DER DigestInfo prefixes (RFC 8017 9.2, note 1).
_DIGEST_INFO = {
    "RS256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "RS384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "RS512": bytes.fromhex("3051300d060960864801650304020305000440"),
}
_RSA_OID = bytes.fromhex("2a864886f70d010101")


class SignatureError(ValueError):
    pass


def _b64url(segment: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise SignatureError("a JWS segment is not base64url") from None


# --- a minimal DER reader, enough for an X.509 SubjectPublicKeyInfo -------------------------


def _der(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at ``pos``."""
    if pos + 2 > len(data):
        raise SignatureError("truncated certificate")
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        if n == 0 or n > 4 or pos + n > len(data):
            raise SignatureError("bad certificate length")
        length = int.from_bytes(data[pos : pos + n], "big")
        pos += n
    if pos + length > len(data):
        raise SignatureError("truncated certificate")
    return tag, pos, pos + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    pos = start
    while pos < end:
        tag, s, e = _der(data, pos)
        out.append((tag, s, e))
        pos = e
    return out


def rsa_key_from_certificate(der: bytes) -> tuple[int, int]:
    """The (modulus, exponent) of an X.509 certificate's RSA public key."""
    tag, s, e = _der(der, 0)
    if tag != 0x30:
        raise SignatureError("the x5c certificate is not DER")
    tbs_tag, ts, te = _children(der, s, e)[0]
    fields = _children(der, ts, te)
    if fields and fields[0][0] == 0xA0:  # explicit version
        fields = fields[1:]
    # serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
    if len(fields) < 6:
        raise SignatureError("the x5c certificate has no public key")
    _, ks, ke = fields[5]
    alg, bitstring = _children(der, ks, ke)[:2]
    oid = _children(der, alg[1], alg[2])[0]
    if der[oid[1] : oid[2]] != _RSA_OID:
        raise SignatureError("the x5c certificate's key is not RSA")
    if bitstring[0] != 0x03:
        raise SignatureError("bad public key in certificate")
    key = der[bitstring[1] + 1 : bitstring[2]]  # skip the unused-bits byte
    _, ss, se = _der(key, 0)
    n_el, e_el = _children(key, ss, se)[:2]
    return int.from_bytes(key[n_el[1] : n_el[2]], "big"), int.from_bytes(key[e_el[1] : e_el[2]], "big")


def rsa_verify(alg: str, modulus: int, exponent: int, message: bytes, signature: bytes) -> bool:
    k = (modulus.bit_length() + 7) // 8
    if len(signature) != k:
        return False
    s = int.from_bytes(signature, "big")
    if s >= modulus:
        return False
    em = pow(s, exponent, modulus).to_bytes(k, "big")
    digest = ALGORITHMS[alg](message).digest()
    t = _DIGEST_INFO[alg] + digest
    if k < len(t) + 11:
        return False
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return em == expected


def verify(jws: bytes, statement: dict) -> None:
    """Raise SignatureError unless ``jws`` is a valid signature of ``statement``."""
    try:
        text = jws.decode("ascii").strip()
    except UnicodeDecodeError:
        raise SignatureError("the signature is not a JWS (compact serialization)") from None
    pieces = text.split(".")
    if len(pieces) != 3:
        raise SignatureError("the signature is not a JWS (compact serialization)")
    try:
        header = json.loads(_b64url(pieces[0]))
    except ValueError:
        raise SignatureError("the JWS header is not JSON") from None
    if type(header) is not dict:
        raise SignatureError("the JWS header is not a JSON object")
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise SignatureError(f"the JWS algorithm must be RS256, RS384 or RS512 (got {alg!r})")
    try:
        payload = json.loads(_b64url(pieces[1]))
    except ValueError:
        raise SignatureError("the JWS payload is not a JSON serialization of the statement") from None
    if type(payload) is not dict:
        raise SignatureError("the JWS payload is not a statement")
    original = {k: x for k, x in statement.items() if k != "attachments"}
    if not S.same(payload, original):
        raise SignatureError("the JWS payload does not match the statement")
    signature = _b64url(pieces[2])
    chain = header.get("x5c")
    if chain is not None:
        if type(chain) is not list or not chain or type(chain[0]) is not str:
            raise SignatureError("the JWS x5c header must be an array of base64 certificates")
        try:
            der = base64.b64decode(chain[0], validate=True)
        except (binascii.Error, ValueError):
            raise SignatureError("the x5c certificate is not base64") from None
        modulus, exponent = rsa_key_from_certificate(der)
        signed = (pieces[0] + "." + pieces[1]).encode("ascii")
        if not rsa_verify(alg, modulus, exponent, signed, signature):
            raise SignatureError("the JWS signature does not verify with the x5c certificate")
