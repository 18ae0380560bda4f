"""Request emails move to the portal's one notification system
(apps.notifications): the outbox rows and the "request emails" switch are
copied there, then the app's own tables go. The periodic sweep installed
under the old task name is pointed at the shared one."""

from django.db import migrations

STATUS, DELIVERY = "request_status", "request_delivery"


def copy_to_shared_outbox(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    OldNotification = apps.get_model("requests", "Notification")
    OldPreference = apps.get_model("requests", "NotificationPreference")
    Notification = apps.get_model("notifications", "Notification")
    Preference = apps.get_model("notifications", "NotificationPreference")
    event_type, _ = ContentType.objects.get_or_create(app_label="requests", model="requestevent")
    headlines = {
        "new": "is back in triage",
        "needs_info": "needs more information from you",
        "accepted": "was accepted",
        "declined": "was declined",
        "duplicate": "was merged into another request",
        "delivered": "was delivered",
        "withdrawn": "was withdrawn by its requester",
    }
    rows = OldNotification.objects.select_related("event__request__product").order_by("pk")
    batch = []
    for old in rows.iterator(chunk_size=500):
        event = old.event
        request = event.request
        moved = event.kind == "delivery_moved"
        headline = "expected delivery moved" if moved else headlines.get(event.new_status, "changed")
        batch.append(
            Notification(
                recipient_id=old.recipient_id,
                kind=DELIVERY if moved else STATUS,
                key=f"requests.event:{event.pk}",
                actor_id=event.actor_id,
                product_id=request.product_id,
                target_type=event_type,
                target_id=event.pk,
                text=f"R-{request.number} “{request.title}” {headline}"[:300],
                link=f"/p/{request.product.slug}/requests/{request.number}/",
                created_at=old.created_at,
                # Emails of the past are not news for the bell; unsent ones go out with the sweep.
                sent_at=old.sent_at,
                in_app=old.sent_at is None,
                email_state="sent" if old.sent_at else "",
                emailed_at=old.sent_at,
                read_at=old.sent_at,
            )
        )
        if len(batch) >= 500:
            Notification.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Notification.objects.bulk_create(batch, ignore_conflicts=True)
    # "No request emails" was the only way not to hear about requests: both channels off.
    Preference.objects.bulk_create(
        [
            Preference(user_id=user_id, kind=kind, in_app=False, email="off")
            for user_id in OldPreference.objects.filter(email_on_request_updates=False).values_list("user_id", flat=True)
            for kind in (STATUS, DELIVERY)
        ],
        ignore_conflicts=True,
    )


def point_the_sweep_at_the_shared_outbox(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task="requests.send_pending_notifications").update(
        task="notifications.send_pending", name="Notifications: deliver missed ones"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "__latest__"),
        ("notifications", "0001_initial"),
        ("requests", "0002_withdrawn_status"),
    ]

    operations = [
        migrations.RunPython(copy_to_shared_outbox, migrations.RunPython.noop),
        migrations.RunPython(point_the_sweep_at_the_shared_outbox, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="notificationpreference",
            name="user",
        ),
        migrations.DeleteModel(
            name="Notification",
        ),
        migrations.DeleteModel(
            name="NotificationPreference",
        ),
        migrations.CreateModel(
            name="NotificationPreference",
            fields=[],
            options={
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("notifications.notificationpreference",),
        ),
    ]
