"""mkdocs.py - realistic liaison documents for the tests, standard library only.

Writes what 3GPP, ITU-T and BBF really send, and hostile variants:

    docx(path, blocks)            Office Open XML, blocks = ("p", text) | ("table", rows)
    ls_3gpp_docx(path, **fields)  3GPP LS template (header block as a table)
    itu_docx(path, **fields)      ITU-T liaison statement template
    pdf(path, lines, password=None)   text-layer PDF written by hand (RC4 40-bit when password)
    zipfile_of(path, members)     a zip of (name, bytes | path)
    zip_bomb(path)                one entry expanding to far more than the caps
    xxe_docx(path), laughs_docx(path)   DTD/entity attacks in word/document.xml
    ole_doc(path)                 an old binary Word (.doc) file header

    /usr/bin/python3 tests/lib/mkdocs.py OUTDIR     writes every fixture of test_doc.c
    /usr/bin/python3 tests/lib/mkdocs.py --check OUTDIR   checks they are what they claim
"""

import hashlib
import io
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import textwrap
import xml.parsers.expat
import zipfile
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/>'
    '</Types>')
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
    'metadata/core-properties" Target="docProps/core.xml"/>'
    '</Relationships>')
CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>%s</dc:title>'
    '<dc:creator>mkdocs</dc:creator></cp:coreProperties>')


# ------------------------------------------------------------------ .docx

def _runs(text):
    """TEXT as Word runs: tabs as <w:tab/>, newlines as <w:br/>, and long
    text split over several runs the way Word's spell checker splits it."""
    out = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("<w:r><w:br/></w:r>")
        for j, seg in enumerate(line.split("\t")):
            if j:
                out.append("<w:r><w:tab/></w:r>")
            if not seg:
                continue
            cut = len(seg) // 2 if len(seg) > 12 else len(seg)
            for part in (seg[:cut], seg[cut:]):
                if part:
                    out.append('<w:r><w:rPr><w:lang w:val="en-GB"/></w:rPr>'
                               '<w:t xml:space="preserve">%s</w:t></w:r>' % escape(part))
            out.append('<w:proofErr w:type="spellEnd"/>')
    return "".join(out)


def _para(text, tabs=False):
    ppr = ""
    if tabs:   # tab stops are w:tab elements too: they are not text
        ppr = ('<w:pPr><w:tabs><w:tab w:val="right" w:pos="9639"/></w:tabs></w:pPr>')
    return "<w:p>%s%s</w:p>" % (ppr, _runs(text))


def _cell(text):
    paras = text.split("\n\n") if text else [""]
    return ('<w:tc><w:tcPr><w:tcW w:w="2500" w:type="dxa"/></w:tcPr>%s</w:tc>'
            % "".join(_para(p) for p in paras))


def _table(rows):
    body = "".join("<w:tr>%s</w:tr>" % "".join(_cell(c) for c in row) for row in rows)
    return ('<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
            '<w:tblGrid><w:gridCol w:w="2500"/></w:tblGrid>%s</w:tbl>' % body)


def document_xml(blocks, prolog=""):
    parts = []
    for kind, val in blocks:
        if kind == "p":
            parts.append(_para(val, tabs="\t" in val))
        elif kind == "table":
            parts.append(_table(val))
        elif kind == "raw":
            parts.append(val)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n%s'
            '<w:document xmlns:w="%s" xmlns:mc="http://schemas.openxmlformats.org/'
            'markup-compatibility/2006"><w:body>%s<w:sectPr><w:pgSz w:w="11907" w:h="16840"/>'
            '</w:sectPr></w:body></w:document>' % (prolog, W, "".join(parts)))


