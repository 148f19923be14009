"""The bureau's statements: its issued settlement runs, every line with its reason and explanation, its documents."""
