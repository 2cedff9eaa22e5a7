"""A network's names in Russian: its name and its UN team's, on the pages and in the mails
read in Russian; the default English titles have the portal's Russian; GCM objectives read
in Russian wherever they are listed."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from networks.models import Network
from networks.scoping import network_scope

KYRGYZ = "Сеть ООН по вопросам миграции в Кыргызстане"


def named_in_russian(net) -> Network:
    Network.objects.filter(pk=net.network.pk).update(
        name="UN Network on Migration in Kyrgyzstan",
        name_ru=KYRGYZ,
        un_team_name_ru="Страновая группа ООН в Кыргызстане",
    )
    net.network.refresh_from_db()
    return net.network


def test_the_names_follow_the_language_and_fall_back_to_english(kyrgyzstan):
    network = named_in_russian(kyrgyzstan)
    with translation.override("ru"):
        assert network.label == KYRGYZ
        assert network.un_team_label == "Страновая группа ООН в Кыргызстане"
        # No Russian title given: the portal's Russian of the default English one.
        assert network.coordinator_label == "Координатор-резидент"
    with translation.override("en"):
        assert network.label == "UN Network on Migration in Kyrgyzstan"
        assert network.un_team_label == "UN Country Team"
    network.name_ru = ""
    with translation.override("ru"):
        assert network.label == "UN Network on Migration in Kyrgyzstan"


def test_the_home_page_in_russian_names_the_network_and_its_un_team_in_russian(kyrgyzstan, login):
    named_in_russian(kyrgyzstan)
    client = login(kyrgyzstan.member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = client.get(reverse("networks:home", kwargs={"network": "kyrgyzstan"})).content.decode()
    assert f"<h1>{KYRGYZ}</h1>" in page
    assert "Страновая группа ООН в Кыргызстане" in page
    assert "UN Network on Migration in Kyrgyzstan" not in page


def test_the_library_lists_the_gcm_objectives_in_russian(kyrgyzstan, login):
    client = login(kyrgyzstan.member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    with network_scope(kyrgyzstan.network):
        page = client.get(
            reverse("documents:library", kwargs={"network": "kyrgyzstan"})
        ).content.decode()
    assert ">1. Данные</option>" in page
    assert ">23. " in page and "Minimize adverse drivers" not in page
