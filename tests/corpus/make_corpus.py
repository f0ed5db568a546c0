#!/usr/bin/python3
"""make_corpus.py - write the golden corpus: NNN-name.eml + NNN-name.json.

Each message is written here as the sender's mail client would have built
it (headers, MIME structure, encodings, charsets); the expected JSON next to
it is the subset of `liaisonctl show ID --json` that must come out, written by
hand from the statement as a secretariat member would read it, not captured
from the program. Run it after changing a case: the .eml/.json files are the
golden files (tests/integration/test_corpus.py reads only those).

Expected JSON keys: state, title, purpose, deadline, from_groups, to_groups,
from_contacts, to_contacts, from_liaison_contact, to_liaison_contact,
forwarded_by, other_identifiers (compared as a set), attachments (file names,
in order), problems ([code, severity] pairs, compared as a set), related
(corpus names of the statements answered). Keys starting with "_" direct the
test: _envelope_from, _problems_include (a subset instead of the exact set),
_message_contains ({code: text}), _safe_filenames (true: no '/', '\\', '..'),
_requires ("documents": skipped while `show --json` has no "documents" key,
i.e. the document reader of issue 8 is not in the build), _body_equals,
_body_starts (the statement's body: the text after its labelled fields, issue
18) and _body_excludes (strings the body must not hold).
"""

import base64
import io
import json
import os
import quopri
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = []


def case(name, eml, **expect):
    CASES.append((name, eml, expect))


