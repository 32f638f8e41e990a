"""Attachments (multipart/mixed with SHA-2 checks) and signed statements (JWS)."""

from __future__ import annotations

import base64
import hashlib
import json

from lrs import jws
from lrs import validation as v
from lrs.tests.base import LrsTestCase, new_id, statement

# A self-signed test certificate and its RSA private exponent (test use only),
# so the tests can sign statements the way a client with an x5c chain would.
CERT_B64 = (
    "MIIDHzCCAgegAwIBAgIUPfjSp3GA+GOuLOH4vkq6X/cPL2cwDQYJKoZIhvcNAQELBQAwHjEcMBoGA1UEAwwTaG9jdnVzbyB0ZXN0"
    "IHNpZ25lcjAgFw0yNjExMjMxNzE1NDJaGA8yMTI2MTAzMDE3MTU0MlowHjEcMBoGA1UEAwwTaG9jdnVzbyB0ZXN0IHNpZ25lcjCC"
    "ASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBANtDtq5rcVgQYyfU1xR/i4/ixQuROpUPUwJdIFc0yDQ82/bE8DVZ3lJ2670l"
    "ET11GgbQb0+oWOEcpc57Ud60n5d74BZE1Heb/O84q0MJxaBZjOmZZ4MdBVlG/H+MY7ZytQenbOuhU7UMzJn4QJd9gQDfxbUzd6IK"
    "7lJjZD7ckh+8mOhB+g+IvlpY32jAdO6d/VkmlZLDE1rwxz34mCfVbgS2ADF1URf9paxmt98lvkg3rjPBeup8ru9aRFBjxcp2kfzT"
    "5mghR9szm+APZn/58dzdLLvFSIud/mXpqVpph+LkrtzHHMM2vFQFPgA/bStdyPRI4MGdRcdfRBhklkW4rcECAwEAAaNTMFEwHQYD"
    "VR0OBBYEFOirUyroXgmRlfwnm1fmLGk+QwiIMB8GA1UdIwQYMBaAFOirUyroXgmRlfwnm1fmLGk+QwiIMA8GA1UdEwEB/wQFMAMB"
    "Af8wDQYJKoZIhvcNAQELBQADggEBAKpkFu91ztAGVj0X1jtZ7PG0nJzyyTi8Bn3W6uZQM1rWvd4kfr2qEyx0lmYfityzFZi8vXQ3"
    "QSpZAz8nj0C3WNtpjwIJMvp37fH8mTRqGyE97nslnzTVD5w8Q5nHbU/u7dKUBGvgpB7Rk1VYC1mPkzU3/qEImmh0crO16F3yNIZ1"
    "xZ/gbMXHVMYTtUjMn0ls05Kaf4UerhOk/Lcuw8HXWO8nRoNxLMubuBNIsaaj40ZXwcWC4X00C4h4kZHMMuub/Q7rZ4Oq1Mf1+5cP"
    "3FKEFd/JdwNAodBizEdigR7c9vSUHCLdkrXVF8aHBzNsnDBIjZTR27x7W3CPAPqvyVnFQAM="
)
PRIVATE_EXPONENT = int(
    "172430e77cb87edfba8f5823dbbfd060d46c112f4d3c5bdc84c9d90c207fd174eb8eed09cb1fb130093ebd2793326625b93a"
    "b8c772a59ac6001692fbb8e25db0f5112eadd4b22103a8d32acecda7b97cea108cdbc36c9b3013d164bc27994dc6f472ae5e"
    "0f6dfb14499325d92f593ecb1da84b5a636720a48c367d91dd8c0b3995933a4b98dffd43bf9adfd95162ff40a853c5323453"
    "fe597f4735aa237e4fecc3104fd00788ba2963da2c4461a9aeed08d883d856ea53c21b233590da6d23babd21f5b75c67e8d7"
    "01fb6de782936137ea5ca6293160fd30b12f7cf13bff21f3e8b787c014bbdb73561b876d5b519152fd1e1f99fbe8e739d121"
    "3f5f3c521c17",
    16,
)
TEXT = b"here is a simple attachment"
SHA = hashlib.sha256(TEXT).hexdigest()
BOUNDARY = "-------314159265358979323846"


def attachment_meta(content: bytes = TEXT, **extra) -> dict:
    return {
        "usageType": "http://example.com/attachment-usage/test",
        "display": {"en-US": "A test attachment"},
        "contentType": "text/plain; charset=ascii",
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
        **extra,
    }


