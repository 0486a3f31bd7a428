from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("benchaddfield", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="benchnote",
            name="added",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
    ]