def b64(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def pdf(text):
    """A small but valid PDF with TEXT on one page (readable by poppler)."""
    text = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = ("BT /F1 11 Tf 72 720 Td (%s) Tj ET" % text).encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(out.tell())
        out.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for o in offs:
        out.write(b"%010d 00000 n \n" % o)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def _zi(name):
    """A zip entry with a fixed date, so that the generated files never change."""
    zi = zipfile.ZipInfo(name, date_time=(2030, 1, 1, 0, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    return zi


def docx(paragraphs):
    """A minimal valid .docx holding PARAGRAPHS."""
    body = "".join("<w:p><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>" % (
        p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")) for p in paragraphs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(_zi("[Content_Types].xml"),
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr(_zi("_rels/.rels"),
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr(_zi("word/document.xml"),
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                   '<w:body>%s</w:body></w:document>' % body)
    return out.getvalue()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attach(filename, ctype, data, boundary):
    return ("--%s\nContent-Type: %s; name=\"%s\"\nContent-Disposition: attachment; filename=\"%s\"\n"
            "Content-Transfer-Encoding: base64\n\n%s\n" % (boundary, ctype, filename, filename, b64(data)))


def headers(frm, subject, msgid, date="Mon, 02 Sep 2030 10:15:00 +0200", to="statements@ietf.org",
            extra=""):
    h = ""
    if frm is not None:
        h += "From: %s\n" % frm
    h += "To: %s\n" % to
    if subject is not None:
        h += "Subject: %s\n" % subject
    h += "Date: %s\nMessage-ID: <%s>\nMIME-Version: 1.0\n" % (date, msgid)
    return h + extra


def plain(frm, subject, msgid, body, charset="utf-8", extra="", **kw):
    return (headers(frm, subject, msgid, extra=extra, **kw) +
            "Content-Type: text/plain; charset=%s\nContent-Transfer-Encoding: 7bit\n\n%s" % (charset, body))


def mixed(frm, subject, msgid, body, parts, extra="", **kw):
    """text/plain body and (filename, type, bytes) attachments."""
    b = "=_liaison_%s" % msgid.split("@")[0].replace(".", "_")
    out = (headers(frm, subject, msgid, extra=extra, **kw) +
           "Content-Type: multipart/mixed; boundary=\"%s\"\n\nThis is a multi-part message in MIME format.\n\n"
           "--%s\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n%s\n" % (b, b, body))
    for fn, ct, data in parts:
        out += attach(fn, ct, data, b)
    return out + "--%s--\n" % b


def P(code, sev="warning"):
    return [code, sev]


E = "error"

# ------------------------------------------------------------------ 4053bis bodies

case("001-4053bis-body-action", mixed(
    "3GPP Liaisons Coordinator <3GPPLiaison@etsi.org>", "LS on Security considerations for MPQUIC",
    "ls-s3-243456.20300902@etsi.org",
    "Title: LS on Security considerations for MPQUIC\n"
    "From: 3GPP TSG SA WG3\n"
    "From-Contact: Peter Schmitt <peter.schmitt@example.com>\n"
    "From-Liaison-Contact: 3GPPLiaison@etsi.org\n"
    "To: IETF QUIC WG\n"
    "To-Contact: quic-chairs@ietf.org\n"
    "To-Liaison-Contact: 3gpp-liaison@ietf.org\n"
    "Purpose: For Action\n"
    "Deadline: 2031-03-15\n"
    "Attachments: S3-243456.pdf\n"
    "\n"
    "3GPP SA3 has studied the security aspects of using multipath QUIC for\n"
    "ATSSS steering and asks the QUIC WG to review the analysis in the\n"
    "attached document, in particular section 5 on path validation.\n",
    [("S3-243456.pdf", "application/pdf", pdf("S3-243456 LS on Security considerations for MPQUIC"))],
    extra="Cc: 3gpp-liaison@ietf.org\n"),
    state="posted", title="LS on Security considerations for MPQUIC", purpose="for_action",
    deadline="2031-03-15", from_groups=["3gpp-sa3"], to_groups=["quic"],
    from_contacts=["peter.schmitt@example.com"], to_contacts=["quic-chairs@ietf.org"],
    from_liaison_contact="3GPPLiaison@etsi.org", to_liaison_contact="3gpp-liaison@ietf.org",
    forwarded_by=None, other_identifiers=["S3-243456"], attachments=["S3-243456.pdf"], problems=[])

case("002-bbf-cover-letter-info", mixed(
    "BBF Liaisons <liaisons@broadband-forum.org>", "[BBF Liaison] LIAISE-439: YANG models for access networks",
    "LIAISE-439.1725@broadband-forum.org",
    "Dear IETF colleagues,\n"
    "Please find attached a liaison statement from the Broadband Forum.\n"
    "\n"
    "Title: YANG models for access networks\n"
    "From: Broadband Forum\n"
    "To: IETF OPSAWG\n"
    "Purpose: For Information\n"
    "From-Contact: Jane Liaison <jane.liaison@broadband-forum.org>\n"
    "Broadband Forum Reference: LIAISE-439\n"
    "\n"
    "Kind regards,\n"
    "Broadband Forum Liaison Team\n",
    [("LIAISE-439-Access-YANG.pdf", "application/pdf",
      pdf("Broadband Forum LIAISE-439: YANG models for access networks"))],
    extra="Cc: liaisons@broadband-forum.org\n"),
    state="posted", title="YANG models for access networks", purpose="for_information", deadline=None,
    from_groups=["bbf"], to_groups=["opsawg"], from_contacts=["jane.liaison@broadband-forum.org"],
    to_contacts=[], from_liaison_contact="liaisons@broadband-forum.org", to_liaison_contact=None,
    forwarded_by=None, other_identifiers=["LIAISE-439"], attachments=["LIAISE-439-Access-YANG.pdf"],
    problems=[])

case("003-rfc4053-labels-ieee", mixed(
    "Glenn Parsons <glenn@example.com>", "Liaison statement: Use of DetNet in IEEE 802.1 TSN",
    "CAKx9-ieee8021-detnet@mail.example.com",
    "Title: Use of DetNet in IEEE 802.1 TSN\n"
    "From: IEEE 802.1\n"
    "To: IETF DetNet WG\n"
    "Cc: detnet-chairs@ietf.org, Lou Berger <lou@example.com>\n"
    "Response Contact: Glenn Parsons <glenn@example.com>\n"
    "Technical Contact: Janos Farkas <janos@example.org>\n"
    "Purpose: For Comment\n"
    "Deadline: 31 January 2031\n"
    "\n"
    "IEEE 802.1 would welcome the DetNet WG's comments on the attached draft\n"
    "of P802.1DC before its next ballot.\n",
    [("liaison-ieee8021-detnet-2030-11.pdf", "application/pdf", pdf("IEEE 802.1 liaison to IETF DetNet"))]),
    state="posted", title="Use of DetNet in IEEE 802.1 TSN", purpose="for_action", deadline="2031-01-31",
    from_groups=["ieee-802.1"], to_groups=["detnet"], from_contacts=["janos@example.org"],
    to_contacts=["detnet-chairs@ietf.org", "lou@example.com"], from_liaison_contact="glenn@example.com",
    to_liaison_contact=None, forwarded_by=None, other_identifiers=[],
    attachments=["liaison-ieee8021-detnet-2030-11.pdf"], problems=[P("for_comment_mapped")])

THREEGPP_044001 = (
    "3GPP TSG SA WG3 Meeting #120                                S3-244001\n"
    "Maastricht, NL, 19 - 23 August 2030\n"
    "\n"
    "Title:          LS on QUIC connection migration in ATSSS\n"
    "Release:        Rel-20\n"
    "Work Item:      FS_ATSSS_Ph5\n"
    "\n"
    "Source:         SA3\n"
    "To:             IETF QUIC WG\n"
    "Cc:             SA2, CT4\n"
    "\n"
    "Contact Person:\n"
    "   Name:        Peter Schmitt\n"
    "   E-mail:      peter.schmitt@example.com\n"
    "\n"
    "Send any reply LS to:   3GPP Liaisons Coordinator, mailto:3GPPLiaison@etsi.org\n"
    "\n"
    "Attachments:    S3-243950\n"
    "\n"
    "1. Overall Description:\n"
    "SA3 is studying connection migration for the MPQUIC steering functionality.\n"
    "\n"
    "2. Actions:\n"
    "To IETF QUIC WG.\n"
    "ACTION: SA3 kindly asks IETF QUIC WG to comment on the migration procedure.\n"
    "\n"
    "3. Date of Next TSG SA WG3 Meetings:\n"
    "SA3#121   18 - 22 November 2030   Orlando, US\n"
    "SA3#122   10 - 14 February 2031   Athens, GR\n")

case("004-3gpp-cover-block", mixed(
    "3GPPLiaison@etsi.org", "LS from 3GPP TSG SA WG3: LS on QUIC connection migration in ATSSS",
    "S3-244001.ls@etsi.org", THREEGPP_044001,
    [("S3-244001.docx", DOCX, docx(THREEGPP_044001.split("\n"))),
     ("S3-244001.pdf", "application/pdf", pdf("S3-244001 LS on QUIC connection migration in ATSSS"))]),
    state="posted", title="LS on QUIC connection migration in ATSSS", purpose="for_action",
    deadline=None, from_groups=["3gpp-sa3"], to_groups=["quic"],
    from_contacts=["peter.schmitt@example.com"], to_contacts=[], from_liaison_contact="3GPPLiaison@etsi.org",
    to_liaison_contact=None, forwarded_by=None, other_identifiers=["S3-244001", "S3-243950"],
    attachments=["S3-244001.docx", "S3-244001.pdf"], problems=[P("purpose_inferred")])

case("005-itut-cover-block", mixed(
    "TSB SG15 <tsbsg15@itu.example>", "LS/o on OTN YANG models [from ITU-T SG15]",
    "sg15-ls123.2030@itu.example",
    "INTERNATIONAL TELECOMMUNICATION UNION                     SG15-LS123\n"
    "TELECOMMUNICATION STANDARDIZATION SECTOR\n"
    "\n"
    "Question(s):   14/15          Meeting, date:  Geneva, 8-19 April 2030\n"
    "Study Group:   15             Working Party:  3\n"
    "Source:        ITU-T SG15\n"
    "Title:         LS on OTN YANG models\n"
    "Contact:       Tom Example, Acme, CH, Tel: +41 22 000 0000, E-mail: tom@acme.example\n"
    "\n"
    "LIAISON STATEMENT\n"
    "For action to:       IETF CCAMP WG\n"
    "For information to:  IETF MPLS WG, IEEE 802.1\n"
    "Approval:            Agreed to at SG15 meeting (Geneva, 19 April 2030)\n"
    "Deadline:            1 September 2030\n"
    "\n"
    "ITU-T SG15 thanks the CCAMP WG for its work on OTN YANG models and asks\n"
    "for a review of the attached updates before its next meeting.\n",
    [("SG15-LS123-OTN-YANG.pdf", "application/pdf", pdf("SG15-LS123 LS on OTN YANG models"))]),
    state="posted", title="LS on OTN YANG models", purpose="for_action", deadline="2030-09-01",
    from_groups=["itu-t-sg15"], to_groups=["ccamp", "mpls"], from_contacts=["tom@acme.example"],
    to_contacts=[], from_liaison_contact="tsbsg15@itu.example", to_liaison_contact=None, forwarded_by=None,
    other_identifiers=["SG15-LS123"], attachments=["SG15-LS123-OTN-YANG.pdf"], problems=[],
    _body_equals="ITU-T SG15 thanks the CCAMP WG for its work on OTN YANG models and asks\n"
    "for a review of the attached updates before its next meeting.")

# ------------------------------------------------------------------ encodings

case("006-html-only-outlook", headers(
    "Glenn Parsons <glenn@example.com>", "LS on YANG for TSN bridges", "BN8PR11MB@namprd11.example.com") +
    "Content-Type: text/html; charset=\"us-ascii\"\nContent-Transfer-Encoding: quoted-printable\n\n" +
    quopri.encodestring(
        b"<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head><meta http-equiv=\"Content-Type\" "
        b"content=\"text/html; charset=us-ascii\"><style>p.MsoNormal {margin:0cm;}</style></head>\n"
        b"<body lang=\"EN-US\"><div class=\"WordSection1\">\n"
        b"<p class=\"MsoNormal\">Title: LS on YANG for TSN bridges</p>\n"
        b"<p class=\"MsoNormal\">From: IEEE 802.1</p>\n"
        b"<p class=\"MsoNormal\">To: IETF NETCONF WG</p>\n"
        b"<p class=\"MsoNormal\">Purpose: For Information</p>\n"
        b"<p class=\"MsoNormal\">From-Contact: Glenn Parsons &lt;glenn@example.com&gt;</p>\n"
        b"<p class=\"MsoNormal\">&nbsp;</p>\n"
        b"<p class=\"MsoNormal\">IEEE 802.1 informs the NETCONF WG that the YANG modules for TSN "
        b"bridges (IEEE Std 802.1Qcw) are now approved.</p>\n"
        b"</div></body></html>\n").decode(),
    state="posted", title="LS on YANG for TSN bridges", purpose="for_information", deadline=None,
    from_groups=["ieee-802.1"], to_groups=["netconf"], from_contacts=["glenn@example.com"], to_contacts=[],
    from_liaison_contact="glenn@example.com", forwarded_by=None, attachments=[], problems=[],
    _body_equals="IEEE 802.1 informs the NETCONF WG that the YANG modules for TSN bridges "
    "(IEEE Std 802.1Qcw) are now approved.")

ALT_PLAIN = ("Title: LS on network slicing management\n"
             "From: ITU-T SG13\n"
             "To: IETF OPSAWG\n"
             "Purpose: For Information\n"
             "From-Contact: SG13 Secretariat <tsbsg13@itu.example>\n"
             "\n"
             "ITU-T SG13 has agreed Recommendation Y.3150 (network slicing management) =\n"
             "and would like the OPSAWG to be aware of its relation to the IETF's network slice work.\n")
case("007-alternative-qp-with-pdf", headers(
    "SG13 Secretariat <tsbsg13@itu.example>", "LS on network slicing management", "sg13-ls45@itu.example") +
    "Content-Type: multipart/mixed; boundary=\"outer7\"\n\n"
    "--outer7\nContent-Type: multipart/alternative; boundary=\"alt7\"\n\n"
    "--alt7\nContent-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n\n" +
    quopri.encodestring(ALT_PLAIN.encode()).decode() +
    "\n--alt7\nContent-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n\n" +
    quopri.encodestring(("<html><body><pre>%s</pre></body></html>" % ALT_PLAIN).encode()).decode() +
    "\n--alt7--\n\n" + attach("SG13-LS45.pdf", "application/pdf", pdf("SG13-LS45 network slicing"), "outer7") +
    "--outer7--\n",
    state="posted", title="LS on network slicing management", purpose="for_information",
    from_groups=["itu-t-sg13"], to_groups=["opsawg"], from_contacts=["tsbsg13@itu.example"],
    from_liaison_contact="tsbsg13@itu.example", other_identifiers=["SG13-LS45"],
    attachments=["SG13-LS45.pdf"], problems=[])

B64_BODY = ("Title: LS on time synchronisation \u2014 IEEE 1588 profile for transport\n"
            "From: IEEE 802.1\n"
            "To: IETF TSVWG\n"
            "From-Contact: J\u00f6rg M\u00fcller <joerg.mueller@example.de>\n"
            "Purpose: For Information\n"
            "\n"
            "Gr\u00fc\u00dfe from IEEE 802.1: the attached profile is now stable.\n")
case("008-base64-utf8-body", headers(
    "=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg.mueller@example.de>",
    "=?UTF-8?B?TFMgb24gdGltZSBzeW5jaHJvbmlzYXRpb24=?=", "0a1b2c3d@example.de") +
    "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n" +
    b64(B64_BODY.encode()) + "\n",
    state="posted", title="LS on time synchronisation \u2014 IEEE 1588 profile for transport",
    purpose="for_information", from_groups=["ieee-802.1"], to_groups=["tsvwg"],
    from_contacts=["joerg.mueller@example.de"], from_liaison_contact="joerg.mueller@example.de",
    attachments=[], problems=[])

LATIN1 = ("Title: LS on OTN naming of \u00abclient\u00bb signals\n"
          "From: ITU-T SG15\n"
          "To: IETF CCAMP WG\n"
          "From-Contact: St\u00e9phane Lef\u00e8vre <stephane.lefevre@example.fr>\n"
          "Purpose: For Information\n"
          "\n"
          "SG15 a r\u00e9vis\u00e9 la terminologie; the English text is attached.\n")
case("009-latin1-qp", headers(
    "=?ISO-8859-1?Q?St=E9phane_Lef=E8vre?= <stephane.lefevre@example.fr>",
    "=?ISO-8859-1?Q?LS_on_OTN_naming_of_=ABclient=BB_signals?=", "20300905.1@example.fr") +
    "Content-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n" +
    quopri.encodestring(LATIN1.encode("latin-1")).decode(),
    state="posted", title="LS on OTN naming of \u00abclient\u00bb signals", purpose="for_information",
    from_groups=["itu-t-sg15"], to_groups=["ccamp"], from_contacts=["stephane.lefevre@example.fr"],
    from_liaison_contact="stephane.lefevre@example.fr", attachments=[], problems=[])

# ------------------------------------------------------------------ In Response chains

case("010-ietf-outgoing-ls", plain(
    "Lucas Pardue <lucas@example.com>", "LS on QUIC multipath for ATSSS", "quic-ls-2030-03@example.com",
    "Title: LS on QUIC multipath for ATSSS\n"
    "From: IETF QUIC WG\n"
    "From-Contact: Lucas Pardue <lucas@example.com>, Matt Joras <matt.joras@example.com>\n"
    "To: 3GPP TSG SA WG2\n"
    "To-Contact: 3GPPLiaison@etsi.org\n"
    "Purpose: For Action\n"
    "Deadline: 30 June 2030\n"
    "\n"
    "The QUIC WG asks SA2 which multipath QUIC features ATSSS relies on.\n"),
    state="posted", title="LS on QUIC multipath for ATSSS", purpose="for_action", deadline="2030-06-30",
    from_groups=["quic"], to_groups=["3gpp-sa2"], from_contacts=["lucas@example.com", "matt.joras@example.com"],
    to_contacts=["3GPPLiaison@etsi.org"], from_liaison_contact="lucas@example.com", attachments=[],
    problems=[])

case("011-3gpp-reply-by-title", mixed(
    "3GPPLiaison@etsi.org", "LS from 3GPP TSG SA WG2: Reply LS on QUIC multipath for ATSSS",
    "S2-2409876.ls@etsi.org",
    "3GPP TSG SA WG2 Meeting #162                                S2-2409876\n"
    "Sophia Antipolis, FR, 7 - 11 October 2030\n"
    "\n"
    "Title:          Reply LS on QUIC multipath for ATSSS\n"
    "Release:        Rel-20\n"
    "Source:         SA2\n"
    "To:             IETF QUIC WG\n"
    "\n"
    "Contact Person:\n"
    "   Name:        Ann Example\n"
    "   E-mail:      ann.example@example.com\n"
    "\n"
    "Send any reply LS to:   3GPP Liaisons Coordinator, mailto:3GPPLiaison@etsi.org\n"
    "\n"
    "1. Overall Description:\n"
    "SA2 thanks the QUIC WG for its LS. ATSSS relies on the features listed below.\n",
    [("S2-2409876.pdf", "application/pdf", pdf("S2-2409876 Reply LS on QUIC multipath for ATSSS"))]),
    state="posted", title="Reply LS on QUIC multipath for ATSSS", purpose="in_response", deadline=None,
    from_groups=["3gpp-sa2"], to_groups=["quic"], from_contacts=["ann.example@example.com"],
    from_liaison_contact="3GPPLiaison@etsi.org", other_identifiers=["S2-2409876"],
    attachments=["S2-2409876.pdf"], related=["010-ietf-outgoing-ls"], problems=[P("purpose_inferred")])

case("012-reply-by-tdoc", plain(
    "Matt Joras <matt.joras@example.com>", "Response to 3GPP SA3 on QUIC connection migration",
    "quic-reply-s3-244001@example.com",
    "Title: Response to 3GPP SA3 on QUIC connection migration\n"
    "From: IETF QUIC WG\n"
    "From-Contact: Matt Joras <matt.joras@example.com>\n"
    "To: 3GPP TSG SA WG3\n"
    "To-Contact: 3GPPLiaison@etsi.org\n"
    "Response to: LS S3-244001 on QUIC connection migration in ATSSS\n"
    "Purpose: In Response\n"
    "\n"
    "The QUIC WG has reviewed the migration procedure and has no concerns.\n"),
    state="posted", title="Response to 3GPP SA3 on QUIC connection migration", purpose="in_response",
    from_groups=["quic"], to_groups=["3gpp-sa3"], from_contacts=["matt.joras@example.com"],
    to_contacts=["3GPPLiaison@etsi.org"], other_identifiers=[], related=["004-3gpp-cover-block"], problems=[])

case("013-reply-by-in-reply-to", plain(
    "Lucas Pardue <lucas@example.com>", "Re: LS on Security considerations for MPQUIC",
    "quic-reply-mpquic-sec@example.com",
    "Title: Reply LS on Security considerations for MPQUIC\n"
    "From: IETF QUIC WG\n"
    "To: 3GPP TSG SA WG3\n"
    "Purpose: In Response\n"
    "\n"
    "Thank you for the analysis; the QUIC WG agrees with section 5.\n",
    extra="In-Reply-To: <ls-s3-243456.20300902@etsi.org>\nReferences: <ls-s3-243456.20300902@etsi.org>\n"),
    state="posted", title="Reply LS on Security considerations for MPQUIC", purpose="in_response",
    from_groups=["quic"], to_groups=["3gpp-sa3"], from_contacts=["lucas@example.com"],
    related=["001-4053bis-body-action"], problems=[])

case("014-rfc2231-filenames", headers(
    "3GPPLiaison@etsi.org", "LS on encrypted DNS resolver discovery", "C1-246101.ls@etsi.org") +
    "Content-Type: multipart/mixed; boundary=\"b14\"\n\n"
    "--b14\nContent-Type: text/plain; charset=utf-8\n\n"
    "Title: LS on encrypted DNS resolver discovery\n"
    "From: 3GPP TSG CT WG1\n"
    "To: IETF DNSOP WG\n"
    "Purpose: For Information\n"
    "From-Contact: Kai Example <kai@example.com>\n"
    "\n"
    "CT1 informs DNSOP of its decision to use DNR for resolver discovery.\n"
    "--b14\nContent-Type: application/pdf\n"
    "Content-Disposition: attachment;\n filename*0*=UTF-8''%C3%9Cbersicht%20LS%20;\n filename*1*=C1-246101.pdf\n"
    "Content-Transfer-Encoding: base64\n\n" + b64(pdf("C1-246101 overview")) + "\n"
    "--b14\nContent-Type: application/pdf; name=\"=?UTF-8?Q?r=C3=A9ponse=5Fdraft.pdf?=\"\n"
    "Content-Disposition: attachment; filename=\"=?UTF-8?Q?r=C3=A9ponse=5Fdraft.pdf?=\"\n"
    "Content-Transfer-Encoding: base64\n\n" + b64(pdf("draft")) + "\n--b14--\n",
    state="posted", title="LS on encrypted DNS resolver discovery", purpose="for_information",
    from_groups=["3gpp-ct1"], to_groups=["dnsop"], from_contacts=["kai@example.com"],
    other_identifiers=["C1-246101"], attachments=["\u00dcbersicht LS C1-246101.pdf", "r\u00e9ponse_draft.pdf"],
    problems=[])

# ------------------------------------------------------------------ forwards

case("015-forward-attached-thunderbird", headers(
    "Benno Example <benno@example.com>", "Fwd: LS on encrypted DNS in 5G", "fwd-benno-1@example.com",
    extra="User-Agent: Mozilla Thunderbird\n") +
    "Content-Type: multipart/mixed; boundary=\"------------tb15\"\n\n"
    "This is a multi-part message in MIME format.\n"
    "--------------tb15\nContent-Type: text/plain; charset=UTF-8; format=flowed\n\n"
    "This came to me directly; please record it. -- Benno\n\n"
    "--------------tb15\nContent-Type: message/rfc822; name=\"LS on encrypted DNS in 5G.eml\"\n"
    "Content-Disposition: attachment; filename=\"LS on encrypted DNS in 5G.eml\"\n\n" +
    mixed("3GPP Liaisons Coordinator <3GPPLiaison@etsi.org>", "LS on encrypted DNS in 5G", "C1-246200.ls@etsi.org",
          "Title: LS on encrypted DNS in 5G\n"
          "From: 3GPP TSG CT WG1\n"
          "To: IETF DNSOP WG\n"
          "Purpose: For Information\n"
          "\n"
          "CT1 informs DNSOP about encrypted DNS support in Rel-20.\n",
          [("C1-246200.pdf", "application/pdf", pdf("C1-246200 encrypted DNS in 5G"))],
          to="benno@example.com") +
    "\n--------------tb15--\n",
    state="posted", title="LS on encrypted DNS in 5G", purpose="for_information", from_groups=["3gpp-ct1"],
    to_groups=["dnsop"], from_contacts=["3GPPLiaison@etsi.org"], from_liaison_contact="3GPPLiaison@etsi.org",
    forwarded_by="benno@example.com", other_identifiers=["C1-246200"], attachments=["C1-246200.pdf"],
    problems=[])

case("016-forward-inline-gmail", plain(
    "Suzanne Example <suzanne@example.com>", "Fwd: LS on IP-based network slicing", "CAGmail-fwd-16@mail.gmail.com",
    "FYI, this reached me directly.\n"
    "\n"
    "---------- Forwarded message ---------\n"
    "From: ITU-T SG13 TSB <tsbsg13@itu.example>\n"
    "Date: Tue, 3 Sep 2030 at 14:02\n"
    "Subject: LS on IP-based network slicing\n"
    "To: <suzanne@example.com>\n"
    "\n"
    "\n"
    "Title: LS on IP-based network slicing\n"
    "From: ITU-T SG13\n"
    "To: IETF OPSAWG\n"
    "Purpose: For Information\n"
    "\n"
    "SG13 would like to inform OPSAWG of its new work item on IP-based slicing.\n"),
    state="posted", title="LS on IP-based network slicing", purpose="for_information",
    from_groups=["itu-t-sg13"], to_groups=["opsawg"], from_contacts=["tsbsg13@itu.example"],
    from_liaison_contact="tsbsg13@itu.example", forwarded_by="suzanne@example.com", problems=[])

case("017-forward-inline-outlook", plain(
    "Benoit Example <benoit@example.com>", "FW: YANG data models for PON", "DM6PR-fwd-17@namprd.example.com",
    "Forwarding for the record.\n"
    "\n"
    "-----Original Message-----\n"
    "From: BBF Liaisons <liaisons@broadband-forum.org>\n"
    "Sent: Wednesday, September 4, 2030 9:12 AM\n"
    "To: Benoit Example <benoit@example.com>\n"
    "Subject: YANG data models for PON\n"
    "\n"
    "Title: YANG data models for PON\n"
    "From: Broadband Forum\n"
    "To: IETF OPSAWG\n"
    "Purpose: For Information\n"
    "Broadband Forum Reference: LIAISE-452\n"
    "\n"
    "The Broadband Forum has published TR-385 Issue 3.\n"),
    state="posted", title="YANG data models for PON", purpose="for_information", from_groups=["bbf"],
    to_groups=["opsawg"], from_contacts=["liaisons@broadband-forum.org"],
    from_liaison_contact="liaisons@broadband-forum.org", forwarded_by="benoit@example.com",
    other_identifiers=["LIAISE-452"], problems=[])

case("018-forward-inline-apple-mail", plain(
    "Lou Example <lou@example.com>", "Fwd: LS on DetNet over TSN", "A1B2C3D4-18@example.com",
    "\n\nBegin forwarded message:\n"
    "\n"
    "From: IEEE 802.1 Chair <glenn@example.com>\n"
    "Subject: LS on DetNet over TSN\n"
    "Date: 5 September 2030 at 16:40:12 CEST\n"
    "To: Lou Example <lou@example.com>\n"
    "\n"
    "Title: LS on DetNet over TSN\n"
    "From: IEEE 802.1\n"
    "To: IETF DetNet WG\n"
    "Purpose: For Information\n"
    "\n"
    "IEEE 802.1 shares its progress on P802.1DC.\n"),
    state="posted", title="LS on DetNet over TSN", purpose="for_information", from_groups=["ieee-802.1"],
    to_groups=["detnet"], from_contacts=["glenn@example.com"], from_liaison_contact="glenn@example.com",
    forwarded_by="lou@example.com", problems=[],
    _body_equals="IEEE 802.1 shares its progress on P802.1DC.")

case("019-forward-inline-thunderbird", plain(
    "Daniele Example <daniele@example.com>", "Fwd: LS on OTN fault management", "tb-inline-19@example.com",
    "\n\n\n-------- Forwarded Message --------\n"
    "Subject: \tLS on OTN fault management\n"
    "Date: \tFri, 6 Sep 2030 08:00:00 +0200\n"
    "From: \tTSB SG15 <tsbsg15@itu.example>\n"
    "To: \tdaniele@example.com\n"
    "\n"
    "Title: LS on OTN fault management\n"
    "From: ITU-T SG15\n"
    "To: IETF CCAMP WG\n"
    "Purpose: For Information\n"
    "\n"
    "SG15 informs CCAMP of the consent of G.798 amendment 2.\n"),
    state="posted", title="LS on OTN fault management", purpose="for_information", from_groups=["itu-t-sg15"],
    to_groups=["ccamp"], from_contacts=["tsbsg15@itu.example"], from_liaison_contact="tsbsg15@itu.example",
    forwarded_by="daniele@example.com", problems=[])

# ------------------------------------------------------------------ errors

case("020-not-a-statement", plain(
    "Someone <someone@example.net>", "How do I subscribe to the QUIC list?", "q-20@example.net",
    "Hello,\n\nhow do I subscribe to the QUIC mailing list? Thanks.\n"),
    state="rejected", title="How do I subscribe to the QUIC list?",
    problems=[P("purpose_inferred"), P("not_a_statement", E)])

case("021-missing-title", plain(
    "tsbsg13@itu.example", None, "no-subject-21@itu.example",
    "From: ITU-T SG13\nTo: IETF OPSAWG\nPurpose: For Information\n\nA statement without a title.\n"),
    state="rejected", title=None, problems=[P("missing_title", E)])

case("022-missing-from-and-to", plain(
    "peter.schmitt@example.com", "LS on something", "22@example.com",
    "Title: LS on something\nPurpose: For Information\n\nWe forgot to say who we are and whom we write to.\n"),
    state="rejected", from_groups=[], to_groups=[], problems=[P("missing_from", E), P("missing_to", E)])

case("023-unknown-to", plain(
    "3GPPLiaison@etsi.org", "LS on QUIC datagrams", "23@etsi.org",
    "Title: LS on QUIC datagrams\nFrom: 3GPP TSG CT WG4\nTo: IETF QUIK WG\nPurpose: For Information\n\n"
    "CT4 uses QUIC datagrams for the N9 interface.\n"),
    state="rejected", to_groups=["IETF QUIK WG"], problems=[P("unknown_to", E)],
    _message_contains={"unknown_to": "did you mean the QUIC working group (quic)?"})

case("024-ambiguous-to", plain(
    "3GPPLiaison@etsi.org", "LS on SRv6 in the transport network", "24@etsi.org",
    "Title: LS on SRv6 in the transport network\nFrom: 3GPP TSG CT WG4\nTo: IETF Routing\n"
    "Purpose: For Information\n\nCT4 informs the IETF of its SRv6 study.\n"),
    state="rejected", to_groups=["IETF Routing"], problems=[P("ambiguous_to", E)])

case("025-missing-from-contact", plain(
    None, "LS on transport slices", "25@itu.example",
    "Title: LS on transport slices\nFrom: ITU-T SG13\nTo: IETF OPSAWG\nPurpose: For Information\n\nText.\n"),
    _envelope_from="bounces+sg13@lists.itu.example", state="rejected", from_contacts=[],
    from_liaison_contact="bounces+sg13@lists.itu.example", problems=[P("missing_from_contact", E)])

case("026-bad-address", plain(
    "3GPPLiaison@etsi.org", "LS on PDU session anchors", "26@etsi.org",
    "Title: LS on PDU session anchors\nFrom: SA2\nTo: IETF TSVWG\nFrom-Contact: Peter Schmitt "
    "<peter.schmitt@@example.com>\nPurpose: For Information\n\nText.\n"),
    state="rejected", problems=[P("bad_address", E)])

case("027-bad-purpose", plain(
    "3GPPLiaison@etsi.org", "LS on URSP rules", "27@etsi.org",
    "Title: LS on URSP rules\nFrom: SA2\nTo: IETF TSVWG\nPurpose: Urgent review please\n\nText.\n"),
    state="rejected", purpose=None, problems=[P("bad_purpose", E)])

case("028-missing-deadline", plain(
    "tsbsg15@itu.example", "LS on OTN latency", "28@itu.example",
    "Title: LS on OTN latency\nFrom: ITU-T SG15\nTo: IETF CCAMP WG\nPurpose: For Action\n\n"
    "SG15 asks CCAMP to comment.\n"),
    state="rejected", purpose="for_action", deadline=None, problems=[P("missing_deadline", E)])

case("029-bad-deadline", plain(
    "tsbsg15@itu.example", "LS on OTN timing", "29@itu.example",
    "Title: LS on OTN timing\nFrom: ITU-T SG15\nTo: IETF CCAMP WG\nPurpose: For Action\n"
    "Deadline: 03/04/2031\n\nSG15 asks CCAMP to comment.\n"),
    state="rejected", deadline=None, problems=[P("bad_deadline", E)])

case("030-no-content", plain(
    "tsbsg15@itu.example", "LS on nothing", "30@itu.example",
    "Title: LS on nothing\nFrom: ITU-T SG15\nTo: IETF CCAMP WG\nPurpose: For Information\n"),
    state="rejected", attachments=[], problems=[P("no_content", E)])

# ------------------------------------------------------------------ warnings

case("031-deadline-past", plain(
    "tsbsg15@itu.example", "LS on OTN protection switching", "31@itu.example",
    "Title: LS on OTN protection switching\nFrom: ITU-T SG15\nTo: IETF CCAMP WG\nPurpose: For Action\n"
    "Deadline: 1 September 2024\n\nSG15 asks CCAMP to review G.873.1.\n"),
    state="posted", deadline="2024-09-01", problems=[P("deadline_past")])

case("032-unknown-from", plain(
    "chair@widgets.example", "LS on widget discovery", "32@widgets.example",
    "Title: LS on widget discovery\nFrom: Open Alliance for Widgets\nTo: IETF DNSOP WG\n"
    "Purpose: For Information\n\nThe OAW has published its widget discovery specification.\n"),
    state="posted", from_groups=["Open Alliance for Widgets"], to_groups=["dnsop"], problems=[P("unknown_from")])

case("033-concluded-group", plain(
    "3GPPLiaison@etsi.org", "LS on RPKI in 5G transport", "33@etsi.org",
    "Title: LS on RPKI in 5G transport\nFrom: 3GPP TSG CT WG4\nTo: IETF SIDR WG\nPurpose: For Information\n\n"
    "CT4 informs the IETF.\n"),
    state="posted", to_groups=["sidr"], problems=[P("concluded_group")])

case("034-word-without-readable", mixed(
    "3GPPLiaison@etsi.org", "LS on N32 security", "C4-245678.ls@etsi.org",
    "Title: LS on N32 security\nFrom: 3GPP TSG CT WG4\nTo: IETF TLS WG\nPurpose: For Information\n\n"
    "Please find the LS attached.\n",
    [("C4-245678.doc", "application/msword",
      b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"LS on N32 security")]),
    state="posted", other_identifiers=["C4-245678"], attachments=["C4-245678.doc"],
    _problems_include=[P("word_without_readable")])

case("035-in-response-unresolved", plain(
    "3GPPLiaison@etsi.org", "Reply LS on an old question", "35@etsi.org",
    "Title: Reply LS on an old question\nResponse to: LS S2-2309999 on an old question\nSource: SA2\n"
    "To: IETF TSVWG\nContact Person:\nName: Ann Example\nE-mail: ann.example@example.com\n\n"
    "1. Overall Description:\nSA2 answers.\n"),
    state="posted", purpose="in_response", related=[],
    problems=[P("purpose_inferred"), P("in_response_unresolved")])

case("036-mime-defect", headers(
    "tsbsg13@itu.example", "LS on slicing terminology", "36@itu.example", extra="From: second@itu.example\n") +
    "Content-Type: multipart/mixed; boundary=\"b36\"\n\n"
    "--b36\nContent-Type: text/plain; charset=utf-8\n\n"
    "Title: LS on slicing terminology\nFrom: ITU-T SG13\nTo: IETF OPSAWG\nPurpose: For Information\n"
    "From-Contact: tsbsg13@itu.example\n\nText of the statement.\n"
    "--b36\nContent-Type: application/pdf; name=\"SG13-LS46.pdf\"\n"
    "Content-Disposition: attachment; filename=\"SG13-LS46.pdf\"\nContent-Transfer-Encoding: base64\n\n" +
    b64(pdf("SG13-LS46")) + "\n",
    state="posted", _problems_include=[P("mime_defect")])

case("037-charset-guessed", (headers(
    "=?ISO-8859-1?Q?Ren=E9?= <rene@example.fr>", "LS on OAM", "37@example.fr") +
    "Content-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\n").encode() +
    "Title: LS on OAM for d\u00e9terministic networks\nFrom: ITU-T SG15\nTo: IETF DetNet WG\n"
    "Purpose: For Information\n\nRen\u00e9 writes from SG15.\n".encode("latin-1"),
    state="posted", title="LS on OAM for d\u00e9terministic networks", problems=[P("charset_guessed")])

case("038-auto-reply-ignored", plain(
    "Lucas Pardue <lucas@example.com>", "Automatic reply: LS on QUIC multipath for ATSSS", "38@example.com",
    "I am out of the office until 10 September with limited access to e-mail.\n",
    extra="Auto-Submitted: auto-replied\nX-Auto-Response-Suppress: All\n"),
    state="ignored", problems=[])

# ------------------------------------------------------------------ hostile


def nested(depth):
    out = ""
    for i in range(depth):
        out += "--n%d\nContent-Type: multipart/mixed; boundary=\"n%d\"\n\n" % (i, i + 1)
    out += "--n%d\nContent-Type: text/plain\n\ndeep\n--n%d--\n" % (depth, depth)
    for i in range(depth - 1, -1, -1):
        out += "--n%d--\n" % i
    return out


case("039-deep-nesting", headers(
    "tsbsg15@itu.example", "LS on OTN deep nesting", "39@itu.example") +
    "Content-Type: multipart/mixed; boundary=\"top\"\n\n"
    "--top\nContent-Type: text/plain; charset=utf-8\n\n"
    "Title: LS on OTN deep nesting\nFrom: ITU-T SG15\nTo: IETF CCAMP WG\nPurpose: For Information\n\n"
    "The statement is here; the rest is nested too deep.\n"
    "--top\nContent-Type: multipart/mixed; boundary=\"n0\"\n\n" + nested(120) + "--top--\n",
    state="posted", title="LS on OTN deep nesting", to_groups=["ccamp"], _problems_include=[P("mime_defect")])

case("040-path-traversal-filenames", headers(
    "3GPPLiaison@etsi.org", "LS on hostile file names", "40@etsi.org") +
    "Content-Type: multipart/mixed; boundary=\"b40\"\n\n"
    "--b40\nContent-Type: text/plain\n\n"
    "Title: LS on hostile file names\nFrom: SA3\nTo: IETF TLS WG\nPurpose: For Information\n\nText.\n"
    "--b40\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"../../etc/passwd\"\n\nx\n"
    "--b40\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"..\\\\..\\\\boot.ini\"\n\ny\n"
    "--b40\nContent-Type: application/octet-stream\n"
    "Content-Disposition: attachment; filename*=UTF-8''%2E%2E%2Fevil%0D%0ABcc%3A%20x%00.dat\n\nz\n"
    "--b40--\n",
    state="posted", _safe_filenames=True, problems=[])

case("041-encoded-crlf-subject", plain(
    "3GPPLiaison@etsi.org",
    "=?UTF-8?B?%s?=" % base64.b64encode(b"LS on QUIC\r\nBcc: victim@example.com").decode(), "41@etsi.org",
    "From: SA3\nTo: IETF QUIC WG\nPurpose: For Information\n\nThe title comes from the Subject.\n"),
    state="posted", title="LS on QUIC Bcc: victim@example.com", problems=[])

case("042-smime-signed", headers(
    "Janos Farkas <janos@example.org>", "LS on TSN YANG alignment", "42@example.org") +
    "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; "
    "boundary=\"s42\"\n\n"
    "--s42\nContent-Type: text/plain; charset=utf-8\n\n"
    "Title: LS on TSN YANG alignment\nFrom: IEEE 802.1\nTo: IETF NETCONF WG\nPurpose: For Information\n\n"
    "IEEE 802.1 proposes aligning the TSN YANG modules with ietf-interfaces.\n"
    "--s42\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\n"
    "Content-Disposition: attachment; filename=\"smime.p7s\"\nContent-Transfer-Encoding: base64\n\n" +
    b64(b"\x30\x82\x01\x00 not a real signature") + "\n--s42--\n",
    state="posted", title="LS on TSN YANG alignment", from_contacts=["janos@example.org"],
    to_groups=["netconf"], problems=[])

# ------------------------------------------------------------------ the 3GPP way: all in the document

THREEGPP_244321 = (
    "3GPP TSG SA WG3 Meeting #121                                S3-244321\n"
    "Orlando, US, 18 - 22 November 2030\n"
    "\n"
    "Title:\tLS on HTTP/3 use in the service-based architecture\n"
    "Release:\tRel-20\n"
    "Source:\tSA3\n"
    "To:\tIETF HTTPbis WG\n"
    "Contact Person:\n"
    "Name:\tLi Example\n"
    "E-mail:\tli.example@example.cn\n"
    "Send any reply LS to:\t3GPP Liaisons Coordinator, mailto:3GPPLiaison@etsi.org\n"
    "Attachments:\tnone\n"
    "\n"
    "1. Overall Description:\n"
    "SA3 considers HTTP/3 for the SBA and would welcome the HTTPbis WG's view.\n"
    "2. Actions:\n"
    "To IETF HTTPbis WG.\n"
    "ACTION: SA3 asks HTTPbis to comment on the use of HTTP/3 described above.\n"
    "3. Date of Next TSG SA WG3 Meetings:\n"
    "SA3#122   10 - 14 February 2031   Athens, GR\n")

case("043-3gpp-statement-in-docx", mixed(
    "3GPP Liaisons Coordinator <3GPPLiaison@etsi.org>", "LS from 3GPP TSG SA WG3 (S3-244321)",
    "S3-244321.ls@etsi.org",
    "Dear IETF colleagues,\n\nplease find attached an LS from 3GPP TSG SA WG3.\n\n"
    "Best regards,\n3GPP Liaisons Coordinator\n",
    [("S3-244321.docx", DOCX, docx(THREEGPP_244321.split("\n")))]),
    state="posted", title="LS on HTTP/3 use in the service-based architecture", purpose="for_action",
    deadline=None, from_groups=["3gpp-sa3"], to_groups=["httpbis"],
    from_contacts=["li.example@example.cn"], from_liaison_contact="3GPPLiaison@etsi.org",
    other_identifiers=["S3-244321"], attachments=["S3-244321.docx"],
    problems=[P("purpose_inferred")], _requires="documents")

# ------------------------------------------------------------------ issue 18: real mail

case("044-itut-deadline-not-applicable", mixed(
    "TSB SG13 <tsbsg13@itu.example>", "LS/i on IMT-2030 network architecture [from ITU-T SG13]",
    "sg13-ls200.2030@itu.example",
    "INTERNATIONAL TELECOMMUNICATION UNION                     SG13-LS200\n"
    "TELECOMMUNICATION STANDARDIZATION SECTOR\n"
    "\n"
    "Question(s):   6/13           Meeting, date:  Geneva, 14-25 October 2030\n"
    "Study Group:   13             Working Party:  1\n"
    "Source:        ITU-T SG13\n"
    "Title:         LS on IMT-2030 network architecture\n"
    "Contact:       Ana Example, Example Corp, Tel: +41 22 000 0001, E-mail: ana@example.net\n"
    "\n"
    "LIAISON STATEMENT\n"
    "For information to:  IETF OPSAWG\n"
    "Approval:            Agreed to at SG13 meeting (Geneva, 25 October 2030)\n"
    "Deadline:            N/A\n"
    "\n"
    "ITU-T SG13 informs the OPSAWG that it has started work on the network architecture\n"
    "of IMT-2030 and will keep the IETF informed of its progress.\n",
    [("SG13-LS200.pdf", "application/pdf", pdf("SG13-LS200 LS on IMT-2030 network architecture"))]),
    state="posted", title="LS on IMT-2030 network architecture", purpose="for_information", deadline=None,
    from_groups=["itu-t-sg13"], to_groups=["opsawg"], from_contacts=["ana@example.net"],
    from_liaison_contact="tsbsg13@itu.example", other_identifiers=["SG13-LS200"],
    attachments=["SG13-LS200.pdf"], problems=[],
    _body_starts="ITU-T SG13 informs the OPSAWG", _body_excludes=["Title:", "Deadline:", "Source:"])

case("045-deadline-none-for-action", plain(
    "Maria Example <maria@example.org>", "LS on OAM for deterministic networks", "bbf-oam-45@example.org",
    "Title: LS on OAM for deterministic networks\n"
    "From: Broadband Forum\n"
    "From-Contact: Maria Example <maria@example.org>\n"
    "To: IETF DetNet WG\n"
    "Purpose: For Action\n"
    "Deadline: not applicable\n"
    "\n"
    "The Broadband Forum asks the DetNet WG to review the attached OAM requirements.\n"),
    state="rejected", title="LS on OAM for deterministic networks", purpose="for_action", deadline=None,
    from_groups=["bbf"], to_groups=["detnet"], problems=[P("missing_deadline", E)])

case("046-forward-quoted-apple-mail", plain(
    "Martin Example <martin@example.com>", "Fwd: LS on QUIC for 5G access traffic steering",
    "5F0C9A1E-46@example.com",
    "Please record this one; it came to the chairs only.\n"
    "\n"
    "Martin\n"
    "\n"
    "Begin forwarded message:\n"
    "\n"
    "> From: 3GPP Liaisons Coordinator <3GPPLiaison@etsi.org>\n"
    "> Subject: LS on QUIC for 5G access traffic steering\n"
    "> Date: 4 September 2030 at 09:12:44 CEST\n"
    "> To: quic-chairs@ietf.org, tsvwg-chairs@ietf.org\n"
    "> \n"
    "> TITLE : LS on QUIC for 5G access traffic steering\n"
    "> SOURCE : 3GPP TSG SA WG2\n"
    "> TO : IETF QUIC and TSVWG working groups\n"
    "> CONTACT : Wei Example <wei.example@example.cn>\n"
    "> PURPOSE : For Information\n"
    "> \n"
    "> 3GPP SA2 informs the IETF QUIC and TSVWG working groups that Release 19\n"
    "> ATSSS uses MPQUIC for steering traffic between 3GPP and non-3GPP access.\n"
    "> \n"
    "> Best regards,\n"
    "> 3GPP Liaisons Coordinator\n"),
    state="posted", title="LS on QUIC for 5G access traffic steering", purpose="for_information",
    from_groups=["3gpp-sa2"], to_groups=["quic", "tsvwg"], from_contacts=["wei.example@example.cn"],
    from_liaison_contact="3GPPLiaison@etsi.org", forwarded_by="martin@example.com", problems=[],
    _body_starts="3GPP SA2 informs the IETF QUIC", _body_excludes=["> ", "TITLE :"])

case("047-forward-quoted-twice-outlook", plain(
    "Deborah Example <deborah@example.com>", "FW: Fwd: LS on OTN YANG alignment",
    "DM6PR11MB47@namprd11.example.com",
    "Forwarding for the record.\n"
    "\n"
    "> -----Original Message-----\n"
    "> From: Daniele Example <daniele@example.com>\n"
    "> Sent: Friday, September 6, 2030 9:02 AM\n"
    "> To: Deborah Example <deborah@example.com>\n"
    "> Subject: Fwd: LS on OTN YANG alignment\n"
    ">\n"
    "> See below.\n"
    ">\n"
    "> > ---------- Forwarded message ---------\n"
    "> > From: TSB SG15 <tsbsg15@itu.example>\n"
    "> > Date: Thu, 5 Sep 2030 at 16:20\n"
    "> > Subject: LS on OTN YANG alignment\n"
    "> > To: <daniele@example.com>\n"
    "> >\n"
    "> > Title: LS on OTN YANG alignment\n"
    "> > From: ITU-T SG15\n"
    "> > To: IETF CCAMP WG\n"
    "> > From-Contact: Tom Example <tom@acme.example>\n"
    "> > Purpose: For Information\n"
    "> >\n"
    "> > ITU-T SG15 informs CCAMP that the OTN YANG models are aligned with G.874.\n"),
    state="posted", title="LS on OTN YANG alignment", purpose="for_information",
    from_groups=["itu-t-sg15"], to_groups=["ccamp"], from_contacts=["tom@acme.example"],
    from_liaison_contact="tsbsg15@itu.example", forwarded_by="deborah@example.com", problems=[],
    _body_starts="ITU-T SG15 informs CCAMP", _body_excludes=["> "])

case("048-3gpp-ids-in-file-names", mixed(
    "3GPP Liaisons Coordinator <3GPPLiaison@etsi.org>", "LS on URSP rules for QUIC",
    "sp-241015.ls@etsi.org",
    "Title: LS on URSP rules for QUIC\n"
    "From: 3GPP TSG SA WG2\n"
    "From-Contact: Wei Example <wei.example@example.cn>\n"
    "To: IETF QUIC WG\n"
    "Purpose: For Information\n"
    "\n"
    "Please find the LS and the CR it refers to attached.\n",
    [("SP-241015_LS_to_IETF.pdf", "application/pdf", pdf("LS on URSP rules for QUIC")),
     ("S2-2401234r1.docx", DOCX, docx(["CR on URSP rules for QUIC traffic"]))]),
    state="posted", title="LS on URSP rules for QUIC", purpose="for_information",
    from_groups=["3gpp-sa2"], to_groups=["quic"], other_identifiers=["SP-241015", "S2-2401234"],
    attachments=["SP-241015_LS_to_IETF.pdf", "S2-2401234r1.docx"],
    _body_starts="Please find the LS")

case("049-html-only-nbsp-lines", headers(
    "Glenn Parsons <glenn@example.com>", "LS on TSN profile for service provider networks",
    "BN8PR11MB49@namprd11.example.com") +
    "Content-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n\n" +
    quopri.encodestring(
        "<html><head><style>p.MsoNormal {margin:0cm;}</style></head>\n"
        "<body lang=\"EN-US\"><div class=\"WordSection1\">\n"
        "<p class=\"MsoNormal\">Title: LS on TSN profile for service provider networks<o:p></o:p></p>\n"
        "<p class=\"MsoNormal\">From: IEEE 802.1<o:p></o:p></p>\n"
        "<p class=\"MsoNormal\">To: IETF DetNet WG<o:p></o:p></p>\n"
        "<p class=\"MsoNormal\">Purpose: For Information<o:p></o:p></p>\n"
        "<p class=\"MsoNormal\">From-Contact: Glenn Parsons &lt;glenn@example.com&gt;<o:p></o:p></p>\n"
        "<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>\n"
        "<p class=\"MsoNormal\">IEEE 802.1 has started P802.1DP, a TSN profile for service<o:p></o:p></p>\n"
        "<p class=\"MsoNormal\">provider networks.<o:p></o:p></p>\n"
        "<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>\n"
        "<p class=\"MsoNormal\">&nbsp;&nbsp;&nbsp;<o:p></o:p></p>\n"
        "<p class=\"MsoNormal\">Regards,<o:p></o:p></p>\n"
        "<p class=\"MsoNormal\">Glenn<o:p></o:p></p>\n"
        "</div></body></html>\n".encode()).decode(),
    state="posted", title="LS on TSN profile for service provider networks", purpose="for_information",
    from_groups=["ieee-802.1"], to_groups=["detnet"], from_contacts=["glenn@example.com"], problems=[],
    _body_equals="IEEE 802.1 has started P802.1DP, a TSN profile for service\nprovider networks.\n\nRegards,\nGlenn")


def main():
    for f in os.listdir(HERE):
        if f.endswith(".eml") or (f.endswith(".json") and f[:3].isdigit()):
            os.unlink(os.path.join(HERE, f))
    for name, eml, expect in CASES:
        data = eml if isinstance(eml, bytes) else eml.encode("utf-8")
        with open(os.path.join(HERE, name + ".eml"), "wb") as f:
            f.write(data)
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump(expect, f, indent=1, ensure_ascii=False, sort_keys=True)
            f.write("\n")
    print("%d cases" % len(CASES))


if __name__ == "__main__":
    main()
