// harmless: the approved package's own postinstall does nothing
