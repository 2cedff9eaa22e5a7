"""A person's profile: full name, language (for the portal and their emails) and time
zone."""

import pytest
from django.urls import reverse


def test_profile_saves_name_language_and_time_zone(kyrgyzstan, login):
    client = login(kyrgyzstan.member)
    response = client.post(
        reverse("account-profile"),
        {"full_name": "Aida Member", "language": "ru", "time_zone": "Asia/Bishkek"},
    )
    assert response.status_code == 302
    member = kyrgyzstan.member
    member.refresh_from_db()
    assert (member.full_name, member.language, member.time_zone) == (
        "Aida Member",
        "ru",
        "Asia/Bishkek",
    )
    # The portal switches to the chosen language at once.
    assert '<html lang="ru">' in client.get(reverse("account-profile")).content.decode()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"full_name": "A", "language": "ru", "time_zone": "Mars/Base"}, "time_zone"),
        ({"full_name": "A", "language": "de", "time_zone": ""}, "language"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(kyrgyzstan, login, data, field):
    response = login(kyrgyzstan.member).post(reverse("account-profile"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    kyrgyzstan.member.refresh_from_db()
    assert (kyrgyzstan.member.full_name, kyrgyzstan.member.language) == (
        "Member of Kyrgyzstan",
        "en",
    )


def test_the_profile_needs_sign_in(client, db):
    assert client.get(reverse("account-profile")).status_code == 302


def test_a_person_chooses_their_own_zone_from_a_list_or_none(kyrgyzstan, login):
    page = login(kyrgyzstan.member).get(reverse("account-profile")).content.decode()
    assert '<select name="time_zone"' in page
    assert '<option value="" selected>None: the network&#x27;s time only</option>' in page
    assert '<option value="Europe/London">Europe/London</option>' in page
    # Aliases and the database's technical entries are not offered.
    assert 'value="US/Eastern"' not in page and 'value="posixrules"' not in page
