"""Billing endpoints (thin: parse, call BillingService, shape the answer)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from hub.api.deps import RequirePermission, SessionDep
from hub.api.idempotency import ClientKey
from hub.billing import schemas as s
from hub.billing.caps import enforce_usage_caps
from hub.billing.catalogue import Catalogue, today_utc
from hub.billing.models import Customer, Payment, Plan, Subscription, TaxRate
from hub.billing.network import network_actions
from hub.billing.service import BillingService
from hub.errors import error_docs
from hub.pagination import PageDep
from hub.principal import Principal

router = APIRouter(prefix="/billing", tags=["billing"])
READ, WRITE = error_docs(401, 403, 422, 429), error_docs(401, 403, 404, 409, 422, 429)
ONE = error_docs(401, 403, 404, 422, 429)
BillingRead = Annotated[Principal, RequirePermission("billing:read")]
BillingWrite = Annotated[Principal, RequirePermission("billing:write")]


IncludeArchived = Annotated[bool, Query(description="also list archived ones")]
Search = Annotated[str | None, Query(
    min_length=1, max_length=200, description="text contained (ignoring case) in the name, "
    "e-mail, account number, service address or phone")]


def _catalogue(session: SessionDep, p: Principal) -> Catalogue:
    return BillingService(session, p).catalogue


@router.get("/customers", operation_id="billing_customers_list",
            response_model=s.CustomersPublic, responses=READ)
async def list_customers(session: SessionDep, page: PageDep, p: BillingRead,
                         q: Search = None, include_archived: IncludeArchived = False,
                         ) -> s.CustomersPublic:
    """Customers of the tenant (not archived unless asked), optionally matching `q`."""
    rows, cursor = await _catalogue(session, p).customers.search(page, q, include_archived)
    return s.CustomersPublic(data=[s.CustomerPublic.model_validate(r) for r in rows],
                             next_cursor=cursor)


@router.post("/customers", operation_id="billing_customers_create", status_code=201,
             response_model=s.CustomerPublic, responses=WRITE)
async def create_customer(body: s.CustomerCreate, session: SessionDep, p: BillingWrite,
                          ) -> Customer:
    """Add a customer."""
    return await _catalogue(session, p).create_customer(body)


@router.patch("/customers/{customer_id}", operation_id="billing_customers_update",
              response_model=s.CustomerPublic, responses=WRITE)
async def update_customer(customer_id: uuid.UUID, body: s.CustomerUpdate, session: SessionDep,
                          p: BillingWrite) -> Customer:
    """Change a customer's details (fields left out are kept; the currency never changes)."""
    return await _catalogue(session, p).update_customer(customer_id, body)


@router.post("/customers/{customer_id}/archive", operation_id="billing_customers_archive",
             response_model=s.CustomerPublic, responses=WRITE)
async def archive_customer(customer_id: uuid.UUID, session: SessionDep, p: BillingWrite,
                           ) -> Customer:
    """Archive a customer: 409 while a subscription is pending, active or suspended, or the
    ledger is not settled (balance or credit)."""
    return await _catalogue(session, p).archive_customer(customer_id)


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
async def list_plans(session: SessionDep, page: PageDep, p: BillingRead,
                     include_archived: IncludeArchived = False) -> s.PlansPublic:
    """Plan versions of the tenant (not archived unless asked)."""
    rows, cursor = await _catalogue(session, p).plans.listed(page, include_archived)
    return s.PlansPublic(data=[s.PlanPublic.model_validate(r) for r in rows],
                         next_cursor=cursor)


@router.post("/plans", operation_id="billing_plans_create", status_code=201,
             response_model=s.PlanPublic, responses=WRITE)
async def create_plan(body: s.PlanCreate, session: SessionDep, p: BillingWrite) -> Plan:
    """Add a plan (billed per month, quarter or year)."""
    return await _catalogue(session, p).create_plan(body)


@router.get("/plans/{plan_id}", operation_id="billing_plans_get", response_model=s.PlanPublic,
            responses=ONE)
async def get_plan(plan_id: uuid.UUID, session: SessionDep, p: BillingRead) -> Plan:
    """One plan version."""
    return await _catalogue(session, p).plans.get(plan_id)


@router.patch("/plans/{plan_id}", operation_id="billing_plans_update",
              response_model=s.PlanPublic, responses=WRITE)
async def update_plan(plan_id: uuid.UUID, body: s.PlanUpdate, session: SessionDep,
                      p: BillingWrite) -> Plan:
    """Rename or redescribe a plan (all its versions); prices change with a new version."""
    return await _catalogue(session, p).update_plan(plan_id, body)


@router.post("/plans/{plan_id}/archive", operation_id="billing_plans_archive",
             response_model=s.PlanPublic, responses=WRITE)
