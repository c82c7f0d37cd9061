# litellm-like: the wheel ships a .pth file whose import line runs on
# every Python start.  The install itself only writes it.
import os
import shutil
from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_with_pth(build_py):
    def run(self):
        super().run()
        shutil.copy("llmproxyx_init.pth", os.path.join(self.build_lib, "llmproxyx_init.pth"))


setup(name="llmproxyx", version="1.0.0", py_modules=["llmproxyx"],
      cmdclass={"build_py": build_py_with_pth})
