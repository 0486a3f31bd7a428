from django.db import models


class BenchNote(models.Model):
    text = models.CharField(max_length=100, blank=True)
    # Added by migration 0002: the AddField the bench times over every tenant schema.
    added = models.CharField(max_length=100, blank=True, default="")

    def __str__(self) -> str:
        return self.text
