"""The PDF of a document, drawn with ReportLab (pure Python: no system libraries to install;
docs/billing.md says why). Rendering is deterministic (`invariant`): the same document gives
the same bytes, so a stored PDF's SHA-256 identifies its content.

Text is set in the PDF standard fonts (Helvetica): Latin-1 characters print as they are,
others as the font's missing-glyph box.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus import TableStyle as Style

from hub.billing.documents.content import Document, Party

_STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_STYLES["Normal"], fontSize=9, leading=11)
BOLD = ParagraphStyle("bold", parent=BODY, fontName="Helvetica-Bold")
TITLE = ParagraphStyle("title", parent=_STYLES["Title"], alignment=0, fontSize=18)
RIGHT = ParagraphStyle("right", parent=BODY, alignment=2)
GRID = [("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("ALIGN", (1, 1), (-1, -1), "RIGHT")]
LOGO_BOX = (45 * mm, 22 * mm)


def render(doc: Document, draft: bool = False) -> bytes:
    """The PDF bytes of `doc`; a draft carries DRAFT across every page."""
    out = io.BytesIO()
    pdf = SimpleDocTemplate(out, pagesize=A4, title=doc.title, author=doc.issuer.name,
                            leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, invariant=True)
    decorate = _watermark if draft else _footer
    pdf.build(_story(doc, draft), onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()


def _p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(text), style)


def _party(party: Party, heading: str | None = None) -> list[Paragraph]:
    rows = [_p(heading, BOLD)] if heading else []
    rows += [_p(party.name, BOLD), *(_p(x) for x in party.address)]
    if party.tax_id:
        rows.append(_p(f"Tax ID: {party.tax_id}"))
    if party.account:
        rows.append(_p(f"Account number: {party.account}"))
    if party.email:
        rows.append(_p(party.email))
    return rows


def _logo(data: bytes | None) -> Flowable | str:
    if not data:
        return ""
    width, height = ImageReader(io.BytesIO(data)).getSize()
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale, hAlign="LEFT")


def _facts(doc: Document, draft: bool) -> list[Paragraph]:
    noun = "Credit note" if doc.kind == "credit_note" else "Invoice"
    rows = [f"{noun} number: {doc.number if doc.number is not None else 'not issued'}"]
    if doc.credits_number is not None:
        rows.append(f"Credits invoice: {doc.credits_number}")
    rows.append(f"Issue date: {doc.issued_on or 'not issued'}")
    if doc.due_on is not None and doc.kind == "invoice":
        rows.append(f"Due date: {doc.due_on}")
    if doc.period is not None:
        last_day = doc.period[1] - timedelta(days=1)
        rows.append(f"Period: {doc.period[0]} to {last_day}")
    rows.append(f"Currency: {doc.currency}")
    if draft:
        rows.append("DRAFT - not a valid invoice")
    return [_p(x) for x in rows]


def _lines(doc: Document) -> Table:
    head = ["Description", "Quantity", "Unit price", "Tax rate", "Amount"]
    body = [[_p(x.description), x.quantity, x.unit_price, x.tax_rate, x.amount]
            for x in doc.lines]
    return Table([head, *body], colWidths=[78 * mm, 18 * mm, 28 * mm, 16 * mm, 34 * mm],
                 repeatRows=1, style=Style(GRID))


def _taxes(doc: Document) -> Table:
    head = ["Tax", "Rate", "Taxable amount", "Tax amount"]
    body = [[_p(t.name), t.rate, t.base, t.tax] for t in doc.taxes]
    return Table([head, *body], colWidths=[78 * mm, 18 * mm, 44 * mm, 34 * mm],
                 style=Style(GRID))


def _totals(doc: Document) -> Table:
    rows = [["Subtotal", doc.subtotal], ["Tax", doc.tax], ["Total", doc.total]]
    return Table(rows, colWidths=[40 * mm, 40 * mm], hAlign="RIGHT", style=Style([
        ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("FONTNAME", (0, 2), (-1, 2), "Helvetica-Bold"),
        ("LINEABOVE", (0, 2), (-1, 2), 0.75, colors.black)]))


def _payment(doc: Document) -> list[Paragraph]:
    rows = []
    if doc.payment_reference is not None:
        rows.append(_p(f"Payment reference: {doc.payment_reference}", BOLD))
        rows.append(_p(f"Please pay {doc.total} by {doc.due_on}, quoting the payment "
                       "reference."))
    if doc.credits_number is not None:
        rows.append(_p(f"This credit note reduces invoice {doc.credits_number} by "
                       f"{doc.total}."))
    rows += [_p(x) for x in doc.payment_details.splitlines() if x.strip()]
    return rows


def _story(doc: Document, draft: bool) -> list[Flowable]:
    head = Table([[_logo(doc.logo), _party(doc.issuer)]], colWidths=[87 * mm, 87 * mm],
                 style=Style([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    who = Table([[_party(doc.customer, "Bill to"), _facts(doc, draft)]],
                colWidths=[87 * mm, 87 * mm], style=Style([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    gap = Spacer(1, 5 * mm)
    return [head, gap, _p(doc.title, TITLE), who, gap, _lines(doc), gap, _taxes(doc), gap,
            _totals(doc), gap, *_payment(doc)]


def _footer(canvas: Any, pdf: Any) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {pdf.page}")
    canvas.restoreState()


def _watermark(canvas: Any, pdf: Any) -> None:
    _footer(canvas, pdf)
    canvas.saveState()
    canvas.setFont("Helvetica-Bold", 96)
    canvas.setFillColor(colors.Color(0.85, 0.85, 0.85, alpha=0.5))
    canvas.translate(A4[0] / 2, A4[1] / 2)
    canvas.rotate(45)
    canvas.drawCentredString(0, 0, "DRAFT")
    canvas.restoreState()
