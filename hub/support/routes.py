"""Ticket endpoints for staff, and the customer portal (own invoices and tickets only)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response

from hub.api.deps import RequirePermission, SessionDep
from hub.billing.documents.issue import customer_pdf
from hub.billing.documents.routes import PDF_RESPONSES, IfNoneMatch, pdf_response
from hub.billing.repository import Invoices
from hub.billing.schemas import InvoicePublic, InvoicesPublic
from hub.errors import error_docs
from hub.pagination import PageDep
from hub.principal import Principal
from hub.support import schemas as s
from hub.support.service import TicketService, bound_customer

tickets = APIRouter(prefix="/tickets", tags=["tickets"])
portal = APIRouter(prefix="/portal", tags=["portal"])
READ, WRITE = error_docs(401, 403, 422, 429), error_docs(401, 403, 404, 409, 422, 429)
TicketsRead = Annotated[Principal, RequirePermission("tickets:read")]
TicketsWrite = Annotated[Principal, RequirePermission("tickets:write")]
PortalRead = Annotated[Principal, RequirePermission("portal:read")]
PortalWrite = Annotated[Principal, RequirePermission("portal:write")]


async def _page(service: TicketService, page: PageDep, own: bool) -> s.TicketsPublic:
    rows, cursor = await service.list(page, only_customer=own)
    return s.TicketsPublic(data=[s.TicketPublic.model_validate(r) for r in rows],
                           next_cursor=cursor)


@tickets.get("", operation_id="tickets_list", response_model=s.TicketsPublic, responses=READ)
async def list_tickets(session: SessionDep, page: PageDep, p: TicketsRead) -> s.TicketsPublic:
    """Every ticket of the tenant."""
    return await _page(TicketService(session, p), page, own=False)


@tickets.post("", operation_id="tickets_create", status_code=201,
              response_model=s.TicketPublic, responses=WRITE)
async def open_ticket(body: s.TicketCreate, session: SessionDep, p: TicketsWrite) -> s.TicketPublic:
    """Open a ticket for a customer (staff)."""
    service = TicketService(session, p)
    return await service.out(await service.open(body, by_customer=False))


@tickets.get("/{ticket_id}", operation_id="tickets_get", response_model=s.TicketPublic,
             responses=WRITE)
async def get_ticket(ticket_id: uuid.UUID, session: SessionDep, p: TicketsRead) -> s.TicketPublic:
    """One ticket with its comments."""
    service = TicketService(session, p)
    return await service.out(await service.get(ticket_id))


@tickets.patch("/{ticket_id}", operation_id="tickets_update", response_model=s.TicketPublic,
               responses=WRITE)
async def update_ticket(ticket_id: uuid.UUID, body: s.TicketUpdate, session: SessionDep,
                        p: TicketsWrite) -> s.TicketPublic:
    """Change status, priority or assignee."""
    service = TicketService(session, p)
    return await service.out(await service.update(ticket_id, body))


@tickets.post("/{ticket_id}/comments", operation_id="tickets_comment", status_code=201,
              response_model=s.TicketPublic, responses=WRITE)
async def comment(ticket_id: uuid.UUID, body: s.CommentCreate, session: SessionDep,
                  p: TicketsWrite) -> s.TicketPublic:
    """Reply as staff (the first reply to a customer ticket stamps first_response_at)."""
    service = TicketService(session, p)
    return await service.out(await service.comment(ticket_id, body, by_staff=True))


@portal.get("/tickets", operation_id="portal_tickets_list", response_model=s.TicketsPublic,
            responses=READ)
async def my_tickets(session: SessionDep, page: PageDep, p: PortalRead) -> s.TicketsPublic:
    """The caller's own customer tickets (empty for staff, who are bound to no customer)."""
    service = TicketService(session, p, await bound_customer(session, p))
    return await _page(service, page, own=True)


@portal.post("/tickets", operation_id="portal_tickets_create", status_code=201,
             response_model=s.TicketPublic, responses=WRITE)
async def open_my_ticket(body: s.TicketCreate, session: SessionDep, p: PortalWrite,
                         ) -> s.TicketPublic:
    """Open a ticket as a customer (staff holding the permission open it for `customer_id`)."""
    customer_id = await bound_customer(session, p)
    service = TicketService(session, p, customer_id)
    return await service.out(await service.open(body, by_customer=customer_id is not None))


@portal.get("/invoices", operation_id="portal_invoices_list", response_model=InvoicesPublic,
            responses=READ)
async def my_invoices(session: SessionDep, page: PageDep, p: PortalRead) -> InvoicesPublic:
    """The caller's own customer invoices (empty for staff)."""
    rows, cursor = await Invoices(session, p.tenant_id).finalized_page_of(
        page, await bound_customer(session, p))
    return InvoicesPublic(data=[InvoicePublic.model_validate(r) for r in rows],
                          next_cursor=cursor)


@portal.get("/invoices/{invoice_id}/pdf", operation_id="portal_invoices_pdf",
            response_class=Response, responses=PDF_RESPONSES)
async def my_invoice_pdf(invoice_id: uuid.UUID, session: SessionDep, p: PortalRead,
                         if_none_match: IfNoneMatch = None) -> Response:
    """The PDF of one of the caller's own invoices or credit notes (404 for anyone else's;
    staff holding billing:read may fetch any of the tenant's)."""
    pdf = await customer_pdf(session, p.tenant_id, await bound_customer(session, p),
                             invoice_id, staff=p.has("billing:read"))
    return pdf_response(pdf, if_none_match)
