"""mkpdf.py - a realistic liaison statement as a PDF, for `make bench`'s "doc" case.

usage: /usr/bin/python3 tests/bench/mkpdf.py OUT.pdf [--pages N] [--cover-tab PT]

Writes a deterministic PDF 1.4 (same bytes on every run): page 1 is a 3GPP LS
cover sheet as SA3 writes them (see /work/shared/reference/real-statements.md),
then N-1 pages of dense specification text made by combining a few dozen
sentences in a fixed pseudo-random order. Standard Type1 font Helvetica, not
embedded; text drawn with BT/ET, Tm and TJ arrays with word-spacing
adjustments, as word processors write justified text. The content streams are
left uncompressed: with that layout 60 pages come to about 0.9 MB, so that the
mail carrying it in base64 is about 1.2 MB, like the statement the issue
measured.

On the cover each value is drawn just after its label. --cover-tab PT draws
the values at one tab stop PT points from the margin instead, as the Word LS
template does: poppler's reading order then takes the labels and the values
as two columns (Source:/To:/Cc: apart from SA3/IETF QUIC WG/...), which
liaisond at 57f6ca7 rejected as missing From and To; liaisond now reads the
first pages line by line as drawn (parser/doc_pdf_layout.c). Not what the
bench sends; tests/integration/test_bench_tools.py and tests/lib/mkdocs.py
use it.

The cover's title ends in PLACEHOLDER ("part 000000"), written once in page 1's
uncompressed content stream: lmtp_load --kind doc overwrites those six digits
with the message's number (same length, so the xref offsets stay valid), so
that each message is a distinct statement (liaisond folds duplicates by title
and body).
"""
import sys

PLACEHOLDER = b"part 000000"

COVER = [
    ("3GPP TSG SA WG3 Meeting #124", "S3-240000"),
    ("Orlando, US, 16 - 20 November 2026", None),
    ("", None),
    ("Title:           LS on security of multipath QUIC for ATSSS steering, " + PLACEHOLDER.decode(), None),
    ("Release:         Rel-19", None),
    ("Work Item:       FS_ATSSS_Ph4_SEC", None),
    ("", None),
    ("Source:          SA3", None),
    ("To:              IETF QUIC WG", None),
    ("Cc:              SA2, CT4, IETF TSVWG", None),
    ("", None),
    ("Contact Person:", None),
    ("    Name:        Peter Schmitt", None),
    ("    E-mail:      peter.schmitt@example.com", None),
    ("", None),
    ("Send any reply LS to:   3GPP Liaisons Coordinator, mailto:3GPPLiaison@etsi.org", None),
    ("", None),
    ("Attachments:     S3-243400, S3-243401", None),
    ("", None),
    ("1. Overall Description:", None),
]

COVER_AFTER = [
    "SA3 thanks the IETF QUIC WG for its LS on the status of draft-ietf-quic-multipath and the",
    "related key update procedure. SA3 has studied the use of multipath QUIC as a steering",
    "function for ATSSS in Release 19 and agreed the analysis in the attached documents. The",
    "details of the analysis follow this cover page; a summary of the open points is below.",
    "",
    "SA3 notes that the current text does not address paths anchored in different PLMNs, and",
    "that the connection ID retirement rules interact with the UE's privacy requirements.",
    "",
    "2. Actions:",
    "To IETF QUIC WG.",
    "ACTION: SA3 kindly asks IETF QUIC WG to review the analysis in section 4 and to",
    "        clarify the key update procedure when paths terminate in different PLMNs.",
    "",
    "3. Date of Next TSG SA WG3 Meetings:",
    # Far ahead, so that the deadline taken from it stays in the future for years.
    "SA3#140     11 - 15 February 2030      Athens, GR",
    "SA3#141     13 - 17 May 2030           Fukuoka, JP",
]

