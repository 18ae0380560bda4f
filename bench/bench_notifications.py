"""Notifications at scale: the list, the unread-only list and the bell for a
person with 50 and 5,000 notifications (constant queries; the list beside
its floors), and the unread count every page header shows."""

import datetime

from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.notifications.models import Notification
from apps.products.models import Product
from bench.harness import client_for, compare_get, print_header, print_row

LIST_SQL = (
    "SELECT n.id, n.kind, n.text, n.link, n.created_at, n.read_at, u.username FROM notifications_notification n "
    "LEFT JOIN accounts_user u ON u.id = n.actor_id WHERE n.recipient_id = %s AND n.in_app "
    "ORDER BY n.created_at DESC LIMIT 50"
)


def make_notifications(user: User, actor: User, product: Product, count: int) -> None:
    have = Notification.objects.filter(recipient=user).count()
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            actor=actor,
            product=product,
            kind=Notification._meta.get_field("kind").choices[0][0],
            key=f"bench-{n}",
            text=f"Item #{n} changed status",
            link=f"/p/{product.slug}/backlog/items/{n}/",
            created_at=now - datetime.timedelta(minutes=n),
            in_app=True,
            read_at=None if n % 3 else now,
        )
        for n in range(have, count)
    )


def run() -> None:
    user, _ = User.objects.get_or_create(username="bench-notified")
    actor, _ = User.objects.get_or_create(username="bench-actor")
    product, created = Product.objects.get_or_create(slug="bench-notify", defaults={"name": "Bench notify"})
    if created:
        Membership.objects.create(user=user, product=product, role=Role.TEAM_MEMBER)
    client = client_for(user)
    print_header("notifications")
    for size in (50, 5_000):
        make_notifications(user, actor, product, size)
        params = [user.pk]
        print_row(f"notifications page, {size} notifications", compare_get(client, "/notifications/", LIST_SQL, params))
        print_row(
            f"unread only, {size} notifications",
            compare_get(client, "/notifications/?show=unread", LIST_SQL, params),
        )
        print_row(
            f"bell (unread count), {size} notifications",
            compare_get(
                client,
                "/notifications/bell/",
                "SELECT COUNT(*) FROM notifications_notification WHERE recipient_id = %s AND read_at IS NULL",
                params,
            ),
        )
