"""What documents shows on the network home (networks.home): the documents circulated
lately that the person may open. Registered in DocumentsConfig.ready()."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from circulation.models import Circulation
from documents.models import Document
from documents.selectors import documents_visible
from networks.home import register_panel
from networks.roles import Action

if TYPE_CHECKING:
    from networks.access import NetworkAccess

RECENT_DAYS = 30
SHOWN = 5


def _panel(access: NetworkAccess) -> dict:
    """The last SHOWN documents circulated in the last RECENT_DAYS days, of those the person
    may open (documents.selectors.visibility_filter): one query."""
    mailings = Circulation.objects.filter(
        kind=Circulation.Kind.DOCUMENT,
        about_type=ContentType.objects.get_for_model(Document),
        about_id=OuterRef("pk"),
        created_at__gte=timezone.now() - timedelta(days=RECENT_DAYS),
    ).order_by("-created_at")
    documents = list(
        documents_visible(access=access)
        .annotate(circulated_at=Subquery(mailings.values("created_at")[:1]))
        .filter(circulated_at__isnull=False)
        .order_by("-circulated_at", "-pk")[:SHOWN]
    )
    return {"documents": documents}


def register() -> None:
    register_panel(
        "documents",
        action=Action.DOCUMENTS_VIEW,
        template="documents/home_panel.html",
        data=_panel,
        order=35,
    )
