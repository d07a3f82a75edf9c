"""Billing endpoints (thin: parse, call BillingService, shape the answer)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from hub.api.deps import RequirePermission, SessionDep
from hub.billing import schemas as s
from hub.billing.models import Customer, Payment, Plan, Subscription
from hub.billing.service import BillingService
from hub.errors import error_docs
from hub.pagination import PageDep
from hub.principal import Principal

router = APIRouter(prefix="/billing", tags=["billing"])
READ, WRITE = error_docs(401, 403, 422, 429), error_docs(401, 403, 404, 409, 422, 429)
ONE = error_docs(401, 403, 404, 422, 429)
BillingRead = Annotated[Principal, RequirePermission("billing:read")]
BillingWrite = Annotated[Principal, RequirePermission("billing:write")]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=128,
    description="Same key + same body returns the original payment (200); a different body "
                "is a 409. Keys are per tenant.")]


@router.get("/customers", operation_id="billing_customers_list",
            response_model=s.CustomersPublic, responses=READ)
async def list_customers(session: SessionDep, page: PageDep, p: BillingRead) -> s.CustomersPublic:
    """Customers of the tenant."""
    rows, cursor = await BillingService(session, p).customers.page(page)
    return s.CustomersPublic(data=[s.CustomerPublic.model_validate(r) for r in rows],
                             next_cursor=cursor)


@router.post("/customers", operation_id="billing_customers_create", status_code=201,
             response_model=s.CustomerPublic, responses=WRITE)
async def create_customer(body: s.CustomerCreate, session: SessionDep, p: BillingWrite,
                          ) -> Customer:
    """Add a customer."""
    return await BillingService(session, p).create_customer(body)


@router.get("/customers/{customer_id}", operation_id="billing_customers_get",
            response_model=s.CustomerPublic, responses=ONE)
async def get_customer(customer_id: uuid.UUID, session: SessionDep, p: BillingRead) -> Customer:
    """One customer."""
    return await BillingService(session, p).customers.get(customer_id)


@router.get("/customers/{customer_id}/ledger", operation_id="billing_ledger_get",
            response_model=s.LedgerPublic, responses=ONE)
async def get_ledger(customer_id: uuid.UUID, session: SessionDep, p: BillingRead,
                     ) -> s.LedgerPublic:
    """Balance (invoiced - paid - credited + refunded), credit and every entry."""
    return await BillingService(session, p).ledger(customer_id)


@router.post("/customers/{customer_id}/refunds", operation_id="billing_refunds_create",
             status_code=201, response_model=s.LedgerPublic, responses=WRITE)
async def refund(customer_id: uuid.UUID, body: s.RefundCreate, session: SessionDep,
                 p: BillingWrite) -> s.LedgerPublic:
    """Pay back part of the customer's credit balance."""
    return await BillingService(session, p).refund(customer_id, body)


@router.get("/plans", operation_id="billing_plans_list", response_model=s.PlansPublic,
            responses=READ)
async def list_plans(session: SessionDep, page: PageDep, p: BillingRead) -> s.PlansPublic:
    """Plans of the tenant."""
    rows, cursor = await BillingService(session, p).plans.page(page)
    return s.PlansPublic(data=[s.PlanPublic.model_validate(r) for r in rows],
                         next_cursor=cursor)


@router.post("/plans", operation_id="billing_plans_create", status_code=201,
             response_model=s.PlanPublic, responses=WRITE)
async def create_plan(body: s.PlanCreate, session: SessionDep, p: BillingWrite) -> Plan:
    """Add a plan."""
    return await BillingService(session, p).create_plan(body)


@router.post("/tax-rates", operation_id="billing_tax_rates_create", status_code=201,
             response_model=s.TaxRatePublic, responses=WRITE)
async def create_tax_rate(body: s.TaxRateCreate, session: SessionDep, p: BillingWrite,
                          ) -> s.TaxRatePublic:
    """Define the tax rate of a jurisdiction."""
    return s.TaxRatePublic.model_validate(
        await BillingService(session, p).create_tax_rate(body))


@router.get("/subscriptions", operation_id="billing_subscriptions_list",
            response_model=s.SubscriptionsPublic, responses=READ)
async def list_subscriptions(session: SessionDep, page: PageDep, p: BillingRead,
                             ) -> s.SubscriptionsPublic:
    """Subscriptions with their out-of-sync flag."""
    service = BillingService(session, p)
    rows, cursor = await service.subs.page(page)
    return s.SubscriptionsPublic(data=[await service.describe(r) for r in rows],
                                 next_cursor=cursor)


@router.post("/subscriptions", operation_id="billing_subscriptions_create", status_code=201,
             response_model=s.SubscriptionPublic, responses=WRITE)
async def create_subscription(body: s.SubscriptionCreate, session: SessionDep, p: BillingWrite,
                              ) -> s.SubscriptionPublic:
    """A pending subscription of a customer to a plan on a device port."""
    service = BillingService(session, p)
    return await service.describe(await service.create_subscription(body))


@router.get("/subscriptions/{subscription_id}", operation_id="billing_subscriptions_get",
            response_model=s.SubscriptionPublic, responses=ONE)
