"""A PEP 517 build backend for the anecompat package, in the tree so that ``pip install ./python`` needs nothing
from a package index: no setuptools or wheel download, with or without build isolation.

A wheel is a zip of the package files plus ``*.dist-info/{METADATA,WHEEL,RECORD}``; this writes exactly that. When a
native ``anecompat`` binary has been placed in ``anecompat/bin/`` (python/README.md), it is packed with its executable
bit and the wheel is tagged for this platform; otherwise the wheel is pure Python.
"""
import base64
import hashlib
import os
import sysconfig
import tarfile
import zipfile

NAME = "anecompat"
VERSION = "0.1.0"
SUMMARY = "Static Apple Neural Engine compatibility check for Core ML models, on any OS (wraps the anecompat CLI)"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, NAME)


def _files():
    for folder, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if not name.endswith((".pyc", ".dbg")):
                path = os.path.join(folder, name)
                yield path, os.path.relpath(path, ROOT).replace(os.sep, "/")


def _has_binary():
    return any(arc.startswith(NAME + "/bin/") for _, arc in _files())


def _tag():
    if not _has_binary():
        return "py3-none-any"
    return "py3-none-" + sysconfig.get_platform().replace("-", "_").replace(".", "_")


def _metadata():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    return (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\nSummary: {SUMMARY}\nLicense: MIT\n"
            f"Requires-Python: >=3.8\nDescription-Content-Type: text/markdown\n\n{readme}")


def _digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    info = f"{NAME}-{VERSION}.dist-info"
    os.makedirs(os.path.join(metadata_directory, info), exist_ok=True)
    with open(os.path.join(metadata_directory, info, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_metadata())
    return info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    tag = _tag()
    name = f"{NAME}-{VERSION}-{tag}.whl"
    info = f"{NAME}-{VERSION}.dist-info"
    record = []
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as whl:
        def add(arcname, data, mode=0o644):
            entry = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
            entry.external_attr = (0o100000 | mode) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            whl.writestr(entry, data)
            record.append(f"{arcname},{_digest(data)},{len(data)}")

        for path, arcname in _files():
            with open(path, "rb") as f:
                data = f.read()
            add(arcname, data, 0o755 if os.access(path, os.X_OK) and "/bin/" in arcname else 0o644)
        add(f"{info}/METADATA", _metadata().encode("utf-8"))
        add(f"{info}/WHEEL", f"Wheel-Version: 1.0\nGenerator: anecompat_build\nRoot-Is-Purelib: {'false' if _has_binary() else 'true'}\nTag: {tag}\n".encode())
        record.append(f"{info}/RECORD,,")
        entry = zipfile.ZipInfo(f"{info}/RECORD", date_time=(2020, 1, 1, 0, 0, 0))
        entry.external_attr = 0o100644 << 16
        whl.writestr(entry, "\n".join(record) + "\n")
    return name


def build_sdist(sdist_directory, config_settings=None):
    base = f"{NAME}-{VERSION}"
    name = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as tar:
        for rel in ("pyproject.toml", "README.md", "_build/anecompat_build.py"):
            tar.add(os.path.join(ROOT, rel), arcname=f"{base}/{rel}")
        for path, arcname in _files():
            tar.add(path, arcname=f"{base}/{arcname}")
    return name
