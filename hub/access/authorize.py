"""The hub's answer to FreeRADIUS's authorize call (POST /radius/authorize).

The NAS is the one the packet came from (RadiusCaller), so the tenant comes from the NAS
registry, never from the request's text. Then: the credential the request names (PPPoE
User-Name, or IPoE MAC / option 82), its subscription and plan, the state rule, the addresses
from IPAM and the vendor's attribute file. FreeRADIUS's pap or chap module then checks the
password against `control:Cleartext-Password`; a wrong password never reaches the hub.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.access import repository as repo
from hub.access.answer import Answer, Rate, reject, vendor_pairs, vendors
from hub.access.models import SubscriberCredential
from hub.access.service import credential_password, nas_for_address
from hub.access.settings import RadiusSettings
from hub.billing.models import Plan, Subscription
from hub.billing.network import THROTTLE_KBPS, cap_throttle_rates
from hub.ipam.service import SubscriberAddresses, subscriber_addresses

_HEX = re.compile(r"^0x([0-9a-fA-F]{2})+$")
_MAC_DIGITS = re.compile(r"^[0-9a-f]{12}$")


def attribute(body: dict[str, Any], name: str) -> str | None:
    """The first value of a request attribute in the rest module's JSON, as text (octets
    arrive as 0x-hex and are decoded when they are text)."""
    entry = body.get(name)
    if not isinstance(entry, dict) or not isinstance(entry.get("value"), list):
        return None
    values = entry["value"]
    if not values or not isinstance(values[0], str | int):
        return None
    text = str(values[0])
    if _HEX.match(text):
        try:
            return bytes.fromhex(text[2:]).decode()
        except UnicodeDecodeError:
            return text
    return text


def normal_mac(text: str | None) -> str | None:
    """aa:bb:cc:dd:ee:ff from any common MAC spelling, or None when it is no MAC."""
    if not text:
        return None
    digits = re.sub(r"[^0-9a-f]", "", text.lower())
    if not _MAC_DIGITS.match(digits) or len(text) > 17:
        return None
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


@dataclass(frozen=True)
class RequestKeys:
    """What a request may be identified by."""

    username: str
    mac: str | None
    circuit_id: str | None
    remote_id: str | None


def request_keys(body: dict[str, Any], max_username_bytes: int) -> RequestKeys | Answer:
    """The request's identifiers, or the rejection of a malformed / oversized one."""
    username = attribute(body, "User-Name")
    if username is None or not username.strip():
        return reject("malformed", "request has no User-Name")
    if len(username.encode()) > max_username_bytes:
        return reject("oversized_username",
                      f"User-Name longer than {max_username_bytes} bytes")
    mac = normal_mac(attribute(body, "Calling-Station-Id")) or normal_mac(username)
    return RequestKeys(username, mac, attribute(body, "ADSL-Agent-Circuit-Id"),
                       attribute(body, "ADSL-Agent-Remote-Id"))