SENTENCES = [
    "The user equipment establishes a multipath QUIC connection towards the UPF over both the 3GPP access and the non-3GPP access.",
    "Each path is validated with PATH_CHALLENGE and PATH_RESPONSE frames before any application data is sent on it.",
    "The steering mode determines how the traffic of a service data flow is distributed across the available accesses.",
    "In the active-standby mode, the traffic is sent over the active access and moved to the standby access only when the active access becomes unavailable.",
    "The smallest delay mode steers the traffic to the access with the smallest round trip time as measured by the performance measurement function.",
    "SA3 observes that the key update procedure of RFC 9001 applies to the connection as a whole and not to an individual path.",
    "A path that is anchored in a visited network is subject to the security policy of the home network, which the visited network cannot verify.",
    "The connection identifiers issued for one path must not be linkable to those issued for another path by an on-path observer.",
    "It is therefore recommended that the UE retires all connection identifiers of a path before that path is abandoned.",
    "The packet number space of each path is separate, which prevents the reuse of a nonce under the same packet protection key.",
    "The AMF provides the ATSSS rules to the UE during the establishment of the multi-access PDU session.",
    "The SMF selects the UPF that supports the MPQUIC functionality and provides it with the N4 rules for the session.",
    "The MPQUIC proxy in the UPF terminates the QUIC connection and forwards the user plane traffic to the data network.",
    "SA3 has not identified a need for additional authentication of the proxy beyond the certificate based authentication already specified.",
    "However, the certificate of the proxy has to be provisioned by the operator and its trust anchor configured in the UE.",
    "The performance measurement function uses QUIC datagrams so that its probes are protected with the same keys as the user data.",
    "Any access traffic steering decision taken by the UE is reported to the network in the next measurement report.",
    "An attacker in control of one access network can delay or drop packets but cannot read or modify the protected payload.",
    "Such an attacker may nevertheless influence the steering decision by increasing the measured delay of the access it controls.",
    "The analysis in clause 5 shows that this does not lead to a loss of confidentiality but can degrade the service.",
    "The threshold values of the steering mode are therefore configured by the network and cannot be changed by the UE.",
    "When the UE moves between access networks, the new path is validated before the old path is abandoned.",
    "The 0-RTT data sent on a resumed connection is not protected against replay and is not used for the MPQUIC proxy.",
    "The key material for the proxy connection is derived from the primary authentication and is bound to the PDU session.",
    "This binding ensures that a key obtained for one PDU session cannot be used to establish a connection for another.",
    "The lifetime of the key is limited to the lifetime of the PDU session and the key is deleted when the session is released.",
    "SA3 invites the IETF to consider whether the same binding should be described in the multipath specification.",
    "The encapsulation of IP traffic in the QUIC connection follows the connect-ip method of the MASQUE working group.",
    "Ethernet traffic is carried with the connect-ethernet method, which is being specified by the same working group.",
    "The maximum transmission unit of the tunnel is reduced by the overhead of the QUIC and UDP headers on each path.",
    "The UE discovers the MTU of each path separately and applies the smallest value to the encapsulated traffic.",
    "The operator policy may forbid the use of the non-3GPP access for specific applications, in which case no path is opened on it.",
    "Clause 6 lists the requirements on the network functions that result from this analysis.",
    "Table 6.1 maps each threat identified in clause 5 to the countermeasure that addresses it.",
    "The open issues are recorded in clause 7 and will be discussed at the next meeting of SA3.",
    "SA3 would appreciate an indication of the expected publication date of the multipath specification.",
]

HEADINGS = [
    "4.%d Analysis of the steering functions",
    "4.%d Threats on the multi-access path",
    "4.%d Key management for the MPQUIC proxy",
    "4.%d Privacy of the connection identifiers",
    "4.%d Interaction with the performance measurement function",
    "4.%d Requirements on the network functions",
]

# Helvetica widths (/1000 em) of the printable ASCII range, from the AFM.
_W = [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
      556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
      1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
      667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
      333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
      556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584]

FONT = 9.0
LEADING = 10.4
LEFT, RIGHT, TOP, BOTTOM = 50.0, 545.0, 790.0, 60.0
TAB = 150.0   # the cover's value column, as a tab stop in the template   # A4, 595 x 842 pt


def width(s, size=FONT):
    return sum(_W[ord(c) - 32] if 32 <= ord(c) < 127 else 556 for c in s) * size / 1000.0


