import json, sys

def main():
    print(json.dumps(json.load(sys.stdin), indent=2))
