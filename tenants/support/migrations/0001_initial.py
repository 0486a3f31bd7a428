import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("tenants", "0003_tenant_branding"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SupportGrant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("operator_label", models.CharField(max_length=300, verbose_name="operator")),
                ("reason", models.TextField(verbose_name="reason")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="from"),
                ),
                ("expires_at", models.DateTimeField(verbose_name="until")),
                ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="ended at")),
                ("ended_by", models.CharField(blank=True, max_length=300, verbose_name="ended by")),
                ("end_reason", models.TextField(blank=True, verbose_name="reason for ending")),
                ("tenant_user_id", models.PositiveIntegerField(blank=True, null=True)),
                ("entered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "entry_token_hash",
                    models.CharField(blank=True, db_index=True, max_length=64),
                ),
                ("entry_token_expires_at", models.DateTimeField(blank=True, null=True)),
                (
                    "operator",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "tenant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="support_grants",
                        to="tenants.tenant",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["tenant", "-created_at"], name="support_grant_tenant")
                ],
            },
        ),
    ]