def esc(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


class Rand:
    """A fixed LCG: the same document on every run and every Python."""
    def __init__(self, seed):
        self.x = seed

    def next(self, n):
        self.x = (self.x * 1103515245 + 12345) & 0x7FFFFFFF
        return (self.x >> 8) % n


def wrap(words, measure):
    """Greedy lines of words that fit in MEASURE points."""
    lines, cur = [], []
    for w in words:
        if cur and width(" ".join(cur + [w])) > measure:
            lines.append(cur)
            cur = []
        cur.append(w)
    if cur:
        lines.append(cur)
    return lines


def justified(words, y, last):
    """One line as TJ: the space between words stretched to the right margin
    (as Word's PDF export writes it); the paragraph's last line is not."""
    gap = 0.0
    if not last and len(words) > 1:
        natural = width(" ".join(words))
        gap = (RIGHT - LEFT - natural) / (len(words) - 1) * 1000.0 / FONT
    parts = []
    for i, w in enumerate(words):
        if i:
            parts.append("%d" % -round(gap) if gap else "")
            parts.append("( %s)" % esc(w))
        else:
            parts.append("(%s)" % esc(w))
    return "1 0 0 1 %.2f %.2f Tm [%s] TJ" % (LEFT, y, "".join(parts))


COVER_TAB = 0.0   # --cover-tab


def cover_page():
    ops = ["BT"]
    y = TOP
    for i, (left, right) in enumerate(COVER):
        size = 12 if i < 2 else 10
        if left:
            # "Label:  value" is two runs, the value at the tab stop, as Word draws a tab.
            label, _, value = left.partition(":  ")
            indent = 20.0 if label.startswith(" ") else 0.0
            ops.append("/F%d %d Tf" % (2 if i < 2 else 1, size))
            ops.append("1 0 0 1 %.2f %.2f Tm (%s) Tj" % (
                LEFT + indent, y, esc(label.strip() + (":" if value else ""))))
            if value:
                # The tab stop sits just after the longest label of its group:
                # poppler reads a wider gap as a column break.
                x = LEFT + (COVER_TAB or indent + width(label.strip() + ":", size) + 8)
                ops.append("1 0 0 1 %.2f %.2f Tm (%s) Tj" % (x, y, esc(value.strip())))
        if right:
            ops.append("1 0 0 1 %.2f %.2f Tm (%s) Tj" % (RIGHT - width(right, size), y, esc(right)))
        y -= 14
    ops.append("/F1 10 Tf")
    for line in COVER_AFTER:
        if line:
            bold = line[0].isdigit() and line.endswith(":")
            ops.append("/F%d 10 Tf 1 0 0 1 %.2f %.2f Tm (%s) Tj" % (2 if bold else 1, LEFT, y, esc(line)))
        y -= 13
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def text_page(rnd, pageno, state):
    ops = ["BT", "/F1 %g Tf" % FONT]
    y = TOP
    while y > BOTTOM + 3 * LEADING:
        if state["para"] % 7 == 0:
            state["head"] += 1
            h = HEADINGS[state["head"] % len(HEADINGS)] % state["head"]
            ops.append("/F2 10 Tf 1 0 0 1 %.2f %.2f Tm (%s) Tj /F1 %g Tf" % (LEFT, y, esc(h), FONT))
            y -= LEADING * 1.5
        state["para"] += 1
        sentences = [SENTENCES[rnd.next(len(SENTENCES))] for _ in range(4 + rnd.next(4))]
        lines = wrap(" ".join(sentences).split(), RIGHT - LEFT)
        for i, words in enumerate(lines):
            if y <= BOTTOM:
                break
            ops.append(justified(words, y, i == len(lines) - 1))
            y -= LEADING
        y -= LEADING * 0.6
    ops.append("/F1 8 Tf 1 0 0 1 %.2f %.2f Tm (3GPP TSG SA WG3 - S3-240000 - page %d) Tj"
               % (LEFT, BOTTOM - 24, pageno))
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def build(pages):
    objs = {}   # number -> bytes
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objs[4] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    objs[5] = (b"<< /Title (LS on security of multipath QUIC for ATSSS steering) /Author (3GPP TSG SA WG3)"
               b" /Creator (Microsoft Word) /Producer (mkpdf.py, liaisond make bench)"
               b" /CreationDate (D:20261120120000Z) >>")
    rnd = Rand(20261120)
    state = {"para": 0, "head": 0}
    kids = []
    n = 6
    for p in range(pages):
        content = cover_page() if p == 0 else text_page(rnd, p + 1, state)
        objs[n] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
        objs[n + 1] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
                       b" /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>" % n)
        kids.append(n + 1)
        n += 2
    objs[2] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (
        len(kids), b" ".join(b"%d 0 R" % k for k in kids))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % n
    for num in range(1, n):
        out += b"%010d 00000 n \n" % offsets[num]
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R"
            b" /ID [<6c6961697364626e6368646f63303031> <6c6961697364626e6368646f63303031>] >>\n"
            b"startxref\n%d\n%%%%EOF\n" % (n, xref))
    assert out.count(PLACEHOLDER) == 1
    return bytes(out)


def main():
    global COVER_TAB
    args = sys.argv[1:]
    pages = 60
    try:
        if "--pages" in args:
            i = args.index("--pages")
            pages = int(args[i + 1])
            del args[i:i + 2]
        if "--cover-tab" in args:
            i = args.index("--cover-tab")
            COVER_TAB = float(args[i + 1])
            del args[i:i + 2]
    except (IndexError, ValueError):
        args = []
    if len(args) != 1 or pages < 2 or not 0 <= COVER_TAB < 400:
        sys.exit("usage: mkpdf.py OUT.pdf [--pages N] [--cover-tab PT]")
    data = build(pages)
    with open(args[0], "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
