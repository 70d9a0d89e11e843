"""What a careless or hostile client can send, as Hypothesis strategies, and how to send it.

Values are bytes, sent percent-encoded exactly as given, so a test can deliver what a browser
never would: NUL characters, lone surrogates and other invalid UTF-8, digits Python reads
differently from PostgreSQL, huge numbers and impossible dates.
"""

from __future__ import annotations

from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

NAMED_VALUES = [
    "\x00",
    "a\x00b",
    "%00",
    "\ud800",
    "x\udfffy",
    "' OR '1'='1",
    "'; DROP TABLE payment_requests_client; --",
    "../../../../etc/passwd",
    "..\\..\\boot.ini",
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}{% debug %}",
    "%s%n%(x)s",
    "\u202egnp.exe",
    "😀" * 20,
    "ǅ²①١٢３",
    "\ufeff\u200b ",
    "",
    " ",
    "a" * 5_000,
    "9" * 5_000,
    "-1",
    "0",
    "-0",
    "1e309",
    "-1e-309",
    "NaN",
    "inf",
    "0x10",
    "1_000",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999",
    "12.345",
    "1,5",
    "1.000.000,00",
    "9999-99-99",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "2024-02-30",
    "+10000-01-01",
    "2024-W01-1",
    "20240101",
    "null",
    "[]",
    "javascript:alert(1)",
    "//evil.example/",
    "https://evil.example/",
    "\r\nSet-Cookie: x=1",
    "a\x00@example.com",
]

text = st.text(max_size=40)  # any code point but surrogates, NUL included
surrogates = st.text(st.characters(codec=None, exclude_categories=()), min_size=1, max_size=8)
numbers = st.one_of(
    st.integers().map(str),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats().map(repr),
    st.decimals(allow_nan=True).map(str),
)
dates = st.one_of(st.dates().map(lambda day: day.isoformat()), st.datetimes().map(str))

hostile_text = st.one_of(st.sampled_from(NAMED_VALUES), text, surrogates, numbers, dates)
hostile_values = st.one_of(
    hostile_text.map(lambda value: value.encode("utf-8", "surrogatepass")),
    st.binary(max_size=30),
)
path_text = st.text(
    st.characters(exclude_characters="/", exclude_categories=("Cs",)), min_size=1, max_size=60
)
digits = st.one_of(
    st.integers(min_value=0, max_value=10**30).map(str),
    st.sampled_from(["0", "2147483647", "2147483648", "9" * 30]),
)

FILE_CONTENTS = [
    b"",
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
    b"MZ\x90\x00\x03\x00\x00\x00",
    b"<html><script>alert(1)</script></html>",
    b"name,amount\n=cmd|' /C calc'!A0,1\n",
]
FILE_NAMES = [
    "invoice.pdf",
    "",
    ".pdf",
    "a" * 300 + ".pdf",
    "report.pdf.exe",
    "../../../etc/passwd",
    "C:\\Windows\\evil.pdf",
    'quote"d.pdf',
    "nul\x00.pdf",
    "emoji😀.png",
]
CONTENT_TYPES = ["application/pdf", "image/png", "text/plain", "application/x-msdownload", ""]

uploads = st.tuples(
    st.one_of(st.sampled_from(FILE_NAMES), text),
    st.one_of(st.sampled_from(FILE_CONTENTS), st.binary(max_size=200)),
    st.sampled_from(CONTENT_TYPES),
)


def urlencoded(pairs: list[tuple[bytes, bytes]]) -> str:
    """``pairs`` as a query string or form body, every byte kept as sent."""
    return "&".join(f"{quote_from_bytes(name)}={quote_from_bytes(value)}" for name, value in pairs)


def multipart(pairs, files, boundary: str = "HostileBoundary7MA4YWxkTrZu0gW") -> tuple[bytes, str]:
    """A multipart/form-data body (and its content type) with raw bytes in values and names."""
    edge = f"--{boundary}".encode()
    lines = []
    for name, value in pairs:
        lines += [edge, b'Content-Disposition: form-data; name="%s"' % name, b"", value]
    for field, (file_name, content, content_type) in files:
        disposition = b'Content-Disposition: form-data; name="%s"; filename="%s"' % (
            field,
            file_name.encode("utf-8", "surrogatepass").replace(b'"', b"%22"),
        )
        lines += [edge, disposition, b"Content-Type: " + content_type.encode(), b"", content]
    lines += [edge + b"--", b""]
    return b"\r\n".join(lines), f"multipart/form-data; boundary={boundary}"


def is_storable_text(raw: bytes) -> bool:
    """What the server decodes ``raw`` into can be stored: no NUL (invalid UTF-8 is replaced)."""
    return b"\x00" not in raw


def is_clean_query(raw_values: list[bytes]) -> bool:
    """A query string of these bytes is valid UTF-8 with no NUL."""
    try:
        for raw in raw_values:
            raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(map(is_storable_text, raw_values))
