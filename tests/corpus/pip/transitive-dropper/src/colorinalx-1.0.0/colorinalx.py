RESET = ''