def multipart(first: bytes, *parts: tuple[dict, bytes], boundary: str = BOUNDARY) -> bytes:
    out = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), first, b"\r\n"]
    for headers, body in parts:
        out.append(f"--{boundary}\r\n".encode())
        out += [f"{k}: {val}\r\n".encode() for k, val in headers.items()]
        out += [b"\r\n", body, b"\r\n"]
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out)


def part(content: bytes = TEXT, **headers) -> tuple[dict, bytes]:
    h = {
        "Content-Type": "text/plain",
        "Content-Transfer-Encoding": "binary",
        "X-Experience-API-Hash": hashlib.sha256(content).hexdigest(),
    }
    h.update({k.replace("_", "-"): val for k, val in headers.items()})
    return {k: val for k, val in h.items() if val is not None}, content


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(payload: dict, alg: str = "RS256", *, x5c: bool = True) -> bytes:
    header = {"alg": alg}
    if x5c:
        header["x5c"] = ["".join(CERT_B64)]
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
    modulus, _ = jws.rsa_key_from_certificate(base64.b64decode("".join(CERT_B64)))
    k = (modulus.bit_length() + 7) // 8
    digest_info = jws._DIGEST_INFO.get(alg, jws._DIGEST_INFO["RS256"])
    digest = jws.ALGORITHMS.get(alg, hashlib.sha256)(signing_input.encode()).digest()
    t = digest_info + digest
    em = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    sig = pow(int.from_bytes(em, "big"), PRIVATE_EXPONENT, modulus).to_bytes(k, "big")
    return (signing_input + "." + b64url(sig)).encode()


def signed_body(st: dict, token: bytes) -> bytes:
    st = dict(st)
    st["attachments"] = [
        {
            "usageType": v.SIGNATURE_USAGE,
            "display": {"en-US": "Signed by the test"},
            "contentType": "application/octet-stream",
            "length": len(token),
            "sha2": hashlib.sha256(token).hexdigest(),
        }
    ]
    return multipart(json.dumps(st).encode(), part(token, Content_Type="application/octet-stream"))


class AttachmentsTest(LrsTestCase):
    def post_multipart(self, body: bytes, boundary: str = BOUNDARY):
        return self.post_statements(body, content_type=f"multipart/mixed; boundary={boundary}")

    def test_it_stores_raw_attachments_and_serves_them_as_multipart(self):
        st = statement(id=new_id(), attachments=[attachment_meta()])
        resp = self.post_multipart(multipart(json.dumps(st).encode(), part()))
        self.assertEqual(resp.status_code, 200, resp.content)
        got = self.get_statements({"statementId": st["id"], "attachments": "true"})
        ctype, _, boundary = got["Content-Type"].partition("; boundary=")
        self.assertEqual(ctype, "multipart/mixed")
        pieces = got.content.split(b"--" + boundary.encode())
        self.assertIn(b"application/json", pieces[1])
        self.assertIn(f"X-Experience-API-Hash: {SHA}".encode(), pieces[2])
        self.assertIn(TEXT, pieces[2])
        plain = self.get_statements({"statementId": st["id"]})
        self.assertEqual(plain["Content-Type"], "application/json")

    def test_statement_lists_carry_the_attachments_of_their_statements(self):
        st = statement(attachments=[attachment_meta()])
        self.post_multipart(multipart(json.dumps([st]).encode(), part()))
        got = self.get_statements({"attachments": "true"})
        self.assertTrue(got["Content-Type"].startswith("multipart/mixed"))
        self.assertIn(TEXT, got.content)

    def test_it_accepts_file_urls_without_a_multipart_body(self):
        st = statement(attachments=[attachment_meta(fileUrl="http://example.com/file.txt")])
        self.store(st)

    def test_it_accepts_a_multipart_body_without_attachments(self):
        resp = self.post_multipart(multipart(json.dumps(statement()).encode()))
        self.assertEqual(resp.status_code, 200, resp.content)

    def test_it_rejects_raw_attachments_sent_as_plain_json(self):
        msg = self.error(self.post_statements(statement(attachments=[attachment_meta()])))
        self.assertIn("statement[0].attachments[0]", msg)

    def test_it_rejects_parts_whose_content_does_not_match_the_hash(self):
        st = statement(attachments=[attachment_meta()])
        bad = part(b"something else entirely", X_Experience_API_Hash=SHA)
        self.assertIn("does not match", self.error(self.post_multipart(multipart(json.dumps(st).encode(), bad))))

    def test_it_rejects_parts_without_hash_or_binary_encoding(self):
        st = json.dumps(statement(attachments=[attachment_meta()])).encode()
        for p in (
            part(X_Experience_API_Hash=None),
            part(Content_Transfer_Encoding=None),
            part(Content_Transfer_Encoding="base64"),
        ):
            with self.subTest(headers=p[0]):
                self.error(self.post_multipart(multipart(st, p)))

    def test_it_accepts_a_part_without_transfer_encoding_under_2_0(self):
        st = json.dumps(statement(attachments=[attachment_meta()])).encode()
        resp = self.post_statements(
            multipart(st, part(Content_Transfer_Encoding=None)),
            version="2.0.0",
            content_type=f"multipart/mixed; boundary={BOUNDARY}",
        )
        self.assertEqual(resp.status_code, 200, resp.content)

    def test_it_rejects_excess_parts_and_a_missing_boundary(self):
        st = json.dumps(statement(attachments=[attachment_meta()])).encode()
        self.error(self.post_multipart(multipart(st, part(), part(b"extra part"))))
        self.error(self.post_statements(multipart(st, part()), content_type="multipart/mixed"))
        self.error(self.post_multipart(multipart(st, part(), boundary="other"), boundary=BOUNDARY))

    def test_it_rejects_a_first_part_that_is_not_json(self):
        body = multipart(b"x", part()).replace(b"application/json", b"text/plain", 1)
        self.error(self.post_multipart(body))

    def test_it_rejects_multipart_form_data(self):
        st = statement(attachments=[attachment_meta(fileUrl="http://example.com/f.txt")])
        self.error(self.post_statements(json.dumps(st), content_type="multipart/form-data; boundary=x"))


