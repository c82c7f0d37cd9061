from setuptools import setup

setup(name="tinyfmtx", version="1.0.0", py_modules=["tinyfmtx"])
