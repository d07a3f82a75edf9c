"""The e-mail that carries an issued document to its customer (plain text, PDF attached)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from hub.billing.documents.content import Document

MAX_DESCRIBED_LINES = 20


def compose(doc: Document, pdf: bytes, sender: str, recipient: str, mail_id: str,
            ) -> EmailMessage:
    """The message for `doc`; raises ValueError for an address no header may carry."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    if doc.issuer.email:
        message["Reply-To"] = formataddr((doc.issuer.name, doc.issuer.email))
    message["Subject"] = f"{doc.title} from {doc.issuer.name}"
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip(">") or None)
    message["X-Dotmac-Document-Mail-Id"] = mail_id
    message.set_content(_text(doc))
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=doc.filename)
    return message


def _text(doc: Document) -> str:
    lines = [f"Dear {doc.customer.name},", ""]
    if doc.kind == "credit_note":
        lines.append(f"attached is {doc.title.lower()}, crediting {doc.total} to invoice "
                     f"{doc.credits_number}.")
    else:
        lines += [f"attached is {doc.title.lower()} of {doc.total}, issued {doc.issued_on}.",
                  f"Due date:          {doc.due_on}",
                  f"Payment reference: {doc.payment_reference}"]
    lines += ["", f"Account number: {doc.customer.account}", "", doc.issuer.name]
    return "\n".join(lines) + "\n"
