import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from billing import tasks
from billing.factories import EntitlementFactory, SeatCodeFactory, SeatPoolFactory, SponsorFactory, create_order
from billing.models import Entitlement, EntitlementSource, OrderStatus, SeatCode, SeatPool
from billing.services import seats
from courses.access import can_access
from lms.accounts.factories import StaffUserFactory


@pytest.fixture
def billing_data(trainee, course_offer):
    order = create_order(trainee, course_offer, status=OrderStatus.PAID)
    tasks.issue_receipt.delay(order.pk)
    order.refresh_from_db()
    pool = SeatPoolFactory(offer=course_offer, sponsor__name="Ministry of Health of Uzbekistan")
    seat = SeatCodeFactory(pool=pool)
    entitlement = EntitlementFactory(user=trainee, course=course_offer.course)
    return {"order": order, "pool": pool, "seat": seat, "entitlement": entitlement, "offer": course_offer}


def _admin_urls(data):
    return [
        reverse("billing_offers:index"),
        reverse("billing_offers:add"),
        reverse("billing_offers:edit", args=[data["offer"].pk]),
        reverse("billing_coupons:index"),
        reverse("billing_coupons:add"),
        reverse("billing_orders:index"),
        reverse("billing_orders:index") + "?status=paid&currency=USD&q=aziz",
        reverse("billing_orders:index") + f"?offer={data['offer'].pk}&created_at_from=2020-01-01",
        reverse("billing_orders:inspect", args=[data["order"].pk]),
        reverse("billing_payments:index") + "?state=succeeded",
        reverse("billing_entitlements:index"),
        reverse("billing_entitlement_grant"),
        reverse("billing_entitlement_revoke", args=[data["entitlement"].pk]),
        reverse("billing_sponsors:index"),
        reverse("billing_sponsor_detail", args=[data["pool"].sponsor_id]),
        reverse("billing_seat_pools:index"),
        reverse("billing_seat_pools:add"),
        reverse("billing_revenue"),
    ]


def test_billing_admin_pages_render_for_a_superuser(client, superuser, billing_data):
    client.force_login(superuser)
    for url in _admin_urls(billing_data):
        assert client.get(url).status_code == 200, url


def test_billing_admin_pages_are_refused_to_a_curriculum_editor(client, curriculum_editor, billing_data):
    client.force_login(curriculum_editor)
    for url in _admin_urls(billing_data):
        assert client.get(url).status_code in (302, 403), url
    assert "Billing" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_billing_managers_see_orders_but_cannot_edit_them(client, billing_data):
    manager = StaffUserFactory(email="cashier@example.org")
    manager.groups.add(Group.objects.get(name="Billing managers"))
    client.force_login(manager)
    assert client.get(reverse("billing_orders:index")).status_code == 200
    assert client.get(reverse("billing_revenue")).status_code == 200
    assert client.get(reverse("billing_orders:edit", args=[billing_data["order"].pk])).status_code in (302, 403)