async def archive_plan(plan_id: uuid.UUID, session: SessionDep, p: BillingWrite) -> Plan:
    """Archive a plan (all versions): no new subscriptions or changes to it; subscriptions on
    it keep running."""
    return await _catalogue(session, p).archive_plan(plan_id)


@router.post("/plans/{plan_id}/versions", operation_id="billing_plan_versions_create",
             status_code=201, response_model=s.PlanPublic, responses=WRITE)
async def add_plan_version(plan_id: uuid.UUID, body: s.PlanVersionCreate, session: SessionDep,
                           p: BillingWrite) -> Plan:
    """A new price from `effective_from`: new subscriptions get it; existing ones keep their
    version until moved (change_plan, or POST /billing/plans/{id}/move-subscriptions)."""
    return await _catalogue(session, p).add_plan_version(plan_id, body)


@router.post("/plans/{plan_id}/move-subscriptions", operation_id="billing_plans_move",
             response_model=s.PlanMoveResult, responses=WRITE)
async def move_subscriptions(plan_id: uuid.UUID, body: s.PlanMove, session: SessionDep,
                             p: BillingWrite) -> s.PlanMoveResult:
    """Move the active and suspended subscriptions on older versions of the plan to the
    version in force on `on` (a plan change each; refusals are listed)."""
    return await _catalogue(session, p).move_to_current(plan_id, body)


@router.get("/tax-rates", operation_id="billing_tax_rates_list",
            response_model=s.TaxRatesPublic, responses=READ)
async def list_tax_rates(session: SessionDep, page: PageDep, p: BillingRead,
                         include_archived: IncludeArchived = False) -> s.TaxRatesPublic:
    """Tax rates of the tenant (not archived unless asked)."""
    rows, cursor = await _catalogue(session, p).taxes.listed(page, include_archived)
    return s.TaxRatesPublic(data=[s.TaxRatePublic.model_validate(r) for r in rows],
                            next_cursor=cursor)


@router.post("/tax-rates", operation_id="billing_tax_rates_create", status_code=201,
             response_model=s.TaxRatePublic, responses=WRITE)
async def create_tax_rate(body: s.TaxRateCreate, session: SessionDep, p: BillingWrite,
                          ) -> TaxRate:
    """Define the tax rate of a jurisdiction."""
    return await _catalogue(session, p).create_tax_rate(body)


@router.get("/tax-rates/{rate_id}", operation_id="billing_tax_rates_get",
            response_model=s.TaxRatePublic, responses=ONE)
async def get_tax_rate(rate_id: uuid.UUID, session: SessionDep, p: BillingRead) -> TaxRate:
    """One tax rate."""
    return await _catalogue(session, p).taxes.get(rate_id)


@router.patch("/tax-rates/{rate_id}", operation_id="billing_tax_rates_update",
              response_model=s.TaxRatePublic, responses=WRITE)
async def update_tax_rate(rate_id: uuid.UUID, body: s.TaxRateUpdate, session: SessionDep,
                          p: BillingWrite) -> TaxRate:
    """Rename, or set the rate of invoices created from now on (invoices already created
    keep the rate they carry)."""
    return await _catalogue(session, p).update_tax_rate(rate_id, body)


@router.post("/tax-rates/{rate_id}/archive", operation_id="billing_tax_rates_archive",
             response_model=s.TaxRatePublic, responses=WRITE)
async def archive_tax_rate(rate_id: uuid.UUID, session: SessionDep, p: BillingWrite,
                           ) -> TaxRate:
    """Archive a rate: 409 while a customer (not archived) is taxed in its jurisdiction."""
    return await _catalogue(session, p).archive_tax_rate(rate_id)


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
              key: ClientKey) -> Payment:
    """Record a payment; allocated to named invoices, then oldest first. The payment keeps
    its Idempotency-Key for good: past the 24 h replay (docs/api.md), the same key and body
    answer the same payment (200), another body a 422."""
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


@router.post("/usage-caps/run", operation_id="billing_usage_caps_run",
             response_model=s.UsageCapReport, responses=WRITE)
async def usage_caps_run(body: s.UsageCapRun, session: SessionDep, p: BillingWrite,
                         ) -> s.UsageCapReport:
    """Enforce the GB caps now (the daily schedule does the same): throttle subscriptions
    over their cap, restore those whose period ended; a second run changes nothing."""
    report = await enforce_usage_caps(session, p.tenant_id, body.today or today_utc(),
                                      network_actions(session, p))
    return s.UsageCapReport.model_validate(report, from_attributes=True)


@router.post("/dunning/runs", operation_id="billing_dunning_run",
             response_model=s.DunningRunResult, responses=WRITE)
async def dunning_run(body: s.DunningRun, session: SessionDep, p: BillingWrite,
                      ) -> s.DunningRunResult:
    """Take the dunning steps due on `today`."""
    return await BillingService(session, p).dunning_run(body)
