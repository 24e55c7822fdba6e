"""A sent reminder carries its client's practice, like every other practice table.

``diary_remindersent`` was the one practice table without ``practice_id`` (docs/deployment.md,
"Sharding by practice"). The column is added empty, filled from each row's client (a client
belongs to one practice), then made required; "once a day" becomes unique on
``(practice, client, date, kind)`` under the same name (the rule is unchanged).
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_practice(apps, schema_editor):
    ReminderSent = apps.get_model("diary", "ReminderSent")
    Client = apps.get_model("clients", "Client")
    ReminderSent.objects.update(
        practice_id=models.Subquery(
            Client.objects.filter(pk=models.OuterRef("client_id")).values("practice_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0008_uuid_unique_per_practice"),
        ("clients", "0009_uuid_unique_per_practice"),
        ("practice", "0010_uuid_unique_per_practice"),
    ]

    operations = [
        migrations.AddField(
            model_name="remindersent",
            name="practice",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="practice.practice",
                verbose_name="practice",
            ),
        ),
        migrations.RunPython(fill_practice, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="remindersent",
            name="practice",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="practice.practice",
                verbose_name="practice",
            ),
        ),
        migrations.RemoveConstraint(model_name="remindersent", name="reminder_once_a_day"),
        migrations.AddConstraint(
            model_name="remindersent",
            constraint=models.UniqueConstraint(
                fields=("practice", "client", "date", "kind"), name="reminder_once_a_day"
            ),
        ),
    ]
