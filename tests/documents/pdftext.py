"""Read back what fpdf2 wrote, without a PDF library: page count and the text of each page.

fpdf2 writes Unicode text as 2-byte glyph ids of an embedded font subset and
gives each font a ToUnicode CMap (``<glyph> <unicode>`` pairs); this helper
inflates the streams, maps glyphs back to characters per font, and returns the
text of each ``Tj``/``TJ`` as one line. It understands fpdf2's output only —
enough for tests to assert that "Déco", "€" and "Pagina 1 / 2" are really there.
When poppler's ``pdftotext`` is installed, :func:`pdftotext` gives a second opinion.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"^(.*?)stream\r?\n(.*)\r?\nendstream", re.S)


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    objects = {}
    for match in _OBJECT.finditer(pdf):
        body = match.group(2)
        stream = _STREAM.match(body)
        if stream:
            head, data = stream.group(1), stream.group(2)
            if b"/FlateDecode" in head:
                data = zlib.decompress(data)
            objects[int(match.group(1))] = (head, data)
        else:
            objects[int(match.group(1))] = (body, None)
    return objects


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def _cmap(data: bytes) -> dict[int, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = ord(bytes.fromhex(dst.decode()).decode("utf-16-be"))
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _literal(data: bytes, start: int) -> tuple[bytes, int]:
    """A PDF (literal string) beginning at data[start] == '(' -> (raw bytes, index after ')')."""
    out, depth, i = bytearray(), 1, start + 1
    escapes = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
    while depth:
        c = data[i]
        if c == 0x5C:  # backslash
            nxt = data[i + 1]
            if nxt in escapes:
                out += escapes[nxt]
                i += 2
            elif 0x30 <= nxt <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", data[i + 1:i + 4]).group(0)
                out.append(int(digits, 8))
                i += 1 + len(digits)
            else:
                out.append(nxt)
                i += 2
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if not depth:
                break
        out.append(c)
        i += 1
    return bytes(out), i + 1


_TOKEN = re.compile(rb"/(\w+)\s+[\d.]+\s+Tf|\(|<([0-9A-Fa-f]*)>|(Tj|TJ|ET)")


def pages_text(pdf: bytes) -> list[str]:
    """The text of each page, one line per text-showing operator."""
    objects = _objects(pdf)
    font_cmaps = {}
    for number, (head, _) in objects.items():
        to_unicode = re.search(rb"/ToUnicode\s+(\d+) 0 R", head)
        if b"/Type /Font" in head and to_unicode:
            font_cmaps[number] = _cmap(objects[int(to_unicode.group(1))][1])
    names = {}
    for head, _ in objects.values():
        for font_dict in re.findall(rb"/Font\s*<<(.*?)>>", head, re.S):
            for name, number in re.findall(rb"/(\w+)\s+(\d+) 0 R", font_dict):
                names[name.decode()] = font_cmaps.get(int(number), {})
    pages = []
    for head, _ in objects.values():
        if not re.search(rb"/Type\s*/Page\b(?!s)", head):
            continue
        contents = re.search(rb"/Contents\s+(\d+) 0 R", head)
        data = objects[int(contents.group(1))][1] if contents else b""
        lines, current, cmap, i = [], [], {}, 0
        while True:
            match = _TOKEN.search(data, i)
            if not match:
                break
            if match.group(1):
                cmap = names.get(match.group(1).decode(), {})
                i = match.end()
            elif match.group(0) == b"(":
                raw, i = _literal(data, match.start())
                current.append("".join(cmap.get(int.from_bytes(raw[k:k + 2], "big"), "?")
                                       for k in range(0, len(raw) - 1, 2)))
            elif match.group(2) is not None:
                raw = bytes.fromhex(match.group(2).decode())
                current.append("".join(cmap.get(int.from_bytes(raw[k:k + 2], "big"), "?")
                                       for k in range(0, len(raw) - 1, 2)))
                i = match.end()
            else:
                if current:
                    lines.append("".join(current))
                    current = []
                i = match.end()
        pages.append("\n".join(lines))
    return pages


def pdftotext(pdf_path) -> str | None:
    """poppler's text extraction, or None when pdftotext is not installed."""
    binary = shutil.which("pdftotext")
    if binary is None:
        return None
    return subprocess.run([binary, "-layout", str(pdf_path), "-"], check=True, capture_output=True,
                          timeout=30).stdout.decode("utf-8")