def docx_raw(path, document, title="Liaison statement"):
    """A .docx whose word/document.xml is DOCUMENT (str or bytes) as given."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("docProps/core.xml", CORE % escape(title))
        z.writestr("word/document.xml", document)
    return path


def docx(path, blocks, title="Liaison statement"):
    return docx_raw(path, document_xml(blocks), title)


def ls_3gpp_blocks(tdoc="S3-243456", meeting="3GPP TSG SA WG3 Meeting #117",
                   place="Maastricht, NL, 19 - 23 August 2024",
                   title="LS on Security considerations for MPQUIC", response_to=None,
                   release="Rel-19", work_item="FS_ATSSS_Ph4", source="SA3",
                   to="IETF QUIC WG", cc="SA2, CT4", contact="Peter Schmitt",
                   email="peter.schmitt@example.com",
                   reply_to="3GPP Liaisons Coordinator, mailto:3GPPLiaison@etsi.org",
                   attachments="S3-243400", action_to=None, asker="SA3",
                   next_group="TSG SA WG3",
                   next_meetings=("SA3#118\t14 - 18 October 2024\tHyderabad, IN",
                                  "SA3#119\t18 - 22 November 2024\tOrlando, US"),
                   description=None):
    """The 3GPP LS template: first line with meeting and Tdoc, the header
    block as a two-column table, numbered sections, ACTION paragraph."""
    action_to = action_to or to
    rows = [["Title:", title]]
    if response_to:
        rows.append(["Response to:", response_to])
    rows += [["Release:", release], ["Work Item:", work_item], ["", ""],
             ["Source:", source], ["To:", to], ["Cc:", cc], ["", ""],
             ["Contact Person:", ""], ["\tName:", contact], ["\tTel. Number:", "+49 89 1234"],
             ["\tE-mail Address:", email], ["", ""],
             ["Send any reply LS to:", reply_to], ["Attachments:", attachments]]
    desc = description or (
        "%s has studied the use of multipath QUIC for access traffic steering, "
        "switching and splitting (ATSSS) and identified security considerations "
        "that need input from the IETF." % source)
    blocks = [("p", "%s\t%s" % (meeting, tdoc)), ("p", place), ("p", ""),
              ("table", rows), ("p", ""),
              ("p", "1. Overall Description:"), ("p", desc), ("p", ""),
              ("p", "2. Actions:"), ("p", "To %s." % action_to),
              ("p", "ACTION: %s kindly asks %s to provide feedback on the questions above."
               % (asker, action_to)), ("p", ""),
              ("p", "3. Date of Next %s Meetings:" % next_group)]
    blocks += [("p", m) for m in next_meetings]
    return blocks


def ls_3gpp_docx(path, **kw):
    return docx(path, ls_3gpp_blocks(**kw), kw.get("title", "LS"))


def itu_blocks(title="LS on the use of YANG for optical transport", sg="15",
               question="11/15", source="ITU-T SG15", action_to="IETF CCAMP WG",
               info_to="IETF MPLS WG, IEEE 802.1", deadline="1 September 2024",
               contact="Jean Dupont\n\nOrange\n\nFrance\n\nE-mail: jean.dupont@example.org",
               lsno="SG15-LS123"):
    """ITU-T's template: a four-column header (label, value, label, value),
    then LIAISON STATEMENT and a table of addressees by purpose."""
    return [
        ("p", "INTERNATIONAL TELECOMMUNICATION UNION\tTELECOMMUNICATION STANDARDIZATION SECTOR"),
        ("p", "STUDY PERIOD 2022-2024\t%s" % lsno),
        ("table", [["Question(s):", question, "Meeting, date:", "Geneva, 8-19 April 2024"],
                   ["Study Group:", sg, "Working Party:", "3"],
                   ["Source:", source, "", ""],
                   ["Title:", title, "", ""],
                   ["Purpose:", "Action", "", ""]]),
        ("table", [["Contact:", contact]]),
        ("p", "LIAISON STATEMENT"),
        ("table", [["For action to:", action_to], ["For comment to:", ""],
                   ["For information to:", info_to],
                   ["Approval:", "Agreed to at SG15 meeting (Geneva, 19 April 2024)"],
                   ["Deadline:", deadline]]),
        ("p", ""),
        ("p", "SG15 thanks the IETF for its work on YANG models and asks %s to review "
              "the attached draft Recommendation." % action_to),
    ]


def itu_docx(path, **kw):
    return docx(path, itu_blocks(**kw), kw.get("title", "LS"))


def itu_lines(**kw):
    """The same statement as the lines of its PDF rendition."""
    lines = []
    for kind, val in itu_blocks(**kw):
        if kind == "p":
            lines.append(val.replace("\t", "    "))
        else:
            for row in val:
                cells = [c.replace("\n\n", ", ") for c in row]
                pairs = [cells[i:i + 2] for i in range(0, len(cells), 2)]
                for lab, v in pairs:
                    if lab or v:
                        lines.append(("%s %s" % (lab, v)).strip())
    return lines


def xxe_docx(path):
    """word/document.xml that declares an external entity and uses it."""
    doc = document_xml([("p", "Title: LS with an external entity"), ("raw", "<w:p><w:r><w:t>&x;</w:t></w:r></w:p>")],
                       prolog='<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n')
    return docx_raw(path, doc)


def docx_bomb(path, mib=100):
    """A .docx whose word/document.xml expands to MIB MiB (one huge text run)."""
    head, tail = document_xml([("raw", "<w:p><w:r><w:t>@@</w:t></w:r></w:p>")]).split("@@")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        with z.open("word/document.xml", "w") as f:
            f.write(head.encode())
            chunk = b"lol " * (256 * 1024)
            for _ in range(mib):
                f.write(chunk)
            f.write(tail.encode())
    return path


def laughs_docx(path):
    """The billion laughs: nested internal entities."""
    ents = '<!ENTITY l0 "lol">' + "".join(
        '<!ENTITY l%d "%s">' % (i, ("&l%d;" % (i - 1)) * 10) for i in range(1, 10))
    doc = document_xml([("raw", "<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>")],
                       prolog="<!DOCTYPE w:document [%s]>\n" % ents)
    return docx_raw(path, doc)


# ------------------------------------------------------------------ .pdf

PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 255
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for b in data:
        i = (i + 1) & 255
        j = (j + s[i]) & 255
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) & 255])
    return bytes(out)


def _pdf_str(text):
    b = text.encode("cp1252", "replace")
    return b"(" + b.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf(path, lines, password=None, lines_per_page=48):
    """A PDF 1.4 with Helvetica text, one Tj per line, correct xref offsets.
    With PASSWORD: the standard security handler, revision 2 (RC4, 40 bits),
    the user password required to open it."""
    # A line is a string (wrapped at 90 characters, drawn at the margin) or a
    # list of (x, text) runs drawn on one baseline (tab stops, columns).
    lines = [w for ln in lines
             for w in ([ln] if isinstance(ln, list) else (textwrap.wrap(ln, 90) or [""]))]
    pages = [lines[i:i + lines_per_page] for i in range(0, max(len(lines), 1), lines_per_page)]
    n_pages = len(pages)
    # objects: 1 catalog, 2 pages, 3 font, then (page, contents) pairs, then encrypt
    objs = {}
    kids = []
    for k, pl in enumerate(pages):
        pno, cno = 4 + 2 * k, 5 + 2 * k
        kids.append(pno)
        ops = [b"BT /F1 11 Tf"]
        for i, ln in enumerate(pl):
            for x, run, *up in (ln if isinstance(ln, list) else [(56, ln)]):
                # ("x", "text", "up"): drawn bottom to top, as a margin note
                m = b"0 1 -1 0" if up else b"1 0 0 1"
                ops.append(b"%s %d %d Tm " % (m, x, 790 - 14 * i) + _pdf_str(run) + b" Tj")
        ops.append(b"ET")
        objs[cno] = ("stream", b"\n".join(ops))
        objs[pno] = ("dict", b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                     b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % cno)
    objs[1] = ("dict", b"<< /Type /Catalog /Pages 2 0 R >>")
    objs[2] = ("dict", b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
               + b"] /Count %d >>" % n_pages)
    objs[3] = ("dict", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>")
    file_id = hashlib.md5((repr(lines) + path).encode()).digest()
    key = None
    enc_no = None
    if password is not None:
        perms = -44
        owner = hashlib.md5((b"owner-" + password.encode() + PAD)[:32]).digest()[:5]
        o = _rc4(owner, (password.encode() + PAD)[:32])
        h = hashlib.md5((password.encode() + PAD)[:32] + o + struct.pack("<i", perms) + file_id)
        key = h.digest()[:5]
        u = _rc4(key, PAD)
        enc_no = 4 + 2 * n_pages
        objs[enc_no] = ("dict", b"<< /Filter /Standard /V 1 /R 2 /O <" + o.hex().encode()
                        + b"> /U <" + u.hex().encode() + b"> /P %d >>" % perms)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for no in sorted(objs):
        kind, data = objs[no]
        offsets[no] = out.tell()
        out.write(b"%d 0 obj\n" % no)
        if kind == "stream":
            if key is not None:
                okey = hashlib.md5(key + struct.pack("<I", no)[:3] + b"\0\0").digest()[:10]
                data = _rc4(okey, data)
            out.write(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
        else:
            out.write(data)
        out.write(b"\nendobj\n")
    size = max(objs) + 1
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for no in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[no])
    trailer = b"<< /Size %d /Root 1 0 R /ID [<%s> <%s>]" % (size, file_id.hex().encode(),
                                                           file_id.hex().encode())
    if enc_no:
        trailer += b" /Encrypt %d 0 R" % enc_no
    out.write(b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    with open(path, "wb") as f:
        f.write(out.getvalue())
    return path


def columns_lines():
    """A page of prose set in two columns side by side (a journal-style annex)."""
    words = ("the steering mode determines how traffic of a service data flow is "
             "distributed across the accesses and the proxy keeps one connection per path").split()
    left = textwrap.wrap(" ".join("Left%d" % i + " " + " ".join(words[i % 9:i % 9 + 6])
                                  for i in range(30)), 42)
    right = textwrap.wrap(" ".join("Right%d" % i + " " + " ".join(words[i % 7:i % 7 + 6])
                                   for i in range(30)), 42)
    n = min(len(left), len(right), 20)
    return ["Annex B: two columns"] + [[(56, left[i]), (310, right[i])] for i in range(n)]


def cover_sideways_lines():
    """A cover with its values at a tab stop (x 200) and a note drawn up the
    left margin beside the label block."""
    rows = [("Title:", "LS on MPQUIC"), ("Source:", "SA3"), ("To:", "IETF QUIC WG"),
            ("Cc:", "SA2"), ("Contact:", "Peter Schmitt"), ("", "peter.schmitt@example.com")]
    lines = [[(56, "3GPP TSG SA WG3 Meeting #124"), (460, "S3-240001")], ""]
    for i, (label, value) in enumerate(rows):
        runs = ([(56, label)] if label else []) + [(200, value)]
        if i == len(rows) - 1:
            runs.append((30, "Draft for discussion only", "up"))
        lines.append(runs)
    return lines + ["", "1. Overall Description:", "SA3 thanks the IETF QUIC WG."]


def cover_tab_pdf(path, pages=2):
    """The bench's LS cover (tests/bench/mkpdf.py) with its values at a tab
    stop, as the 3GPP Word template draws them, and PAGES - 1 pages of text."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
    import mkpdf
    mkpdf.COVER_TAB = 150.0
    with open(path, "wb") as f:
        f.write(mkpdf.build(pages))


