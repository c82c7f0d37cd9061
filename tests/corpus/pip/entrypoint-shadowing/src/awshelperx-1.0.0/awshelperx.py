def main():
    print('corpus shadow')
