from circulation import services
from tests.api.test_schema import check


def test_the_secretariat_pulls_mailings_and_deliveries_as_documented(kyrgyzstan, client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    circulation = services.circulation_create(
        network=kyrgyzstan.network,
        kind="document",
        sender=kyrgyzstan.secretariat,
        recipients=[
            services.Recipient.of(kyrgyzstan.member),
            services.Recipient.of(kyrgyzstan.rco),
        ],
        template="document",
        context={"title": "Study"},
    )
    client.force_login(kyrgyzstan.secretariat)
    base = "/api/v1/networks/{network}/circulations/"
    listing = client.get("/api/v1/networks/kyrgyzstan/circulations/")
    assert listing.status_code == 200
    assert listing.json()["results"][0]["total"] == 2
    check(schema, base, "get", 200, listing.json())
    detail = client.get(f"/api/v1/networks/kyrgyzstan/circulations/{circulation.pk}/")
    assert {d["status"] for d in detail.json()["deliveries"]} == {"queued"}
    check(schema, base + "{id}/", "get", 200, detail.json())

    client.force_login(kyrgyzstan.member)
    forbidden = client.get("/api/v1/networks/kyrgyzstan/circulations/")
    assert forbidden.status_code == 403
    check(schema, base, "get", 403, forbidden.json())
