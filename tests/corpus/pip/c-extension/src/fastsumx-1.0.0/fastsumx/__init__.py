import ctypes, os
_lib = ctypes.CDLL(os.path.join(os.path.dirname(__file__), '_fastsum.so'))