def meetings_overleaf_lines():
    """A statement whose "Date of next meetings" heading ends page 1 (20
    lines) and whose list starts page 2, then annex pages 2 to 4."""
    lines = bbf_lines()[:8] + ["", "2. Actions:", "ACTION: BBF asks the IETF QUIC WG to comment."]
    lines += [""] * (19 - len(lines)) + ["3. Date of next meetings:"]
    lines += ["SA2#163, 2-6 Sept 2024", "", ""]
    for page in range(2, 5):
        lines += ["Annex page %d line %d" % (page, k) for k in range(20 - (3 if page == 2 else 0))]
    return lines


def bbf_lines(number=439, title="Broadband Forum work on QUIC-based access steering",
              meetings=True):
    """A BBF letter, LIAISE-NUMBER; MEETINGS: with its sentence on the next meetings."""
    return [
        "Broadband Forum",
        "LIAISE-%d" % number,
        "Broadband Forum Reference: LIAISE-%d" % number,
        "Title: %s" % title,
        "From: Broadband Forum",
        "To: IETF QUIC WG",
        "Contact: Jane Roe, Broadband Forum Liaison Manager, jane.roe@example.net",
        "Date: 5 September 2024",
        "",
        "Dear IETF QUIC WG chairs,",
        "The Broadband Forum has started work on steering traffic over fixed and",
        "mobile access using multipath QUIC, and would like to inform the IETF.",
    ] + (["Our next meetings are 21-24 October 2024 (Prague) and 3-6 February 2025."]
         if meetings else []) + [
        "",
        "Sincerely,",
        "Jane Roe",
    ]