class RadiusAuthorizer:
    """Decides one Access-Request for FreeRADIUS."""

    def __init__(self, session: AsyncSession, secret_key: str, settings: RadiusSettings,
                 interim_interval_s: int) -> None:
        self.session = session
        self.secret_key = secret_key
        self.settings = settings
        self.interim_interval_s = interim_interval_s

    async def answer(self, nas_address: str, body: dict[str, Any]) -> Answer:
        """Accept with attributes, or a rejection with its reason."""
        nas = await nas_for_address(self.session, nas_address) if nas_address else None
        if nas is None:
            return reject("unknown_nas", "NAS not registered at the hub")
        keys = request_keys(body, self.settings.max_username_bytes)
        if isinstance(keys, Answer):
            return keys
        found = await repo.subscriber(self.session, nas.tenant_id, username=keys.username,
                                      mac=keys.mac, circuit_id=keys.circuit_id,
                                      remote_id=keys.remote_id)
        if found is None:
            return reject("unknown_user", "unknown subscriber")
        credential, sub, plan = found
        return await self.subscriber_answer(nas.vendor, credential, sub, plan,
                                            by_username=credential.username == keys.username)

    async def subscriber_answer(self, vendor: str, credential: SubscriberCredential,
                                sub: Subscription, plan: Plan, *, by_username: bool) -> Answer:
        """The answer for one subscriber through a NAS of `vendor`: the one builder of both
        backends (the rest route calls it per request, hub.access.answers materializes it
        per vendor and login key for the sql backend)."""
        facts = await self.facts(sub, plan)
        return self.build(facts, vendor, credential, by_username=by_username)

    async def facts(self, sub: Subscription, plan: Plan) -> AnswerFacts:
        """What the answer depends on besides the vendor: read once per subscriber."""
        action = "rate" if sub.status == "active" else await self._restricted_action(sub,
                                                                                    plan)
        rate = _plan_rate(plan)
        if action == "throttle":
            rate = Rate(THROTTLE_KBPS, THROTTLE_KBPS)
        elif action == "rate":
            capped = await cap_throttle_rates(self.session, sub)
            rate = rate if capped is None else Rate(int(capped[0]), int(capped[1]))
        addresses = (await subscriber_addresses(self.session, sub.tenant_id, sub.id)
                     if action != "reject" else None)
        return AnswerFacts(sub.id, sub.status, action, rate, addresses)

    def build(self, facts: AnswerFacts, vendor: str, credential: SubscriberCredential, *,
              by_username: bool) -> Answer:
        """The plan's rule for the state, in the vendor's attributes, with the password to
        check (PPPoE by User-Name) or Accept (IPoE by MAC / option 82)."""
        if facts.action == "reject":
            return reject(facts.status, f"subscription {facts.status}")
        attributes = vendors()[vendor]
        what = "walled_garden" if facts.action == "walled_garden" else "rate"
        answer = Answer(True, reply=vendor_pairs(attributes, what, facts.rate,
                                                 self.settings.walled_garden))
        password = credential_password(credential, self.secret_key)
        answer.control = ([("Cleartext-Password", password)]
                          if password is not None and by_username
                          else [("Auth-Type", "Accept")])
        self._add_session_attributes(answer, facts)
        return answer

    async def _restricted_action(self, sub: Subscription, plan: Plan) -> str:
        """reject | walled_garden | throttle for a subscription that is not active."""
        if sub.status == "suspended":
            if plan.radius_suspended_action:
                return plan.radius_suspended_action
            mode = await repo.last_suspend_mode(self.session, sub.id)
            return "throttle" if mode == "throttle" else "reject"
        if sub.status == "terminated" and plan.radius_suspended_action == "walled_garden":
            return "walled_garden"
        return "reject"  # pending, terminated

    def _add_session_attributes(self, answer: Answer, facts: AnswerFacts) -> None:
        """Addresses from IPAM, timers, and Class (echoed in accounting: the subscription)."""
        if facts.addresses is not None:
            answer.reply += address_pairs(facts.addresses, answer.reply)
        timeout = (self.settings.session_timeout_s if facts.status == "active"
                   else self.settings.suspended_session_timeout_s)
        if timeout:
            answer.reply.append(("Session-Timeout", str(timeout)))
        answer.reply.append(("Acct-Interim-Interval", str(self.interim_interval_s)))
        answer.reply.append(("Class", class_of(facts.subscription_id)))


@dataclass(frozen=True)
class AnswerFacts:
    """A subscriber's state as the answer sees it (independent of the NAS vendor)."""

    subscription_id: uuid.UUID
    status: str
    action: str  # rate | walled_garden | reject (throttle is a rate)
    rate: Rate
    addresses: SubscriberAddresses | None


def class_of(subscription_id: uuid.UUID) -> str:
    """The Class attribute the NAS echoes in every accounting packet of the session."""
    return f"dotmac:{subscription_id}"


def _plan_rate(plan: Plan) -> Rate:
    return Rate(int(plan.down_kbps), int(plan.up_kbps))


def address_pairs(addresses: SubscriberAddresses, already: list[tuple[str, str]]
                  ) -> list[tuple[str, str]]:
    """Framed-IP-Address / Framed-IPv6-Prefix / Delegated-IPv6-Prefix, or Framed-Pool when
    there is no static IPv4 address (unless the answer already names a pool)."""
    pairs = []
    if addresses.ipv4:
        pairs.append(("Framed-IP-Address", addresses.ipv4))
    elif addresses.pool_name and not any(name == "Framed-Pool" for name, _ in already):
        pairs.append(("Framed-Pool", addresses.pool_name))
    if addresses.ipv6_prefix:
        pairs.append(("Framed-IPv6-Prefix", addresses.ipv6_prefix))
    if addresses.delegated_prefix:
        pairs.append(("Delegated-IPv6-Prefix", addresses.delegated_prefix))
    return pairs
