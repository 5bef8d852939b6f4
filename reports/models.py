from django.db import models


class FiguresVersion(models.Model):
    """The number of the facts the figures count: it grows after every transaction that wrote any of them, so that
    figures kept in the cache under an older number are never read again (reports.freshness)."""

    number = models.PositiveBigIntegerField("numéro", default=0)

    class Meta:
        verbose_name = "version des chiffres"

    def __str__(self):
        return f"Version {self.number} des chiffres"
