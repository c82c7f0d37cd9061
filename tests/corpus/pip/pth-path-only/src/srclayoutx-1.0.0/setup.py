# Benign .pth: a path line only (what editable installs and
# distutils-precedence-style helpers ship), no import line.
import os
import shutil
from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_with_pth(build_py):
    def run(self):
        super().run()
        shutil.copy("srclayoutx.pth", os.path.join(self.build_lib, "srclayoutx.pth"))


setup(name="srclayoutx", version="1.0.0", py_modules=["srclayoutx"],
      cmdclass={"build_py": build_py_with_pth})
