def fmt(n):
    return f'{n:,}'
