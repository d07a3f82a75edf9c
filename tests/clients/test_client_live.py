"""The generated client (clients/python, installed in the venv) against a live hub over
HTTP: signing in with a password and with an API key, sites, customers, paging with a
cursor, and hub errors arriving as typed RFC 9457 `Problem`s."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

from dotmac_hub_client import AuthenticatedClient, Client
from dotmac_hub_client.api.api_keys import api_keys_create
from dotmac_hub_client.api.auth import auth_login, auth_me
from dotmac_hub_client.api.billing import (
    billing_customers_create,
    billing_customers_get,
    billing_customers_list,
)
from dotmac_hub_client.api.sites import sites_create, sites_list
from dotmac_hub_client.models import (
    ApiKeyCreate,
    ApiKeyCreated,
    CustomerCreate,
    CustomerPublic,
    LoginRequest,
    PageCustomerPublic,
    PrincipalPublic,
    Problem,
    SiteCreate,
    SitePublic,
    SitesPublic,
    TokenPair,
)
from dotmac_hub_client.types import UNSET

from tests.clients.conftest import LiveHub
from tests.hub.harness import PASSWORD


async def signed_in(live: LiveHub, label: str) -> tuple[AuthenticatedClient, str]:
    """A new tenant's owner signed in through the client; (client, tenant id)."""
    owner = await live.hub.new_tenant(label)
    async with Client(base_url=live.url) as anonymous:
        tokens = await auth_login.asyncio(client=anonymous,
                                          body=LoginRequest(email=owner.email,
                                                            password=PASSWORD))
    assert isinstance(tokens, TokenPair), tokens
    return AuthenticatedClient(base_url=live.url, token=tokens.access_token), \
        str(owner.tenant_id)


async def test_password_login_and_api_key_both_reach_the_tenant(live_hub: LiveHub) -> None:
    hub, tenant_id = await signed_in(live_hub, "client-login")
    async with hub:
        me = await auth_me.asyncio_detailed(client=hub)
        assert me.status_code == 200 and isinstance(me.parsed, PrincipalPublic)
        assert str(me.parsed.tenant_id) == tenant_id
        made = await sites_create.asyncio(client=hub, body=SiteCreate(name="pop-north"))
        assert isinstance(made, SitePublic)
        key = await api_keys_create.asyncio(client=hub, body=ApiKeyCreate(
            name="portal back end", scopes=["sites:read", "billing:read"]))
    assert isinstance(key, ApiKeyCreated) and key.key.startswith("dmk_")
    async with AuthenticatedClient(base_url=live_hub.url, token=key.key) as portal:
        sites = await sites_list.asyncio(client=portal)
        assert isinstance(sites, SitesPublic)
        assert [s.name for s in sites.data] == ["pop-north"]
        refused = await sites_create.asyncio(client=portal, body=SiteCreate(name="nope"))
    assert isinstance(refused, Problem) and refused.status == 403


async def test_create_customers_and_page_through_them(live_hub: LiveHub) -> None:
    hub, _ = await signed_in(live_hub, "client-page")
    async with hub:
        created = []
        for n in range(7):
            made = await billing_customers_create.asyncio(client=hub, body=CustomerCreate(
                name=f"Customer {n}", currency="EUR", email=f"c{n}@example.net"))
            assert isinstance(made, CustomerPublic), made
            created.append(made.id)
        fetched = await billing_customers_get.asyncio(client=hub, customer_id=created[3])
        assert isinstance(fetched, CustomerPublic) and fetched.email == "c3@example.net"
        seen, pages, cursor = [], 0, UNSET
        while True:
            page = await billing_customers_list.asyncio(client=hub, limit=3, cursor=cursor)
            assert isinstance(page, PageCustomerPublic), page
            seen += [c.id for c in page.data]
            pages += 1
            if not page.next_cursor:
                break
            cursor = page.next_cursor
    assert sorted(seen) == sorted(created) and len(seen) == len(set(seen)) and pages == 3


async def test_hub_errors_are_typed_problems(live_hub: LiveHub) -> None:
    hub, _ = await signed_in(live_hub, "client-errors")
    async with hub:
        missing = await billing_customers_get.asyncio_detailed(client=hub,
                                                               customer_id=uuid.uuid4())
        invalid = await billing_customers_create.asyncio(client=hub, body=CustomerCreate(
            name="Bad", currency="euros"))
    assert missing.status_code == 404 and isinstance(missing.parsed, Problem)
    assert missing.parsed.status == 404 and "customer" in str(missing.parsed.detail)
    assert isinstance(invalid, Problem) and invalid.status == 422
    assert invalid.errors and "currency" in str(invalid.errors[0].to_dict())
    async with AuthenticatedClient(base_url=live_hub.url, token="dmk_not_a_key") as stranger:
        unknown = await sites_list.asyncio(client=stranger)
    assert isinstance(unknown, Problem) and unknown.status == 401


class HubError(Exception):
    """A hub error as the portal logs and shows it."""


def portal_backend(hub: AuthenticatedClient) -> tuple[Callable[[str, str], str],
                                                      Callable[[], list[str]]]:
    """docs/client.md's example, line for line (its module-level `hub` passed in)."""

    def sign_up(name: str, email: str) -> str:
        made = billing_customers_create.sync(client=hub, body=CustomerCreate(
            name=name, email=email, currency="EUR"))
        if isinstance(made, Problem):
            raise HubError(f"{made.status} {made.title}: {made.detail}")
        return str(made.id)

    def all_customers() -> list[str]:
        names, cursor = [], UNSET
        while True:
            page = billing_customers_list.sync(client=hub, limit=200, cursor=cursor)
            if isinstance(page, Problem):
                raise HubError(f"{page.status} {page.title}: {page.detail}")
            names += [c.name for c in page.data]
            if not page.next_cursor:
                return names
            cursor = page.next_cursor

    return sign_up, all_customers


async def test_the_portal_backend_of_docs_client_md(live_hub: LiveHub) -> None:
    """The blocking calls, with one client for several calls and a Problem raised."""
    hub, _ = await signed_in(live_hub, "client-sync")
    sign_up, all_customers = portal_backend(hub)

    def run() -> tuple[str, list[str], str]:
        with hub:
            made = sign_up("Ada Lovelace", "ada@example.net")
            sign_up("Grace Hopper", "grace@example.net")
            try:
                sign_up("", "nobody@example.net")
            except HubError as exc:
                refused = str(exc)
            return made, all_customers(), refused

    made, names, refused = await asyncio.to_thread(run)
    assert uuid.UUID(made) and sorted(names) == ["Ada Lovelace", "Grace Hopper"]
    assert refused.startswith("422 ")
