"""The LRS reads and writes JSON text through orjson, exactly as the standard library would."""

import json

from django.test import SimpleTestCase

from lrs import statements as S


class JsonTextTest(SimpleTestCase):
    def test_it_keeps_an_integer_beyond_64_bits_exact(self):
        raw = b'{"extensions": {"http://x.vn/n": 123456789012345678901234567890}}'
        assert S.loads(raw)["extensions"]["http://x.vn/n"] == 123456789012345678901234567890
        assert S.dumps(S.loads(raw)) == '{"extensions":{"http://x.vn/n":123456789012345678901234567890}}'

    def test_it_reads_what_only_the_standard_library_reads_the_same_way(self):
        # UTF-16 with a byte order mark and a lone surrogate: orjson refuses both.
        text = '{"name": "Bài học"}'
        assert S.loads(text.encode("utf-16")) == json.loads(text)
        assert S.loads('{"a": "\\ud800"}') == {"a": "\ud800"}

    def test_it_fails_on_invalid_json_as_the_standard_library_does(self):
        with self.assertRaises(ValueError):
            S.loads(b'{"actor": ')

    def test_it_writes_compact_utf8_text(self):
        value = {"name": {"vi": "Bình dân học vụ số"}, "score": {"scaled": 0.85, "raw": 17}}
        assert S.dumps(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def test_it_keeps_a_long_integer_exact_in_text_and_below_the_64_bit_minimum(self):
        raw = '{"n": -92233720368547758090, "vi": "Điểm"}'
        assert S.loads(raw) == {"n": -92233720368547758090, "vi": "Điểm"}
        assert S.loads(raw.encode()) == {"n": -92233720368547758090, "vi": "Điểm"}

    def test_it_reads_numbers_shorter_than_nineteen_digits_and_long_digit_strings_alike(self):
        raw = b'{"n": 123456789012345678, "s": "12345678901234567890123", "f": 0.5}'
        assert S.loads(raw) == json.loads(raw)
