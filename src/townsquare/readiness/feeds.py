"""The announcements as an Atom feed (RFC 4287), for feed readers and the town's newsletter."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from townsquare.core.markdown import render
from townsquare.readiness import selectors
from townsquare.readiness.models import Announcement


class AnnouncementsFeed(Feed[Announcement, None]):
    feed_type = Atom1Feed
    description_template = None

    def title(self) -> str:
        return f"{settings.SITE_NAME}: announcements"

    def link(self) -> str:
        return reverse("readiness:announcements")

    def subtitle(self) -> str:
        return f"News from {settings.SITE_NAME}: new datasets, milestones and changes."

    def items(self) -> list[Announcement]:
        return list(selectors.announcements_shown()[:50])

    def item_title(self, item: Announcement) -> str:
        return item.title

    def item_description(self, item: Announcement) -> str:
        return render(item.body)

    def item_link(self, item: Announcement) -> str:
        return reverse("readiness:announcement", args=[item.pk])

    def item_pubdate(self, item: Announcement) -> datetime:
        return item.publish_at

    def item_updateddate(self, item: Announcement) -> datetime:
        return max(item.updated_at, item.publish_at)

    def item_author_name(self, item: Announcement) -> str:
        return settings.SITE_NAME
