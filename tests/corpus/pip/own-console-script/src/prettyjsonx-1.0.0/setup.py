from setuptools import setup

setup(name="prettyjsonx", version="1.0.0", py_modules=["prettyjsonx"],
      entry_points={"console_scripts": ["prettyjsonx = prettyjsonx:main"]})