# ------------------------------------------------------------------ .zip and others

def zipfile_of(path, members, compress=zipfile.ZIP_DEFLATED):
    """A zip of MEMBERS: (name, bytes) or (name, path of a file)."""
    with zipfile.ZipFile(path, "w", compress) as z:
        for name, data in members:
            if isinstance(data, (bytes, bytearray)):
                z.writestr(name, data)
            else:
                z.write(data, name)
    return path


def zip_bomb(path, inner="S3-249999.docx", mib=200):
    """One deflated entry of MIB MiB of zeros (about 200 KiB on disk) next to a
    small real document."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open(inner.replace(".docx", ".txt"), "w") as f:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(mib):
                f.write(chunk)
    return path


def big_zip(path, mib=50, docx_path=None):
    """A zip of MIB MiB that does not compress (random bytes, seeded) plus the
    statement as .docx: memory must stay flat while it is read."""
    rnd = random.Random(4053)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        if docx_path:
            z.write(docx_path, os.path.basename(docx_path))
        with z.open("annex-traces.bin", "w") as f:
            for _ in range(mib):
                f.write(rnd.randbytes(1024 * 1024))
    return path


def ole_doc(path, text="Title: LS in an old Word file"):
    """The first sector of an OLE2 compound file (old binary Word .doc)."""
    hdr = bytearray(512)
    hdr[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", hdr, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", hdr, 44, 1)           # sectors in the FAT
    struct.pack_into("<I", hdr, 48, 0xFFFFFFFE)  # first directory sector (none)
    struct.pack_into("<I", hdr, 56, 4096)
    struct.pack_into("<I", hdr, 60, 0xFFFFFFFE)
    struct.pack_into("<I", hdr, 68, 0xFFFFFFFE)
    for i in range(109):
        struct.pack_into("<I", hdr, 76 + 4 * i, 0xFFFFFFFF)
    body = text.encode("utf-16-le").ljust(1024, b"\0")
    with open(path, "wb") as f:
        f.write(bytes(hdr) + body)
    return path


# ------------------------------------------------------------------ fixtures

def fixtures(d):
    """Every file test_doc.c reads, under D."""
    os.makedirs(d, exist_ok=True)
    j = lambda n: os.path.join(d, n)
    ls_3gpp_docx(j("S3-243456.docx"))
    ls_3gpp_docx(j("S2-2401234.docx"), tdoc="S2-2401234", meeting="3GPP TSG SA WG2 Meeting #162",
                 title="LS on MPQUIC for ATSSS", source="SA2", cc="SA3", asker="SA2",
                 next_group="TSG SA WG2", attachments="-")
    zipfile_of(j("S3-243456.zip"), [("S3-243456.docx", j("S3-243456.docx"))])
    # zip in zip, macOS clutter, a hostile name, an old Word file and a text file
    ole_doc(j("S3-240001.doc"))
    zipfile_of(j("inner.zip"), [("S3-243456/S3-243456.docx", j("S3-243456.docx")),
                                ("readme.txt", b"Tdoc S3-243456 and its annex.\r\n")])
    zipfile_of(j("nested.zip"), [("inner.zip", j("inner.zip")),
                                 ("__MACOSX/._inner.zip", b"\0\5\26\7"),
                                 ("../../etc/evil.doc", j("S3-240001.doc"))])
    zipfile_of(j("deep.zip"), [("nested.zip", j("nested.zip"))])
    itu_docx(j("T22-SG15-LS123.docx"))
    pdf(j("T22-SG15-LS123.pdf"), itu_lines())
    pdf(j("LIAISE-439.pdf"), bbf_lines())
    pdf(j("encrypted.pdf"), bbf_lines(), password="secret")
    pdf(j("long.pdf"), ["Line %d of a long annex" % i for i in range(600)], lines_per_page=1)
    pdf(j("columns.pdf"), columns_lines())
    cover_tab_pdf(j("S3-240000.pdf"))
    cover_tab_pdf(j("S3-240002.pdf"), pages=4)
    pdf(j("LIAISE-440.pdf"), meetings_overleaf_lines(), lines_per_page=20)
    pdf(j("S3-240001.pdf"), cover_sideways_lines())
    xxe_docx(j("xxe.docx"))
    laughs_docx(j("laughs.docx"))
    docx_bomb(j("bomb.docx"))
    zip_bomb(j("bomb.zip"))
    with open(j("notapdf.pdf"), "wb") as f:
        f.write(b"<html><body>This is not a PDF</body></html>\n")
    with open(j("truncated.docx"), "wb") as f:
        f.write(open(j("S3-243456.docx"), "rb").read()[:300])


def _check_pdf(path):
    """xref offsets point at their objects; the header and trailer are there."""
    data = open(path, "rb").read()
    assert data.startswith(b"%PDF-1."), path
    m = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data)
    assert m, "%s: no startxref" % path
    xref = int(m.group(1))
    assert data[xref:xref + 4] == b"xref", "%s: startxref does not point at xref" % path
    hdr = re.match(rb"xref\n0 (\d+)\n", data[xref:])
    count = int(hdr.group(1))
    pos = xref + hdr.end()
    for no in range(count):
        entry = data[pos + 20 * no:pos + 20 * no + 20]
        assert len(entry) == 20, path
        if no == 0:
            continue
        off = int(entry[:10])
        assert data[off:].startswith(b"%d 0 obj" % no), "%s: object %d not at %d" % (path, no, off)


def _check_docx(path, hostile=False):
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None, path
        names = z.namelist()
        assert names[0] == "[Content_Types].xml", path
        for part in ("_rels/.rels", "word/document.xml"):
            assert part in names, "%s: no %s" % (path, part)
        for part in names:
            if part.endswith(".xml") or part.endswith(".rels"):
                p = xml.parsers.expat.ParserCreate(namespace_separator=" ")
                # expat never fetches external entities unless asked to
                if not hostile:
                    p.StartDoctypeDeclHandler = lambda *a: (_ for _ in ()).throw(
                        AssertionError("%s: DTD in %s" % (path, part)))
                p.Parse(z.read(part), True)


def check(d):
    """Each fixture opens as what it claims to be; returns the problems found."""
    bad = []
    j = lambda n: os.path.join(d, n)
    tests = [
        (lambda: _check_docx(j("S3-243456.docx"))),
        (lambda: _check_docx(j("S2-2401234.docx"))),
        (lambda: _check_docx(j("T22-SG15-LS123.docx"))),
        (lambda: _check_docx(j("xxe.docx"), hostile=True)),
        (lambda: _check_pdf(j("T22-SG15-LS123.pdf"))),
        (lambda: _check_pdf(j("LIAISE-439.pdf"))),
        (lambda: _check_pdf(j("encrypted.pdf"))),
        (lambda: _check_pdf(j("long.pdf"))),
        (lambda: _check_pdf(j("columns.pdf"))),
        (lambda: _check_pdf(j("S3-240000.pdf"))),
        (lambda: _check_pdf(j("S3-240001.pdf"))),
        (lambda: zipfile.ZipFile(j("S3-243456.zip")).testzip() is None or 1 / 0),
        (lambda: zipfile.ZipFile(j("nested.zip")).testzip() is None or 1 / 0),
        (lambda: open(j("S3-240001.doc"), "rb").read(8) == bytes.fromhex("D0CF11E0A1B11AE1") or 1 / 0),
        (lambda: sum(i.file_size for i in zipfile.ZipFile(j("bomb.zip")).infolist())
         > 100 * os.path.getsize(j("bomb.zip")) or 1 / 0),
    ]
    for t in tests:
        try:
            t()
        except Exception as e:   # noqa: BLE001 - reported, not raised
            bad.append("%r" % e)
    # file(1) names them the same way, when it is installed
    if shutil.which("file"):
        want = {"S3-243456.docx": "Microsoft Word 2007+", "LIAISE-439.pdf": "PDF document",
                "S3-243456.zip": "Zip archive", "S3-240001.doc": "Composite Document File"}
        for n, w in want.items():
            got = subprocess.run(["file", "-b", j(n)], capture_output=True, text=True).stdout
            if w not in got:
                bad.append("file(1) says %s is %r, not %s" % (n, got.strip(), w))
    if shutil.which("pdftotext"):
        got = subprocess.run(["pdftotext", j("LIAISE-439.pdf"), "-"], capture_output=True,
                             text=True).stdout
        if "LIAISE-439" not in got:
            bad.append("pdftotext cannot read LIAISE-439.pdf")
    return bad


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        problems = check(sys.argv[2])
        for p in problems:
            print(p)
        sys.exit(1 if problems else 0)
    if len(sys.argv) != 2:
        sys.exit("usage: mkdocs.py [--check] OUTDIR")
    fixtures(sys.argv[1])
