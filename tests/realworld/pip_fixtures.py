#!/usr/bin/env python3
"""tests/realworld/pip_fixtures.py - the benign distributions the pip
real-world tests install, made locally (PyPI is not reachable): sdists as
tar.gz of a source tree, a wheel zipped by hand (no build tool needed).

Usage: pip_fixtures.py DIST_DIR   (prints nothing; exits 1 on error)

  rw-setuppy 1.2.3        setup.py only, src/ layout (package_dir={"": "src"})
  rw-setuppy-wheel 1.4.0  the same, installed once `wheel` is in the venv
  rw-pyproject 2.1.0      pyproject.toml (PEP 517/621, setuptools backend)
  rw-wheel 3.0.1          a pure-Python wheel
  rw-cext 0.9.2           setup.py with a C extension (rw_cext._speed)
"""
import base64
import hashlib
import io
import os
import sys
import tarfile
import zipfile

SETUP_PY_SRC_LAYOUT = '''from setuptools import setup

setup(
    name="{name}",
    version="{version}",
    description="a benign setup.py-only package (pkgtrace real-world tier)",
    package_dir={{"": "src"}},
    packages=["{mod}"],
)
'''

PYPROJECT = '''[build-system]
requires = ["setuptools>=61", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
description = "a benign pyproject.toml package (pkgtrace real-world tier)"

[tool.setuptools]
packages = ["{mod}"]
'''

SETUP_PY_CEXT = '''from setuptools import Extension, setup

setup(
    name="{name}",
    version="{version}",
    description="a benign C extension (pkgtrace real-world tier)",
    packages=["{mod}"],
    ext_modules=[Extension("{mod}._speed", ["{mod}/_speed.c"])],
)
'''

SPEED_C = '''#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *add(PyObject *self, PyObject *args)
{
	long a, b;
	(void)self;
	if (!PyArg_ParseTuple(args, "ll", &a, &b))
		return NULL;
	return PyLong_FromLong(a + b);
}

static PyMethodDef methods[] = {
	{"add", add, METH_VARARGS, "a + b"},
	{NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speed", NULL, -1, methods};

PyMODINIT_FUNC PyInit__speed(void) { return PyModule_Create(&module); }
'''


def pkg_info(name, version):
    return (f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
            "Summary: a benign package (pkgtrace real-world tier)\n")


def sdist(dist_dir, name, version, files):
    base = f"{name.replace('-', '_')}-{version}"
    path = os.path.join(dist_dir, base + ".tar.gz")
    files = dict(files, **{"PKG-INFO": pkg_info(name, version)})
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for rel, text in sorted(files.items()):
            data = text.encode()
            info = tarfile.TarInfo(f"{base}/{rel}")
            info.size, info.mode, info.mtime = len(data), 0o644, 1700000000
            tar.addfile(info, io.BytesIO(data))


def wheel(dist_dir, name, version, mod):
    stem = f"{name.replace('-', '_')}-{version}"
    distinfo = f"{stem}.dist-info"
    files = {
        f"{mod}/__init__.py": f'"""{name}"""\n__version__ = "{version}"\n',
        f"{distinfo}/METADATA": pkg_info(name, version),
        f"{distinfo}/WHEEL": "Wheel-Version: 1.0\nGenerator: pkgtrace-tests\n"
                             "Root-Is-Purelib: true\nTag: py3-none-any\n",
        f"{distinfo}/top_level.txt": mod + "\n",
    }
    record = []
    for rel, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{rel},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{distinfo}/RECORD,,")
    files[f"{distinfo}/RECORD"] = "\n".join(record) + "\n"
    with zipfile.ZipFile(os.path.join(dist_dir, f"{stem}-py3-none-any.whl"), "w") as z:
        for rel, text in files.items():
            z.writestr(zipfile.ZipInfo(rel, (2023, 11, 14, 0, 0, 0)), text)


def main():
    dist_dir = sys.argv[1]
    os.makedirs(dist_dir, exist_ok=True)
    for name, version in (("rw-setuppy", "1.2.3"), ("rw-setuppy-wheel", "1.4.0")):
        mod = name.replace("-", "_")
        sdist(dist_dir, name, version, {
            "setup.py": SETUP_PY_SRC_LAYOUT.format(name=name, version=version, mod=mod),
            f"src/{mod}/__init__.py": f'"""{name}"""\n__version__ = "{version}"\n',
        })
    sdist(dist_dir, "rw-pyproject", "2.1.0", {
        "pyproject.toml": PYPROJECT.format(name="rw-pyproject", version="2.1.0", mod="rw_pyproject"),
        "rw_pyproject/__init__.py": '"""rw-pyproject"""\n__version__ = "2.1.0"\n',
    })
    wheel(dist_dir, "rw-wheel", "3.0.1", "rw_wheel")
    sdist(dist_dir, "rw-cext", "0.9.2", {
        "setup.py": SETUP_PY_CEXT.format(name="rw-cext", version="0.9.2", mod="rw_cext"),
        "rw_cext/__init__.py": "from ._speed import add\n",
        "rw_cext/_speed.c": SPEED_C,
    })


if __name__ == "__main__":
    main()
