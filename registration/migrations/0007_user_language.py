from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0006_history_reason_stored_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="language",
            field=models.CharField(
                choices=[("zh-hans", "Simplified Chinese"), ("en", "English")],
                default="zh-hans",
                max_length=10,
                verbose_name="language",
            ),
        ),
    ]
