"""Derive a video's duration from the file when the editor left it blank."""

import logging

from django.db.models.signals import pre_save
from django.dispatch import receiver
from wagtailmedia.models import get_media_model

logger = logging.getLogger(__name__)


@receiver(pre_save, sender=get_media_model())
def fill_in_media_duration(sender, instance, **kwargs):
    if instance.duration or not instance.file:
        return
    import mutagen

    try:
        instance.file.open("rb")
        info = mutagen.File(instance.file)
    except Exception:  # unreadable or unknown container: the editor can type the duration
        logger.info("Could not read the duration of %s", instance.file.name)
        return
    finally:
        instance.file.seek(0)
    if info is not None and getattr(info, "info", None) is not None:
        instance.duration = round(float(info.info.length), 2)
