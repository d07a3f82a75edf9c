"""The tenant's billing profile: read and replaced through the API; later documents print
it, documents already issued keep what they printed."""

from __future__ import annotations

import base64
import io
import uuid

from reportlab.lib.utils import ImageReader
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.documents.models import BillingProfile
from hub.billing.documents.repository import profile_of
from hub.billing.documents.schemas import BillingProfileBody, BillingProfilePublic
from hub.db import utcnow
from hub.errors import InvalidRequestError
from hub.repository import commit_or_conflict

_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
MAX_LOGO_PX = 4000


def logo_type(data: bytes) -> str:
    """image/png or image/jpeg when `data` is a readable logo; 422 naming the cause else."""
    kind = next((k for magic, k in _MAGIC if data.startswith(magic)), None)
    if kind is None:
        raise InvalidRequestError("logo_base64: neither PNG nor JPEG; export the logo as "
                                  "one of those")
    try:
        width, height = ImageReader(io.BytesIO(data)).getSize()
    except Exception as exc:  # any decoder failure means the same to the sender
        raise InvalidRequestError(f"logo_base64: the {kind} cannot be read ({exc}); export "
                                  "it again") from exc
    if max(width, height) > MAX_LOGO_PX or min(width, height) < 1:
        raise InvalidRequestError(f"logo_base64: {width} x {height} px; at most "
                                  f"{MAX_LOGO_PX} px a side")
    return kind


def public(row: BillingProfile | None) -> BillingProfilePublic:
    """The profile as the API shows it (empty before one is set)."""
    if row is None:
        return BillingProfilePublic()
    return BillingProfilePublic(
        legal_name=row.legal_name, address_lines=list(row.address_lines), tax_id=row.tax_id,
        email=row.email, payment_details=row.payment_details,
        logo_base64=base64.b64encode(row.logo).decode() if row.logo else None,
        logo_type=row.logo_type, logo_bytes=len(row.logo or b""))


async def get_profile(session: AsyncSession, tenant_id: uuid.UUID) -> BillingProfilePublic:
    """The tenant's billing profile."""
    return public(await profile_of(session, tenant_id))


async def set_profile(session: AsyncSession, tenant_id: uuid.UUID, body: BillingProfileBody,
                      ) -> BillingProfilePublic:
    """Replace the tenant's billing profile (issued documents do not change)."""
    logo = base64.b64decode(body.logo_base64) if body.logo_base64 is not None else None
    kind = logo_type(logo) if logo is not None else None
    row = await profile_of(session, tenant_id)
    if row is None:
        row = BillingProfile(tenant_id=tenant_id)
        session.add(row)
    values = body.model_dump(exclude={"logo_base64"})
    for key, value in values.items():
        setattr(row, key, value)
    row.logo, row.logo_type, row.updated_at = logo, kind, utcnow()
    await commit_or_conflict(session, "billing profile: changed by another request; send it "
                             "again")
    return public(row)
