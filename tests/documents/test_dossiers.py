"""Dossiers for calls for proposals: the documents of one submission against the items the
call requires, and what is still missing."""

from django.urls import reverse

from documents.models import Dossier
from networks.scoping import network_scope
from tests.documents.test_library import make

DOSSIERS = reverse("documents:dossiers", kwargs={"network": "kyrgyzstan"})
NEW = reverse("documents:dossier-create", kwargs={"network": "kyrgyzstan"})


def page(dossier):
    return reverse("documents:dossier", kwargs={"network": "kyrgyzstan", "dossier_id": dossier.pk})


def add(dossier):
    return reverse(
        "documents:dossier-add", kwargs={"network": "kyrgyzstan", "dossier_id": dossier.pk}
    )


def test_a_dossier_shows_what_the_call_still_needs(kyrgyzstan, login):
    client = login(kyrgyzstan.secretariat)
    client.post(
        NEW,
        {
            "title": "MPTF 2026 submission",
            "call": "Migration MPTF, 2026 call",
            "deadline": "2026-12-31",
            "required_items": "Concept note\nBudget\n\nResults framework",
        },
    )
    with network_scope(kyrgyzstan.network):
        dossier = Dossier.objects.get()
    assert dossier.required_items == ["Concept note", "Budget", "Results framework"]
    concept = make(kyrgyzstan, title="Concept note on labour migration")
    budget = make(
        kyrgyzstan,
        title="Budget",
        confidentiality="restricted",
        organisations=[kyrgyzstan.organisations["IOM"]],
    )
    client.post(add(dossier), {"document": concept.pk, "requirement": "Concept note"})
    client.post(add(dossier), {"document": budget.pk, "requirement": "Budget"})
    shown = client.get(page(dossier)).content.decode()
    assert "Still missing:</strong> Results framework" in shown

    member = login(kyrgyzstan.member).get(page(dossier)).content.decode()
    assert "Concept note on labour migration" in member
    assert "Provided (not open to you)" in member  # the restricted budget is there
    assert ">Budget</a>" not in member
    assert "Still missing:</strong> Results framework" in member


def test_bad_input_changes_nothing(kyrgyzstan, login):
    client = login(kyrgyzstan.secretariat)
    response = client.post(NEW, {"title": "X", "call": "Y", "required_items": " \n "})
    assert "This field is required." in response.content.decode()
    response = client.post(NEW, {"title": "X", "call": "Y", "required_items": "A\nA"})
    assert "Each required item appears once." in response.content.decode()
    with network_scope(kyrgyzstan.network):
        assert not Dossier.objects.exists()


def test_external_partners_do_not_see_dossiers(kyrgyzstan, login):
    assert login(kyrgyzstan.partner).get(DOSSIERS).status_code == 403
    assert login(kyrgyzstan.member).get(DOSSIERS).status_code == 200