class SignedStatementsTest(LrsTestCase):
    def post_signed(self, body: bytes):
        return self.post_statements(body, content_type=f"multipart/mixed; boundary={BOUNDARY}")

    def test_it_accepts_statements_signed_with_rs256_rs384_and_rs512(self):
        for alg in ("RS256", "RS384", "RS512"):
            with self.subTest(alg=alg):
                st = statement(id=new_id())
                resp = self.post_signed(signed_body(st, sign(st, alg)))
                self.assertEqual(resp.status_code, 200, resp.content)

    def test_it_accepts_a_signature_without_certificate_on_structure_alone(self):
        st = statement(id=new_id())
        self.assertEqual(self.post_signed(signed_body(st, sign(st, x5c=False))).status_code, 200)

    def test_it_rejects_other_algorithms(self):
        st = statement(id=new_id())
        token = sign(st).split(b".")
        token[0] = b64url(json.dumps({"alg": "HS256"}).encode()).encode()
        self.assertIn("RS256", self.error(self.post_signed(signed_body(st, b".".join(token)))))

    def test_it_rejects_a_payload_that_differs_from_the_statement(self):
        st = statement(id=new_id())
        other = statement(id=st["id"], verb={"id": "http://example.org/other"})
        self.assertIn("does not match", self.error(self.post_signed(signed_body(st, sign(other)))))

    def test_it_rejects_a_signature_that_does_not_verify_with_the_certificate(self):
        st = statement(id=new_id())
        head, payload, sig = sign(st).split(b".")
        forged = b".".join([head, payload, b64url(bytes(len(base64.urlsafe_b64decode(sig + b"==")))).encode()])
        self.assertIn("does not verify", self.error(self.post_signed(signed_body(st, forged))))

    def test_it_rejects_malformed_jws_and_wrong_content_types(self):
        st = statement(id=new_id())
        self.error(self.post_signed(signed_body(st, b"not a jws")))
        body = signed_body(st, sign(st)).replace(b'"application/octet-stream"', b'"text/plain"', 1)
        self.error(self.post_signed(body))

    def test_durations_are_compared_to_the_hundredth_of_a_second(self):
        st = statement(id=new_id(), result={"duration": "P1DT12H36M0.12S"})
        body = signed_body(st, sign(st)).replace(b"0.12S", b"0.1237S", 1)
        self.assertEqual(self.post_signed(body).status_code, 200)