async def get_subscription(subscription_id: uuid.UUID, session: SessionDep, p: BillingRead,
                           ) -> s.SubscriptionPublic:
    """One subscription, flagged when the network disagrees with its billing state."""
    service = BillingService(session, p)
    return await service.describe(await service.subs.get(subscription_id))


@router.post("/subscriptions/{subscription_id}/transitions",
             operation_id="billing_subscriptions_transition",
             response_model=s.SubscriptionPublic, responses=WRITE)
async def transition(subscription_id: uuid.UUID, body: s.Transition, session: SessionDep,
                     p: BillingWrite) -> s.SubscriptionPublic:
    """Activate, suspend, resume, terminate or change plan (requests the network action)."""
    service = BillingService(session, p)
    sub: Subscription = await service.transition(subscription_id, body)
    return await service.describe(sub)


@router.post("/runs", operation_id="billing_runs_create", response_model=s.RunResult,
             responses=WRITE)
async def run(body: s.BillingRun, session: SessionDep, p: BillingWrite) -> s.RunResult:
    """Invoice a period; running it again creates nothing new."""
    service = BillingService(session, p)
    return s.RunResult(created=[await service.invoice_out(i) for i in await service.run(body)])


@router.get("/invoices", operation_id="billing_invoices_list",
            response_model=s.InvoicesPublic, responses=READ)
async def list_invoices(session: SessionDep, page: PageDep, p: BillingRead,
                        customer_id: Annotated[uuid.UUID | None, Query()] = None,
                        ) -> s.InvoicesPublic:
    """Invoices and credit notes (without lines)."""
    rows, cursor = await BillingService(session, p).list_invoices(page, customer_id)
    return s.InvoicesPublic(data=[s.InvoicePublic.model_validate(r) for r in rows],
                            next_cursor=cursor)


@router.get("/invoices/{invoice_id}", operation_id="billing_invoices_get",
            response_model=s.InvoicePublic, responses=ONE)
async def get_invoice(invoice_id: uuid.UUID, session: SessionDep, p: BillingRead,
                      ) -> s.InvoicePublic:
    """One invoice with its lines."""
    service = BillingService(session, p)
    return await service.invoice_out(await service.invoices.get(invoice_id))


@router.post("/invoices/{invoice_id}/credit-notes", operation_id="billing_credit_notes_create",
             status_code=201, response_model=s.InvoicePublic, responses=WRITE)
async def credit_note(invoice_id: uuid.UUID, body: s.CreditNoteCreate, session: SessionDep,
                      p: BillingWrite) -> s.InvoicePublic:
    """Correct a finalized invoice with a credit note."""
    service = BillingService(session, p)
    return await service.invoice_out(await service.credit_note(invoice_id, body))


@router.get("/payments", operation_id="billing_payments_list",
            response_model=s.PaymentsPublic, responses=READ)
async def list_payments(session: SessionDep, page: PageDep, p: BillingRead) -> s.PaymentsPublic:
    """Payments received."""
    rows, cursor = await BillingService(session, p).payments.page(page)
    return s.PaymentsPublic(data=[s.PaymentPublic.model_validate(r) for r in rows],
                            next_cursor=cursor)


@router.post("/payments", operation_id="billing_payments_create", status_code=201,
             response_model=s.PaymentPublic, responses=WRITE)
async def pay(body: s.PaymentCreate, session: SessionDep, p: BillingWrite, response: Response,
              key: IdempotencyKey = None) -> Payment:
    """Record a payment; allocated to named invoices, then oldest first (200 and the same
    payment on a replayed Idempotency-Key)."""
    payment, created = await BillingService(session, p).pay(body, key)
    if not created:
        response.status_code = 200
    return payment


@router.post("/payments/import", operation_id="billing_payments_import",
             response_model=s.ImportPublic, responses=WRITE)
async def import_payments(body: s.PaymentImport, session: SessionDep, p: BillingWrite,
                          ) -> s.ImportPublic:
    """Import a bank CSV; rows with a known reference are skipped as duplicates."""
    return await BillingService(session, p).import_csv(body)


@router.get("/dunning/policy", operation_id="billing_dunning_policy_get",
            response_model=s.DunningPolicyBody, responses=READ)
async def get_policy(session: SessionDep, p: BillingRead) -> s.DunningPolicyBody:
    """The dunning policy."""
    return s.DunningPolicyBody.model_validate(await BillingService(session, p).policy())


@router.put("/dunning/policy", operation_id="billing_dunning_policy_set",
            response_model=s.DunningPolicyBody, responses=WRITE)
async def set_policy(body: s.DunningPolicyBody, session: SessionDep, p: BillingWrite,
                     ) -> s.DunningPolicyBody:
    """Replace the dunning policy."""
    return s.DunningPolicyBody.model_validate(await BillingService(session, p).set_policy(body))


@router.post("/dunning/runs", operation_id="billing_dunning_run",
             response_model=s.DunningRunResult, responses=WRITE)
async def dunning_run(body: s.DunningRun, session: SessionDep, p: BillingWrite,
                      ) -> s.DunningRunResult:
    """Take the dunning steps due on `today`."""
    return await BillingService(session, p).dunning_run(body)
