"""Workshop members: the owner adds co-facilitators and observers by the e-mail of an existing account.

Ownership can be handed over: the new owner must already be a member, and the previous owner stays on as
co-facilitator (so nobody is locked out of a workshop by a mis-click).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.models import User, Workshop, WorkshopMember, WorkshopRole
from app.services import access, accounts
from app.services.errors import FieldError, invalid, invalid_field, not_found

ROLES = (WorkshopRole.co_facilitator.value, WorkshopRole.observer.value)


def listing(workshop: Workshop) -> list[WorkshopMember]:
    return list(db.session.scalars(sa.select(WorkshopMember).where(WorkshopMember.workshop_id == workshop.id)
                                   .order_by(WorkshopMember.added_at, WorkshopMember.id)))


def document(workshop: Workshop) -> list[dict[str, Any]]:
    rows = [{"user_id": workshop.owner_id, "email": workshop.owner.email, "name": workshop.owner.name,
             "role": access.OWNER}]
    return rows + [{"user_id": m.user_id, "email": m.user.email, "name": m.user.name, "role": m.role}
                   for m in listing(workshop)]


def add(workshop: Workshop, actor: User, email: Any, role: Any) -> WorkshopMember:
    """Add or change a member (owner only); 422 for an unknown address or role."""
    access.require(workshop, actor, "own")
    if role not in ROLES:
        raise invalid_field("role", _("Choose co-facilitator or observer."))
    user = accounts.find_by_email(email) if isinstance(email, str) and email.strip() else None
    if user is None:
        raise invalid([FieldError("email", _("No facilitator account has this address; an administrator can "
                                             "invite them first."))], _("No facilitator account has this address."))
    if user.id == workshop.owner_id:
        raise invalid_field("email", _("This is the workshop's owner."))
    member = db.session.scalar(sa.select(WorkshopMember).where(
        WorkshopMember.workshop_id == workshop.id, WorkshopMember.user_id == user.id))
    if member is None:
        member = WorkshopMember(workshop_id=workshop.id, user_id=user.id, role=role)
        db.session.add(member)
    member.role = role
    db.session.flush()
    return member


def remove(workshop: Workshop, actor: User, user_id: int) -> None:
    """The owner removes anyone; a member may leave on their own."""
    if actor.id != user_id:
        access.require(workshop, actor, "own")
    member = db.session.scalar(sa.select(WorkshopMember).where(
        WorkshopMember.workshop_id == workshop.id, WorkshopMember.user_id == user_id))
    if member is None:
        raise not_found(_("This account is not a member of the workshop."))
    db.session.delete(member)
    db.session.flush()


def transfer(workshop: Workshop, actor: User, user_id: int) -> None:
    """Hand the workshop to a member; the old owner becomes a co-facilitator."""
    access.require(workshop, actor, "own")
    member = db.session.scalar(sa.select(WorkshopMember).where(
        WorkshopMember.workshop_id == workshop.id, WorkshopMember.user_id == user_id))
    if member is None:
        raise invalid_field("user_id", _("Add the person as a member first."))
    previous = workshop.owner_id
    db.session.delete(member)
    db.session.flush()
    workshop.owner_id = user_id
    db.session.add(WorkshopMember(workshop_id=workshop.id, user_id=previous,
                                  role=WorkshopRole.co_facilitator.value))
    db.session.flush()