def test_the_order_page_shows_lines_payments_receipt_and_no_refund_button_before_refunds_exist(
    client, superuser, billing_data
):
    client.force_login(superuser)
    order = billing_data["order"]
    page = client.get(reverse("billing_orders:inspect", args=[order.pk])).content.decode()
    assert "Structural heart interventions" in page and "sandbox_pay_" in page
    assert order.receipt_number in page and reverse("billing_order_receipt", args=[order.pk]) in page
    response = client.get(reverse("billing_order_receipt", args=[order.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_orders_export_as_csv(client, superuser, billing_data):
    client.force_login(superuser)
    response = client.get(reverse("billing_orders:index") + "?export=csv")
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(table) == 2
    assert str(billing_data["order"].reference) in table[1] and "$49.00" in table[1]


def test_staff_grant_and_revoke(client, superuser, trainee, course_offer, advanced_course):
    client.force_login(superuser)
    response = client.post(
        reverse("billing_entitlement_grant"),
        {"email": "AZIZ@example.org", "offer": course_offer.pk, "days": 30, "note": "Lecturer's guest"},
    )
    assert response.status_code == 302
    entitlement = Entitlement.objects.get(user=trainee)
    assert entitlement.source == EntitlementSource.STAFF_GRANT and entitlement.granted_by == superuser
    assert (entitlement.ends_at - entitlement.starts_at).days == 30 and can_access(trainee, advanced_course)

    unknown = client.post(
        reverse("billing_entitlement_grant"), {"email": "nobody@example.org", "offer": course_offer.pk, "note": "x"}
    )
    assert "No account uses this e-mail address" in unknown.content.decode()

    client.post(reverse("billing_entitlement_revoke", args=[entitlement.pk]), {"reason": "Guest period over"})
    entitlement.refresh_from_db()
    assert entitlement.revoked_at and entitlement.revoke_reason == "Guest period over"
    assert not can_access(trainee, advanced_course)


def test_a_new_seat_pool_comes_with_its_codes(client, superuser, course_offer):
    sponsor = SponsorFactory()
    client.force_login(superuser)
    response = client.post(
        reverse("billing_seat_pools:add"),
        {
            "sponsor": sponsor.pk,
            "offer": course_offer.pk,
            "seat_count": 4,
            "access_days": 180,
            "redeemable_until": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    pool = SeatPool.objects.get(sponsor=sponsor)
    assert pool.codes.count() == 4
    assert response["Location"] == reverse("billing_sponsor_detail", args=[sponsor.pk])


def test_admin_invites_reassigns_and_revokes_seats(
    client, superuser, trainee, billing_data, django_capture_on_commit_callbacks
):
    pool = billing_data["pool"]
    sponsor_page = reverse("billing_sponsor_detail", args=[pool.sponsor_id])
    action = lambda name: reverse("billing_seat_action", args=[pool.sponsor_id, name])
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action("invite"), {"pool": pool.pk, "email": "new.doctor@example.org"})
    seat = SeatCode.objects.get(invited_email="new.doctor@example.org")
    assert mail.outbox[-1].to == ["new.doctor@example.org"] and seat.code in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action("reassign"), {"seat": seat.pk, "email": "right.doctor@example.org"})
    seat.refresh_from_db()
    assert seat.invited_email == "right.doctor@example.org"

    seats.redeem(trainee, seat.code)
    page = client.post(action("reassign"), {"seat": seat.pk, "email": "x@example.org"}, follow=True)
    assert "a used seat cannot be reassigned" in page.content.decode()
    page = client.post(action("revoke"), {"seat": seat.pk}, follow=True)
    assert page.redirect_chain[-1][0] == sponsor_page and "already used" in page.content.decode()
    seat.refresh_from_db()
    assert seat.invited_email == "right.doctor@example.org" and seat.revoked_at is None


def test_a_malformed_seat_or_pool_id_is_not_found_rather_than_a_server_error(client, superuser, billing_data):
    sponsor_id = billing_data["pool"].sponsor_id
    client.force_login(superuser)
    for action, field in (("generate", "pool"), ("reassign", "seat"), ("revoke", "seat")):
        for value in ("abc", "1\x00", "", "99999999999999999999999"):
            response = client.post(reverse("billing_seat_action", args=[sponsor_id, action]), {field: value})
            assert response.status_code == 404, (action, value)


def test_a_curriculum_editor_cannot_change_seats(client, curriculum_editor, billing_data):
    seat = billing_data["seat"]
    client.force_login(curriculum_editor)
    client.post(reverse("billing_seat_action", args=[seat.pool.sponsor_id, "revoke"]), {"seat": seat.pk})
    seat.refresh_from_db()
    assert seat.revoked_at is None


@pytest.mark.parametrize("listing", ["billing_entitlements:index", "billing_payments:index", "billing_seat_pools:index"])
def test_admin_listings_load_related_rows_in_the_same_query(client, superuser, course_offer, listing):
    """Each row's trainee, course, order, sponsor… come with the list, not one query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lms.accounts.factories import TraineeFactory

    def add_rows(count):
        for _n in range(count):
            order = create_order(TraineeFactory(), course_offer, status=OrderStatus.PAID)
            EntitlementFactory(user=order.user, course=course_offer.course)
            SeatPoolFactory(offer=course_offer)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(listing)).status_code == 200
        return len(captured)

    client.force_login(superuser)
    add_rows(1)
    queries()  # warm caches
    few = queries()
    add_rows(5)
    assert queries() == few
