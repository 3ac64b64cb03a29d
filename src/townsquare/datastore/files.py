"""Where the datastore keeps its files, and how DuckDB gets a local path to read.

Everything lives in the portal's storage (a local folder or S3) under
``datastore/<dataset id>/<version folder>/``: the original file, ``data.parquet`` and cached
exports. A version's files never change, so when the storage is not local a copy is cached on
local disk (``<data dir>/cache/``) and reused for as long as it exists.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage, storages

ROOT = "datastore"


def version_folder(dataset_id: int, number: int) -> str:
    return f"{ROOT}/{dataset_id}/v{number}-{uuid.uuid4().hex[:12]}"


def save(local_path: Path, name: str) -> str:
    """Copy a local file into storage (streamed); returns the stored name."""
    with local_path.open("rb") as handle:
        return default_storage.save(name, File(handle, name=os.path.basename(name)))


def store_upload(upload: File[Any], name: str) -> str:
    """Save an uploaded (or opened) file into storage in chunks; returns the stored name."""
    return default_storage.save(name, upload)


def save_bytes(content: bytes, name: str) -> str:
    return default_storage.save(name, ContentFile(content))


def copy_stored(source: str, target: str) -> str:
    with default_storage.open(source, "rb") as handle:
        return default_storage.save(target, File(handle, name=os.path.basename(target)))


def delete(name: str) -> None:
    default_storage.delete(name)
    (Path(settings.DATA_DIR) / "cache" / name).unlink(missing_ok=True)


def list_files(folder: str) -> list[str]:
    """Every stored file below a folder, as full names."""
    storage = storages["default"]
    directories, names = _listdir(storage, folder)
    found = [f"{folder}/{name}" for name in names]
    for directory in directories:
        found += list_files(f"{folder}/{directory}")
    return found


def remove_empty(folder: str) -> None:
    """Remove a local folder tree left empty (object stores have no folders to remove)."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        for path in sorted(Path(storage.path(folder)).glob("**/"), key=lambda p: -len(p.parts)):
            if path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def remove_stale_scratch(cutoff: Any) -> int:
    base = Path(settings.DATA_DIR) / "tmp"
    removed = 0
    for path in [*base.glob("work-*"), *base.glob("exports/*")]:
        if path.stat().st_mtime >= cutoff.timestamp():
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed += 1
    return removed


def local_path(name: str) -> Path:
    """A local path with the stored file's content."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return Path(storage.path(name))
    cached = Path(settings.DATA_DIR) / "cache" / name
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cached.parent, delete=False) as target:
            with storage.open(name, "rb") as source:
                shutil.copyfileobj(source, target, 1024 * 1024)
        os.replace(target.name, cached)  # atomic: readers never see half a file
    return cached


def delete_folder(folder: str) -> None:
    """Delete a version's files from storage (and from the local cache)."""
    storage = storages["default"]
    directories, names = _listdir(storage, folder)
    for name in names:
        storage.delete(f"{folder}/{name}")
    for directory in directories:
        delete_folder(f"{folder}/{directory}")
    cached = Path(settings.DATA_DIR) / "cache" / folder
    shutil.rmtree(cached, ignore_errors=True)
    if isinstance(storage, FileSystemStorage):
        shutil.rmtree(storage.path(folder), ignore_errors=True)


def _listdir(storage: Storage, folder: str) -> tuple[list[str], list[str]]:
    try:
        return storage.listdir(folder)
    except FileNotFoundError:
        return [], []


def stored_folders() -> list[str]:
    """Every version folder present in storage, as ``datastore/<dataset>/<folder>``."""
    storage = storages["default"]
    folders = []
    datasets, _ = _listdir(storage, ROOT)
    for dataset in datasets:
        versions, _ = _listdir(storage, f"{ROOT}/{dataset}")
        folders += [f"{ROOT}/{dataset}/{version}" for version in versions]
    return folders


def workdir() -> Path:
    """A private scratch folder for one ingest or export; the caller removes it."""
    base = Path(settings.DATA_DIR) / "tmp"
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="work-", dir=base))
