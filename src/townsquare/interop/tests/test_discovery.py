"""For search engines and readers: schema.org JSON-LD in public dataset pages, sitemap.xml
paged, robots.txt, RSS and Atom feeds (read with feedparser), and each page's alternate
links — none of them showing what the public may not see."""

from __future__ import annotations

import json
import re
from typing import Any

import feedparser
import pytest
from django.test import Client

from townsquare.interop import discovery

pytestmark = pytest.mark.django_db


def jsonld(client: Client, slug: str) -> list[dict[str, Any]]:
    page = client.get(f"/datasets/{slug}").content.decode()
    return [
        json.loads(found)
        for found in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    ]


def structured_data_problems(found: dict[str, Any]) -> list[str]:
    """Google Dataset Search's rules for a Dataset: name, a description of 50–5000
    characters, and well-formed optional parts."""
    problems = []
    if found.get("@context") != "https://schema.org" or found.get("@type") != "Dataset":
        problems.append("not a schema.org Dataset")
    if not found.get("name"):
        problems.append("name is missing")
    if not 50 <= len(found.get("description", "")) <= 5000:
        problems.append("description must have 50 to 5000 characters")
    for download in found.get("distribution", []):
        if download.get("@type") != "DataDownload" or not download.get("contentUrl"):
            problems.append("a distribution needs a contentUrl")
    for key in ("creator", "publisher"):
        if found.get(key, {}).get("@type") != "Organization" or not found[key].get("name"):
            problems.append(f"{key} needs a name")
    return problems


def test_public_pages_carry_schema_org_dataset_json_ld(
    client: Client, town: Any, steward: Any
) -> None:
    town["trees"].description = "Every tree on a street of the town, with its species and size."
    town["trees"].save()
    [found] = jsonld(client, "street-trees")
    assert structured_data_problems(found) == []
    assert found["name"] == "Street trees"
    assert found["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert "Environment" in found["keywords"]
    [download] = found["distribution"]
    assert download["contentUrl"].startswith("http://127.0.0.1:8000/datasets/street-trees/")
    assert found["dateModified"]
    client.force_login(steward)
    assert jsonld(client, "staff-phones") == []  # seen by its steward, not offered to engines


def test_sitemap_is_paged_and_lists_only_public_pages(
    client: Client, town: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(discovery.DatasetSitemap, "limit", 2)
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-datasets.xml" in index
    assert "/sitemap-datasets.xml?p=2" in index
    first = client.get("/sitemap-datasets.xml").content.decode()
    second = client.get("/sitemap-datasets.xml?p=2").content.decode()
    listed = re.findall(r"<loc>[^<]*/datasets/([^<]+)</loc>", first + second)
    assert sorted(listed) == ["building-permits", "road-repairs", "street-trees"]
    assert "<lastmod>" in first
    assert "/organizations/parks" in client.get("/sitemap-organizations.xml").content.decode()
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    assert "Disallow: /admin/" in robots


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_of_new_and_updated_datasets(client: Client, town: Any, kind: str) -> None:
    site = feedparser.parse(client.get(f"/feeds/datasets.{kind}").content)
    titles = [entry.title for entry in site.entries]
    assert sorted(titles) == ["Building permits", "Road repairs", "Street trees"]
    assert "Staff phone list" not in titles
    newest = site.entries[0]
    assert newest.link.startswith("http://testserver/datasets/")
    parks = feedparser.parse(client.get(f"/feeds/organizations/parks.{kind}").content)
    assert [e.title for e in parks.entries] == ["Street trees"]
    regions = feedparser.parse(client.get(f"/feeds/themes/regi.{kind}").content)
    assert sorted(e.title for e in regions.entries) == ["Building permits", "Road repairs"]
    assert client.get(f"/feeds/organizations/nowhere.{kind}").status_code == 404
    assert client.get(f"/feeds/themes/nothing.{kind}").status_code == 404


def test_pages_link_to_their_json_and_feed_twins(client: Client, town: Any) -> None:
    dataset = client.get("/datasets/street-trees").content.decode()
    assert 'href="/api/v1/datasets/street-trees"' in dataset
    assert 'href="/api/3/action/package_show?id=street-trees"' in dataset
    assert 'href="/feeds/organizations/parks.atom"' in dataset
    organization = client.get("/organizations/parks").content.decode()
    assert 'type="application/rss+xml"' in organization
    home = client.get("/").content.decode()
    assert 'href="/data.json"' in home
    assert 'href="/feeds/datasets.atom"' in client.get("/datasets").content.decode()
