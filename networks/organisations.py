"""The organisations of the UN system and the IFIs, as they name themselves: shared by every
network; `manage.py create_network` recognises an acronym by them, the demo (demo.loader) and
`generate_scale` create them."""

from __future__ import annotations

from dataclasses import dataclass

from networks.models import Organisation

Kind = Organisation.Kind


@dataclass(frozen=True)
class Org:
    acronym: str
    name: str
    kind: str = Kind.UN_AGENCY
    website: str = ""


UN_SYSTEM: dict[str, Org] = {
    org.acronym: org
    for org in [
        Org("IOM", "International Organization for Migration", website="https://www.iom.int"),
        Org("UNDP", "United Nations Development Programme", website="https://www.undp.org"),
        Org("UNICEF", "United Nations Children's Fund", website="https://www.unicef.org"),
        Org(
            "UNHCR",
            "Office of the United Nations High Commissioner for Refugees",
            website="https://www.unhcr.org",
        ),
        Org("UNODC", "United Nations Office on Drugs and Crime", website="https://www.unodc.org"),
        Org(
            "UN Women",
            "United Nations Entity for Gender Equality and the Empowerment of Women",
            website="https://www.unwomen.org",
        ),
        Org(
            "FAO",
            "Food and Agriculture Organization of the United Nations",
            website="https://www.fao.org",
        ),
        Org("ILO", "International Labour Organization", website="https://www.ilo.org"),
        Org(
            "UNESCO",
            "United Nations Educational, Scientific and Cultural Organization",
            website="https://www.unesco.org",
        ),
        Org("UNFPA", "United Nations Population Fund", website="https://www.unfpa.org"),
        Org("WHO", "World Health Organization", website="https://www.who.int"),
        Org(
            "OHCHR",
            "Office of the United Nations High Commissioner for Human Rights",
            website="https://www.ohchr.org",
        ),
        Org("UNEP", "United Nations Environment Programme", website="https://www.unep.org"),
        Org(
            "UN-Habitat",
            "United Nations Human Settlements Programme",
            website="https://unhabitat.org",
        ),
        Org("WFP", "World Food Programme", website="https://www.wfp.org"),
        Org(
            "UNAIDS", "Joint United Nations Programme on HIV/AIDS", website="https://www.unaids.org"
        ),
        Org("UNOPS", "United Nations Office for Project Services", website="https://www.unops.org"),
        Org(
            "UNIDO",
            "United Nations Industrial Development Organization",
            website="https://www.unido.org",
        ),
        Org("ITC", "International Trade Centre", website="https://intracen.org"),
        Org("UNCDF", "United Nations Capital Development Fund", website="https://www.uncdf.org"),
        Org(
            "IFAD",
            "International Fund for Agricultural Development",
            website="https://www.ifad.org",
        ),
        Org("UNECE", "United Nations Economic Commission for Europe", website="https://unece.org"),
        Org(
            "ESCAP",
            "United Nations Economic and Social Commission for Asia and the Pacific",
            website="https://www.unescap.org",
        ),
        Org("UNRCCA", "United Nations Regional Centre for Preventive Diplomacy for Central Asia"),
        Org("UNV", "United Nations Volunteers programme", website="https://www.unv.org"),
        Org("World Bank", "World Bank Group", Kind.IFI, "https://www.worldbank.org"),
        Org("ADB", "Asian Development Bank", Kind.IFI, "https://www.adb.org"),
        Org(
            "EBRD",
            "European Bank for Reconstruction and Development",
            Kind.IFI,
            "https://www.ebrd.com",
        ),
        Org("IMF", "International Monetary Fund", Kind.IFI, "https://www.imf.org"),
    ]
}


def organisation_get_or_create(org: Org) -> tuple[Organisation, bool]:
    return Organisation.objects.get_or_create(
        name=org.name, defaults={"acronym": org.acronym, "kind": org.kind, "website": org.website}
    )
